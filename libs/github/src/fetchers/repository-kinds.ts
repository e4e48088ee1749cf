import { GithubPermissionError } from '../client';
import { inBatches } from './concurrent-pages';
import type { FetchContext, GithubObject } from './fetch-context';
import { RESYNC } from './fetch-context';
import { Deployment, withFirstCommits } from './first-commits';
import type { Repository } from './repositories';
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
  /** The default branch only, read in detail; overrides `branchNames`. */
  defaultBranchOnly?: boolean;
  /** Each branch read in detail (`GET …/branches/{branch}`: the whole head commit, `_links`, `protection`). */
  detailed?: boolean;
  /** These branches only, each read in detail; a name the repository does not have is left out. */
  branchNames?: readonly string[];
}

/** Branches read in detail at once per repository, as the peer. */
const BRANCH_READS_AT_ONCE = 10;

export const fetchBranches = (context: FetchContext, selector: BranchSelector = {}): EnrichedPages =>
  acrossRepositories(context, selector, async function* (repository) {
    const named = selector.defaultBranchOnly ? [repository.default_branch] : (selector.branchNames ?? []).filter((name) => name !== '');
    const listing = named.length > 0 ? [named.map((name) => ({ name }))] : repositoryPages<GithubObject & { name: string }>(context, repository, 'GET /branches');
    const detailed = named.length > 0 || selector.detailed === true;
    for await (const page of listing) {
      const branches = await inBatches(page, BRANCH_READS_AT_ONCE, (branch) => branchObject(context, repository, branch, detailed, selector.protectionRules === true));
      yield branches.filter((branch): branch is GithubObject => branch !== null);
    }
  });

/** A listed branch as the selector asks for it; null when a named branch does not exist. */
export async function branchObject(
  context: FetchContext,
  repository: Repository,
  listed: GithubObject & { name: string },
  detailed: boolean,
  protectionRules: boolean,
): Promise<GithubObject | null> {
  const target = { owner: repository.owner.login, repo: repository.name, branch: listed.name };
  const branch = detailed ? await readOrNull(context, 'GET /repos/{owner}/{repo}/branches/{branch}', target) : listed;
  if (!branch) return null;
  const item: GithubObject = { ...branch, __is_default_branch: listed.name === repository.default_branch, __repository_object: repository };
  if (protectionRules) item['__protection_rules'] = await protectionOf(context, repository.owner.login, repository.name, listed.name);
  return item;
}

async function readOrNull(context: FetchContext, route: string, params: Record<string, unknown>): Promise<GithubObject | null> {
  try {
    return await context.client.request<GithubObject>(route, params, RESYNC);
  } catch (error) {
    if (error instanceof GithubPermissionError && error.status === 404) return null;
    throw error;
  }
}

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
  /** Runs created in the last `since` days; wins over `since_date`. */
  since?: number;
  /** Runs created on or after this ISO date (the peer's key, snake case). */
  since_date?: string;
  /** Cap per workflow and status (default 100). */
  maxRunsPerWorkflow?: number;
}

export const fetchWorkflowRuns = (context: FetchContext, selector: WorkflowRunSelector = {}, now = Date.now()): EnrichedPages =>
  acrossRepositories(context, selector, async function* (repository) {
    const cap = selector.maxRunsPerWorkflow ?? 100;
    const created = createdFilter(selector, now);
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

/** GitHub's `created` filter for `since` (days) or `since_date`; undefined when neither is set. */
export function createdFilter(selector: Pick<WorkflowRunSelector, 'since' | 'since_date'>, now: number): string | undefined {
  if (selector.since !== undefined) return `>=${new Date(now - selector.since * 86_400_000).toISOString().slice(0, 10)}`;
  return selector.since_date ? `>=${selector.since_date}` : undefined;
}

export interface CollaboratorSelector extends RepositoryScope {
  affiliation?: 'all' | 'direct' | 'outside';
}

export const fetchCollaborators = (context: FetchContext, selector: CollaboratorSelector = {}): EnrichedPages =>
  acrossRepositories(context, selector, (repository) =>
    repositoryPages<GithubObject>(context, repository, 'GET /collaborators', { affiliation: selector.affiliation ?? 'all' }),
  );

export interface EnvironmentSelector extends RepositoryScope {
  /** Adds the environment's variables (`GET …/environments/{name}/variables`) as `__variables`. */
  includeVariables?: boolean;
}

/** Environments whose variables are read at once, as the peer. */
const VARIABLE_READS_AT_ONCE = 10;

export const fetchEnvironments = (context: FetchContext, selector: EnvironmentSelector = {}): EnrichedPages =>
  acrossRepositories(context, selector, async function* (repository) {
    for await (const page of repositoryPages<GithubObject & { name: string }>(context, repository, 'GET /environments', {}, 'environments')) {
      yield selector.includeVariables ? await inBatches(page, VARIABLE_READS_AT_ONCE, (environment) => withVariables(context, repository, environment)) : page;
    }
  });

/** The environment with `__variables`: every variable (`name`, `value`, `created_at`, `updated_at`). */
export async function withVariables(context: FetchContext, repository: Repository, environment: GithubObject & { name: string }): Promise<GithubObject> {
  const variables: GithubObject[] = [];
  for await (const page of repositoryPages<GithubObject>(context, repository, 'GET /environments/{environment_name}/variables', { environment_name: environment.name }, 'variables')) {
    variables.push(...page);
  }
  return { ...environment, __variables: variables };
}

export interface DeploymentSelector extends RepositoryScope {
  task?: string;
  environment?: string;
  /**
   * Adds `__firstCommit` (the earliest commit since the previous deployment to the same environment, with `__sha` and
   * `__timestamp`) and `__commitCount`.
   */
  enrichWithFirstCommit?: boolean;
}

function deploymentFilters(selector: DeploymentSelector): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (selector.task) params['task'] = selector.task;
  if (selector.environment) params['environment'] = selector.environment;
  return params;
}

export const fetchDeployments = (context: FetchContext, selector: DeploymentSelector = {}): EnrichedPages =>
  acrossRepositories(context, selector, (repository) => {
    const pages = repositoryPages<Deployment>(context, repository, 'GET /deployments', deploymentFilters(selector));
    return selector.enrichWithFirstCommit ? withFirstCommits(context, repository, pages) : pages;
  });

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
