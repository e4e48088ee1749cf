import type { FetchContext, GithubObject } from '@glint/github';
import type { Kind, PortAppConfig, ResourceConfig } from '@glint/mapping';
import { codeScanningAlertKind } from './code-scanning-alert';
import { collaboratorKind } from './collaborator';
import { dependabotAlertKind } from './dependabot-alert';
import { deploymentKind } from './deployment';
import { deploymentStatusKind } from './deployment-status';
import { environmentKind } from './environment';
import { fileKind } from './file';
import { folderKind } from './folder';
import { issueKind } from './issue';
import type { FilterScope, KindModule, LiveContext, LiveObject, Selector } from './kind-module';
import { organizationKind } from './organization';
import { pluginKind } from './plugin';
import { pullRequestKind } from './pull-request';
import { releaseKind } from './release';
import { repositoryKind } from './repository';
import { secretScanningAlertKind } from './secret-scanning-alert';
import { skillKind } from './skill';
import { branchKind } from './branch';
import { tagKind } from './tag';
import { teamKind } from './team';
import { userKind } from './user';
import { workflowKind } from './workflow';
import { workflowRunKind } from './workflow-run';

export type { FilterScope, KindModule, LiveContext, LiveObject, Selector } from './kind-module';
export { LiveReads } from './live-context';
export { changedPaths } from './push-paths';

/** Every kind's module. Adding a kind is adding its module here (and its selector options to the mapping schema). */
export const KIND_MODULES: Readonly<Record<Kind, KindModule>> = {
  organization: organizationKind,
  repository: repositoryKind,
  folder: folderKind,
  user: userKind,
  team: teamKind,
  workflow: workflowKind,
  'workflow-run': workflowRunKind,
  'pull-request': pullRequestKind,
  issue: issueKind,
  release: releaseKind,
  tag: tagKind,
  branch: branchKind,
  environment: environmentKind,
  deployment: deploymentKind,
  'deployment-status': deploymentStatusKind,
  'dependabot-alert': dependabotAlertKind,
  'code-scanning-alerts': codeScanningAlertKind,
  'secret-scanning-alerts': secretScanningAlertKind,
  file: fileKind,
  collaborator: collaboratorKind,
  skill: skillKind,
  plugin: pluginKind,
};

const MODULES = Object.values(KIND_MODULES);

/** Kinds listed repository by repository (`FetchContext.repositories` narrows them). */
export const REPOSITORY_SCOPED_KINDS: ReadonlySet<Kind> = new Set(MODULES.filter((module) => module.repositoryScoped).map((module) => module.kind));

/** The webhook events that change objects of some kind. */
export const OBJECT_EVENTS: readonly string[] = [...new Set(MODULES.flatMap((module) => module.liveEvents))];

/** A resource's resync listing, with the mapping's top-level `repositoryType`. */
export function fetchResource(context: FetchContext, resource: ResourceConfig, config: PortAppConfig): AsyncIterable<GithubObject[]> {
  return KIND_MODULES[resource.kind].list(context, listingSelectorOf(resource, config), resource);
}

/** A resource's objects changed at or after `since`, for a kind that lists by update time; its whole listing otherwise. */
export function fetchResourceChangedSince(context: FetchContext, resource: ResourceConfig, config: PortAppConfig, since: Date): AsyncIterable<GithubObject[]> {
  const module = KIND_MODULES[resource.kind];
  const selector = listingSelectorOf(resource, config);
  return module.listChangedSince ? module.listChangedSince(context, selector, since, resource) : module.list(context, selector, resource);
}

/** The selector a kind's listing takes: the resource's options (its `query` is jq, not a listing option) and the mapping's `repositoryType`. */
function listingSelectorOf(resource: ResourceConfig, config: PortAppConfig): Selector {
  const { query: _query, ...options } = resource.selector;
  return { repositoryType: config.repositoryType, ...options };
}

/** The objects an event changes, of every kind. */
export async function liveObjectsOf(live: LiveContext): Promise<LiveObject[]> {
  const objects: LiveObject[] = [];
  for (const module of MODULES) {
    if (module.liveEvents.includes(live.event.event)) objects.push(...(await module.liveObjects(live)));
  }
  return objects;
}

/** Kinds of the organization itself: a repository's own mapping has no say over them. */
export const ORGANIZATION_LEVEL: ReadonlySet<Kind> = new Set(['organization', 'user', 'team']);

/** Events whose objects are of organization-level kinds only: always mapped with the organization's mapping. */
export const ORGANIZATION_LEVEL_EVENTS: ReadonlySet<string> = new Set(
  MODULES.filter((module) => ORGANIZATION_LEVEL.has(module.kind))
    .flatMap((module) => module.liveEvents)
    .filter((event) => MODULES.every((module) => ORGANIZATION_LEVEL.has(module.kind) || !module.liveEvents.includes(event))),
);

/**
 * Whether a resync would list the live object: the kind's listing filters (`states`, `statuses`, …) and the mapping's
 * `repositoryType` on its repository. An object the listing would leave out is deleted.
 */
export function keptBySelector(kind: Kind, selector: Selector, object: GithubObject, scope: FilterScope): boolean {
  const module = KIND_MODULES[kind];
  if (kind === 'repository') return visibilityKept(object, scope.config.repositoryType) && (module.keeps?.(selector, object, scope) ?? true);
  if (scope.repository && !ORGANIZATION_LEVEL.has(kind) && !visibilityKept(scope.repository, scope.config.repositoryType)) return false;
  return module.keeps?.(selector, object, scope) ?? true;
}

/** The `GET /orgs/{org}/repos?type=` filter. */
function visibilityKept(repository: GithubObject, repositoryType: string): boolean {
  switch (repositoryType) {
    case 'public':
      return repository['private'] !== true && (repository['visibility'] ?? 'public') === 'public';
    case 'private':
      return repository['private'] === true;
    case 'forks':
      return repository['fork'] === true;
    case 'sources':
      return repository['fork'] !== true;
    default:
      return true;
  }
}
