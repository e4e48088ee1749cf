import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';

export const KUBERNETES_DIR = join(__dirname, '../kubernetes');

/** An object as kustomize renders it; `validateObject` checks the rest against the Kubernetes schemas. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface SchemaModel {
  apiVersion: string;
  kind: string;
  new (data: never): { validate(): void };
}

/** The kinds deploy/kubernetes may contain; anything else fails the check instead of passing unvalidated. */
const MODELS: readonly SchemaModel[] = [
  Deployment,
  Service,
  ServiceAccount,
  ConfigMap,
  Secret,
  PodDisruptionBudget,
  HorizontalPodAutoscaler,
  ServiceMonitor,
] as unknown as readonly SchemaModel[];

/**
 * Renders a kustomization with the real kustomize (the one built into kubectl, which this machine image ships:
 * Debian's package of the Google Cloud CLI). Throws kubectl's message when the kustomization is broken.
 */
export function renderKustomization(directory: string): RenderedObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', directory], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') throw new Error('kubectl is not installed: the Kubernetes checks render with `kubectl kustomize`');
    throw new Error(`kubectl kustomize ${directory} failed: ${failure.stderr ?? failure.message}`);
  }
  return parseManifests(output);
}

export function parseManifests(text: string): RenderedObject[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`invalid YAML: ${document.errors.map((problem) => problem.message).join('; ')}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return [];
    if (typeof value !== 'object' || !('kind' in value) || !('apiVersion' in value) || !('metadata' in value)) {
      throw new Error(`not a Kubernetes object: ${JSON.stringify(value).slice(0, 200)}`);
    }
    return [value as RenderedObject];
  });
}

/** Validates one object against its kind's OpenAPI schema (kubernetes-models); throws with each violation. */
export function validateObject(object: RenderedObject): void {
  const model = MODELS.find((candidate) => candidate.apiVersion === object.apiVersion && candidate.kind === object.kind);
  if (!model) throw new Error(`${object.apiVersion} ${object.kind} has no schema here: add its model to MODELS`);
  new model(object as never).validate();
}

export function objectsOfKind<T>(objects: readonly RenderedObject[], kind: string): Array<T & RenderedObject> {
  return objects.filter((object) => object.kind === kind) as Array<T & RenderedObject>;
}
