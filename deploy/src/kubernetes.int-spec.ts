import { join } from 'node:path';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { ENV_CONTRACT, loadConfig, SERVICE_NAMES } from '@glint/config';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import { KUBERNETES_DIR, objectsOfKind, RenderedObject, renderKustomization, validateObject } from './kubernetes-manifests';

const SENSITIVE_NAMES: string[] = ENV_CONTRACT.flatMap((variable) =>
  'sensitive' in variable && variable.sensitive ? [variable.name, ...('aliases' in variable ? variable.aliases : [])] : [],
);
const CONTRACT_NAMES: string[] = ENV_CONTRACT.flatMap((variable) => [variable.name, ...('aliases' in variable ? variable.aliases : [])]);
/** Connection URLs carry passwords (`postgres://user:password@host`): those come from the Secret too. */
const CREDENTIAL_NAMES = ['DATABASE_URL', 'REDIS_URL'];
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i;
const SCALED_SERVICES = ['gateway', 'mapper', 'publisher'];
const DEFAULT_PORTS = loadConfig({}, []).http.ports;

const base = renderKustomization(join(KUBERNETES_DIR, 'base'));
const monitoring = renderKustomization(join(KUBERNETES_DIR, 'overlays/monitoring'));
const deployments = objectsOfKind<IDeployment>(base, 'Deployment');
const containersOf = (deployment: IDeployment): IContainer[] => deployment.spec?.template.spec?.containers ?? [];
const deploymentOf = (service: string) => deployments.find((deployment) => containersOf(deployment)[0]?.args?.[0] === service);
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);
const name = (object: RenderedObject) => `${object.kind} ${object.metadata.name}`;

