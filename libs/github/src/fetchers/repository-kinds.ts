import { GithubPermissionError } from '../client';
import type { FetchContext, GithubObject } from './fetch-context';
import { acrossRepositories, Enriched, RepositoryScope, repositoryPages } from './repository-scoped';

type EnrichedPages = AsyncIterable<Array<Enriched<GithubObject>>>;

/**
 * The repository-scoped kinds whose fetch is one listing per repository with a few query filters. Each
 * yields pages of the REST objects, with `__repository` and `__organization` added.
 */

export interface IssueSelector extends RepositoryScope {
  state?: 'open' | 'closed' | 'all';
  /** Every label must match. */
  labels?: readonly string[];
}

/** Issues only: GitHub's issue listing also returns pull requests (with a `pull_request` key), which are dropped. */
export async function* fetchIssues(context: FetchContext, selector: IssueSelector = {}): EnrichedPages {
  const params: Record<string, unknown> = { state: selector.state ?? 'open' };
  if (selector.labels?.length) params['labels'] = selector.labels.join(',');
  for await (const page of acrossRepositories(context, selector, (repository) => repositoryPages<GithubObject>(context, repository, 'GET /issues', params))) {
    const issues = page.filter((issue) => issue['pull_request'] === undefined);
    if (issues.length > 0) yield issues;
  }
}

export const fetchReleases = (context: FetchContext, selector: RepositoryScope = {}): EnrichedPages =>
  acrossRepositories(context, selector, (repository) => repositoryPages<GithubObject>(context, repository, 'GET /releases'));

export const fetchTags = (context: FetchContext, selector: RepositoryScope = {}): EnrichedPages =>
  acrossRepositories(context, selector, async function* (repository) {
    for await (const page of repositoryPages<GithubObject>(context, repository, 'GET /tags')) {
      yield page.map((tag): GithubObject => ({ ...tag, __repository_object: repository }));
    }
  });

export interface BranchSelector extends RepositoryScope {
  /** Adds `__protection_rules` (null for an unprotected branch). */
  protectionRules?: boolean;
  defaultBranchOnly?: boolean;
}

export const fetchBranches = (context: FetchContext, selector: BranchSelector = {}): EnrichedPages =>
  acrossRepositories(context, selector, async function* (repository) {
    for await (const page of repositoryPages<GithubObject & { name: string }>(context, repository, 'GET /branches')) {
      const branches = selector.defaultBranchOnly ? page.filter((branch) => branch.name === repository.default_branch) : page;
      const enriched: GithubObject[] = [];
      for (const branch of branches) {
        const item: GithubObject = { ...branch, __is_default_branch: branch.name === repository.default_branch, __repository_object: repository };
        if (selector.protectionRules) item['__protection_rules'] = await protectionOf(context, repository.owner.login, repository.name, branch.name);
        enriched.push(item);
      }
      yield enriched;
    }
  });

async function protectionOf(context: FetchContext, owner: string, repo: string, branch: string): Promise<GithubObject | null> {
  try {
    return await context.client.request<GithubObject>('GET /repos/{owner}/{repo}/branches/{branch}/protection', { owner, repo, branch }, { purpose: 'resync' });
  } catch (error) {
    // GitHub answers 404 "Branch not protected" for a branch without rules.
    if (error instanceof GithubPermissionError && error.status === 404) return null;
    throw error;
  }
}

export const fetchWorkflows = (context: FetchContext, selector: RepositoryScope = {}): EnrichedPages =>
  acrossRepositories(context, selector, (repository) => repositoryPages<GithubObject>(context, repository, 'GET /actions/workflows', {}, 'workflows'));

export interface WorkflowRunSelector extends RepositoryScope {
  /** Statuses or conclusions (`completed`, `in_progress`, `success`, `failure`, …); one listing each. */
  statuses?: readonly string[];
  /** Runs created in the last `since` days. */
  since?: number;
  /** Cap per workflow and status (default 100). */
  maxRunsPerWorkflow?: number;
}

export const fetchWorkflowRuns = (context: FetchContext, selector: WorkflowRunSelector = {}, now = Date.now()): EnrichedPages =>
  acrossRepositories(context, selector, async function* (repository) {
    const cap = selector.maxRunsPerWorkflow ?? 100;
    const created = selector.since !== undefined ? `>=${new Date(now - selector.since * 86_400_000).toISOString().slice(0, 10)}` : undefined;
    for await (const workflows of repositoryPages<{ id: number }>(context, repository, 'GET /actions/workflows', {}, 'workflows')) {
      for (const workflow of workflows) {
        for (const status of selector.statuses?.length ? selector.statuses : [undefined]) {
          let taken = 0;
          const params: Record<string, unknown> = { workflow_id: workflow.id };
          if (status) params['status'] = status;
          if (created) params['created'] = created;
          for await (const runs of repositoryPages<GithubObject>(context, repository, 'GET /actions/workflows/{workflow_id}/runs', params, 'workflow_runs')) {
            const kept = runs.slice(0, cap - taken);
            taken += kept.length;
            yield kept;
            if (taken >= cap) break;
          }
        }
      }
    }
  });

