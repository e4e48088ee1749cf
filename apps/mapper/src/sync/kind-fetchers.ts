import {
  FetchContext,
  fetchBranches,
  fetchCodeScanningAlerts,
  fetchCollaborators,
  fetchDependabotAlerts,
  fetchDeployments,
  fetchDeploymentStatuses,
  fetchEnvironments,
  fetchFiles,
  FileSelector,
  fetchFolders,
  FolderSelector,
  fetchIssues,
  fetchOrganization,
  fetchPullRequests,
  fetchReleases,
  fetchRepositories,
  fetchSecretScanningAlerts,
  fetchTags,
  fetchTeams,
  fetchUsers,
  fetchWorkflowRuns,
  fetchWorkflows,
  GithubObject,
} from '@glint/github';
import type { Kind, PortAppConfig, ResourceConfig } from '@glint/mapping';

/** A resource's selector options as its fetcher takes them; the mapping schema has already checked their shapes. */
type Selector = Record<string, unknown>;

type KindFetcher = (context: FetchContext, selector: Selector) => AsyncIterable<GithubObject[]>;

/** Every kind's resync listing. Selectors carry the top-level `repositoryType` beside the resource's own options. */
export const KIND_FETCHERS: Record<Kind, KindFetcher> = {
  organization: (context) => fetchOrganization(context),
  repository: (context, selector) => withoutArchived(fetchRepositories(context, selector)),
  folder: (context, selector) => fetchFolders(context, selector as unknown as FolderSelector),
  user: (context) => fetchUsers(context),
  team: (context, selector) => fetchTeams(context, selector),
  workflow: (context, selector) => fetchWorkflows(context, selector),
  'workflow-run': (context, selector) => fetchWorkflowRuns(context, selector),
  'pull-request': (context, selector) => fetchPullRequests(context, selector),
  issue: (context, selector) => fetchIssues(context, selector),
  release: (context, selector) => fetchReleases(context, selector),
  tag: (context, selector) => fetchTags(context, selector),
  branch: (context, selector) => fetchBranches(context, selector),
  environment: (context, selector) => fetchEnvironments(context, selector),
  deployment: (context, selector) => fetchDeployments(context, selector),
  'deployment-status': (context, selector) => fetchDeploymentStatuses(context, selector),
  'dependabot-alert': (context, selector) => fetchDependabotAlerts(context, selector),
  'code-scanning-alerts': (context, selector) => fetchCodeScanningAlerts(context, selector),
  'secret-scanning-alerts': (context, selector) => fetchSecretScanningAlerts(context, selector),
  file: (context, selector) => fetchFiles(context, selector as unknown as FileSelector),
  collaborator: (context, selector) => fetchCollaborators(context, selector),
};

/** Kinds listed repository by repository (their fetchers go through `acrossRepositories`, so `FetchContext.repositories` narrows them). */
export const REPOSITORY_SCOPED_KINDS: ReadonlySet<Kind> = new Set<Kind>([
  'workflow',
  'workflow-run',
  'pull-request',
  'issue',
  'release',
  'tag',
  'branch',
  'environment',
  'deployment',
  'deployment-status',
  'dependabot-alert',
  'code-scanning-alerts',
  'secret-scanning-alerts',
  'collaborator',
]);

/** Archived repositories are not catalogued: archiving one deletes its entity (github-integration-facts §3.2). */
async function* withoutArchived(pages: AsyncIterable<GithubObject[]>): AsyncIterable<GithubObject[]> {
  for await (const page of pages) yield page.filter((repository) => repository['archived'] !== true);
}

export function fetchResource(context: FetchContext, resource: ResourceConfig, config: PortAppConfig): AsyncIterable<GithubObject[]> {
  const { query: _query, ...options } = resource.selector;
  return KIND_FETCHERS[resource.kind](context, { repositoryType: config.repositoryType, ...options });
}