describe('deploy/kubernetes, rendered by kustomize', () => {
  it.each([...base, ...monitoring].map((object) => [name(object), object] as const))('%s is valid against the Kubernetes schema', (_name, object) => {
    expect(() => validateObject(object)).not.toThrow();
  });

  it('the schema check rejects what the API server would', () => {
    const broken = { ...deployments[0], spec: { ...deployments[0].spec, replicas: 'two' } } as unknown as RenderedObject;

    expect(() => validateObject(broken)).toThrow(/replicas/);
    expect(() => validateObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })).toThrow(/no schema/);
  });

  it('has one Deployment per service, every one running the same image with its service name', () => {
    expect(SERVICE_NAMES.map((service) => deploymentOf(service)?.metadata?.name)).toEqual(SERVICE_NAMES.map((service) => `glint-${service}`));
    expect(deployments).toHaveLength(SERVICE_NAMES.length);
    const images = new Set(deployments.flatMap((deployment) => containersOf(deployment).map((container) => container.image)));
    expect([...images]).toEqual(['glint-github-app:0.1.0']);
  });

  it.each(SERVICE_NAMES.map((service) => [service]))('%s has startup, readiness and liveness probes on /health at its own port', (service) => {
    const [container] = containersOf(deploymentOf(service) as IDeployment);
    const httpPort = container.ports?.find((port) => port.name === 'http');

    expect(httpPort?.containerPort).toBe(DEFAULT_PORTS[service]);
    for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
      expect(probe?.httpGet).toEqual({ path: '/health', port: 'http' });
    }
  });

  it.each(SERVICE_NAMES.map((service) => [service]))('%s runs as a non-root user without privileges on a read-only root', (service) => {
    const deployment = deploymentOf(service) as IDeployment;
    const pod = deployment.spec?.template.spec;

    expect(pod?.securityContext?.runAsNonRoot).toBe(true);
    expect(pod?.securityContext?.runAsUser).toBeGreaterThan(0);
    expect(pod?.automountServiceAccountToken).toBe(false);
    for (const container of containersOf(deployment)) {
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
  });

  it.each(SERVICE_NAMES.map((service) => [service]))('%s takes its secrets from the existing glint-secrets Secret, never from plain values', (service) => {
    for (const container of containersOf(deploymentOf(service) as IDeployment)) {
      const plain = (container.env ?? []).filter((variable) => variable.value !== undefined);
      expect(plain.filter((variable) => [...SENSITIVE_NAMES, ...CREDENTIAL_NAMES].includes(variable.name) || URL_WITH_PASSWORD.test(variable.value ?? ''))).toEqual([]);
      expect(container.envFrom).toContainEqual({ secretRef: { name: 'glint-secrets' } });
    }
    expect(objectsOfKind(base, 'Secret')).toEqual([]);
  });

  it('keeps only known, non-secret variables in the ConfigMap every pod reads', () => {
    const configMaps = objectsOfKind<IConfigMap>(base, 'ConfigMap');
    const referenced = new Set(deployments.flatMap((deployment) => containersOf(deployment).flatMap((container) => (container.envFrom ?? []).flatMap((source) => source.configMapRef?.name ?? []))));

    expect([...referenced].sort()).toEqual(configMaps.map((configMap) => configMap.metadata.name).sort());
    for (const configMap of configMaps) {
      const keys = Object.keys(configMap.data ?? {});
      expect(keys.filter((key) => !CONTRACT_NAMES.includes(key))).toEqual([]);
      expect(keys.filter((key) => [...SENSITIVE_NAMES, ...CREDENTIAL_NAMES].includes(key))).toEqual([]);
      expect(Object.values(configMap.data ?? {}).filter((value) => URL_WITH_PASSWORD.test(value))).toEqual([]);
    }
  });

  it('gives the catalog, which listens on the pod network, a client id in the ConfigMap and takes its secret from glint-secrets', () => {
    const [configMap] = objectsOfKind<IConfigMap>(base, 'ConfigMap');
    const settings = configMap.data ?? {};

    expect(settings['HTTP_HOST']).toBe('0.0.0.0');
    expect(settings['PORT_CLIENT_ID']).toMatch(/\S/);
    expect(loadConfig({ ...settings, PORT_CLIENT_SECRET: 'from-glint-secrets' }, ['catalog']).http.catalogHost).toBe('0.0.0.0');
    expect(() => loadConfig(settings, ['catalog'])).toThrow(/PORT_CLIENT_SECRET\|GLINT_CLIENT_SECRET is missing \(PORT_CLIENT_ID is set\)/);
  });

  it.each(SERVICE_NAMES.map((service) => [service]))('%s has CPU and memory requests and limits', (service) => {
    for (const container of containersOf(deploymentOf(service) as IDeployment)) {
      expect(Object.keys(container.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(container.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
    }
  });

  it('autoscales the gateway, mapper and publisher on their own Deployments, which leave replicas to the autoscaler', () => {
    const autoscalers = objectsOfKind<IHorizontalPodAutoscaler>(base, 'HorizontalPodAutoscaler');
    const targets = autoscalers.map((autoscaler) => autoscaler.spec?.scaleTargetRef.name).sort();

    expect(targets).toEqual(SCALED_SERVICES.map((service) => `glint-${service}`).sort());
    for (const autoscaler of autoscalers) {
      expect(autoscaler.spec?.scaleTargetRef.kind).toBe('Deployment');
      expect(autoscaler.spec?.minReplicas).toBeGreaterThanOrEqual(1);
      expect(autoscaler.spec?.maxReplicas).toBeGreaterThan(autoscaler.spec?.minReplicas ?? 0);
      // A replicas field would be re-applied on every `kubectl apply`, fighting the autoscaler.
      expect(deployments.find((deployment) => deployment.metadata?.name === autoscaler.spec?.scaleTargetRef.name)?.spec?.replicas).toBeUndefined();
    }
  });

  it.each(SERVICE_NAMES.map((service) => [service]))('%s has a PodDisruptionBudget and a Service that select its pods', (service) => {
    const deployment = deploymentOf(service) as IDeployment;
    const podLabels = deployment.spec?.template.metadata?.labels;
    const budgets = objectsOfKind<IPodDisruptionBudget>(base, 'PodDisruptionBudget').filter((budget) => matches(budget.spec?.selector?.matchLabels, podLabels));
    const services = objectsOfKind<IService>(base, 'Service').filter((candidate) => matches(candidate.spec?.selector, podLabels));

    expect(budgets).toHaveLength(1);
    expect(services.map((candidate) => candidate.spec?.ports?.map((port) => port.targetPort))).toEqual([['http']]);
  });

  it('adds a ServiceMonitor scraping /metrics of every Glint Service only in the monitoring overlay', () => {
    const monitors = objectsOfKind<IServiceMonitor>(monitoring, 'ServiceMonitor');
    const services = objectsOfKind<IService>(monitoring, 'Service');

    expect(objectsOfKind(base, 'ServiceMonitor')).toEqual([]);
    expect(monitors).toHaveLength(1);
    expect(monitors[0].metadata.namespace).toBe('glint');
    expect(monitors[0].spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    expect(services.filter((service) => matches(monitors[0].spec.selector.matchLabels, service.metadata?.labels))).toHaveLength(SERVICE_NAMES.length);
  });

  it('puts every object in the glint namespace with the part-of label', () => {
    for (const object of monitoring) {
      expect([name(object), object.metadata.namespace, object.metadata.labels?.['app.kubernetes.io/part-of']]).toEqual([name(object), 'glint', 'glint']);
    }
  });
});