export interface CollaboratorSelector extends RepositoryScope {
  affiliation?: 'all' | 'direct' | 'outside';
}

export const fetchCollaborators = (context: FetchContext, selector: CollaboratorSelector = {}): EnrichedPages =>
  acrossRepositories(context, selector, (repository) =>
    repositoryPages<GithubObject>(context, repository, 'GET /collaborators', { affiliation: selector.affiliation ?? 'all' }),
  );

export const fetchEnvironments = (context: FetchContext, selector: RepositoryScope = {}): EnrichedPages =>
  acrossRepositories(context, selector, (repository) => repositoryPages<GithubObject>(context, repository, 'GET /environments', {}, 'environments'));

export interface DeploymentSelector extends RepositoryScope {
  task?: string;
  environment?: string;
}

function deploymentFilters(selector: DeploymentSelector): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (selector.task) params['task'] = selector.task;
  if (selector.environment) params['environment'] = selector.environment;
  return params;
}

export const fetchDeployments = (context: FetchContext, selector: DeploymentSelector = {}): EnrichedPages =>
  acrossRepositories(context, selector, (repository) => repositoryPages<GithubObject>(context, repository, 'GET /deployments', deploymentFilters(selector)));

/** The statuses of every deployment the selector's `task`/`environment` keep, each with `__deployment_id`. */
export const fetchDeploymentStatuses = (context: FetchContext, selector: DeploymentSelector = {}): EnrichedPages =>
  acrossRepositories(context, selector, async function* (repository) {
    for await (const deployments of repositoryPages<{ id: number }>(context, repository, 'GET /deployments', deploymentFilters(selector))) {
      for (const deployment of deployments) {
        for await (const statuses of repositoryPages<GithubObject>(context, repository, 'GET /deployments/{deployment_id}/statuses', { deployment_id: deployment.id })) {
          yield statuses.map((status): GithubObject => ({ ...status, __deployment_id: deployment.id }));
        }
      }
    }
  });

export interface DependabotAlertSelector extends RepositoryScope {
  /** Default `["open"]`. */
  states?: ReadonlyArray<'auto_dismissed' | 'dismissed' | 'fixed' | 'open'>;
  severity?: readonly string[];
  ecosystems?: readonly string[];
}

export const fetchDependabotAlerts = (context: FetchContext, selector: DependabotAlertSelector = {}): EnrichedPages =>
  acrossRepositories(context, selector, (repository) => {
    const params: Record<string, unknown> = { state: (selector.states?.length ? selector.states : ['open']).join(',') };
    if (selector.severity?.length) params['severity'] = selector.severity.join(',');
    if (selector.ecosystems?.length) params['ecosystem'] = selector.ecosystems.join(',');
    return repositoryPages<GithubObject>(context, repository, 'GET /dependabot/alerts', params);
  });

export interface CodeScanningAlertSelector extends RepositoryScope {
  state?: 'open' | 'closed' | 'dismissed' | 'fixed';
  severity?: string;
}

export const fetchCodeScanningAlerts = (context: FetchContext, selector: CodeScanningAlertSelector = {}): EnrichedPages =>
  acrossRepositories(context, selector, (repository) => {
    const params: Record<string, unknown> = { state: selector.state ?? 'open' };
    if (selector.severity) params['severity'] = selector.severity;
    return repositoryPages<GithubObject>(context, repository, 'GET /code-scanning/alerts', params);
  });

export interface SecretScanningAlertSelector extends RepositoryScope {
  state?: 'open' | 'resolved' | 'all';
  /** Default true: the secret itself is not fetched. */
  hideSecret?: boolean;
}

export const fetchSecretScanningAlerts = (context: FetchContext, selector: SecretScanningAlertSelector = {}): EnrichedPages =>
  acrossRepositories(context, selector, (repository) => {
    const params: Record<string, unknown> = { hide_secret: selector.hideSecret ?? true };
    if ((selector.state ?? 'open') !== 'all') params['state'] = selector.state ?? 'open';
    return repositoryPages<GithubObject>(context, repository, 'GET /secret-scanning/alerts', params);
  });
