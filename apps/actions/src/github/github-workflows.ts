import { Logger } from '@nestjs/common';
import { GithubAccess, GithubApiError, GithubRestClient } from '@glint/github';
import { errorMessage } from '@glint/runtime';

/** GitHub refuses more inputs on a `workflow_dispatch`. */
export const MAX_WORKFLOW_INPUTS = 10;

/** A workflow run as the actions service needs it. */
export interface GithubRun {
  id: number;
  htmlUrl: string;
  status: string;
  conclusion: string | null;
  createdAt: string;
  repositoryId?: number;
  ownerId?: number;
}

export interface DispatchTarget {
  installationId: number;
  client: GithubRestClient;
  repositoryId: number;
  ownerId: number;
  defaultBranch: string;
}

export interface DispatchSpec {
  org: string;
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
}

export type DispatchAnswer =
  /** GitHub created this run (`return_run_details`). */
  | { kind: 'run'; runId: number; htmlUrl: string }
  /** GitHub accepted the dispatch without saying which run (older GHES): find it in the run list. */
  | { kind: 'accepted' }
  /** GitHub refused: nothing was dispatched. */
  | { kind: 'refused'; reason: string }
  /** No answer (network, 5xx after retries): it may or may not have been dispatched. */
  | { kind: 'uncertain'; reason: string };

/** A target that cannot be dispatched to, with the reason shown on the run. */
export class TargetRefused extends Error {}

interface RunPayload {
  id: number;
  html_url: string;
  status: string;
  conclusion: string | null;
  created_at: string;
  repository?: { id?: number; owner?: { id?: number } };
}

/** GitHub's created_at has whole seconds, and GitHub's clock is not ours: look a little before the dispatch. */
const CREATED_MARGIN_MS = 5_000;

/** The GitHub side of an action run: where to dispatch, the dispatch itself, and finding and checking its run. */
export class GithubWorkflows {
  private readonly logger = new Logger('actions');
  /** Set once a server refused `return_run_details` as an unknown parameter; then it is no longer sent. */
  private runDetailsRefused = false;

  constructor(
    private readonly access: GithubAccess,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async target(org: string, repo: string): Promise<DispatchTarget> {
    const installation = (await this.access.installations()).find((candidate) => candidate.accountLogin.toLowerCase() === org.toLowerCase());
    if (!installation) throw new TargetRefused(`Glint has no GitHub installation for the organization "${org}": install the GitHub App there (and include it in GITHUB_ORGANIZATION if that is set)`);
    const client = this.access.clientFor(installation.id);
    let repository: { id: number; default_branch: string; owner: { id: number } };
    try {
      repository = await client.request('GET /repos/{owner}/{repo}', { owner: org, repo }, { purpose: 'action' });
    } catch (error) {
      if (error instanceof GithubApiError && error.status === 404) throw new TargetRefused(`The repository ${org}/${repo} does not exist or the GitHub App cannot see it`);
      throw error;
    }
    return { installationId: installation.id, client, repositoryId: repository.id, ownerId: repository.owner.id, defaultBranch: repository.default_branch };
  }

  clientFor(installationId: number): GithubRestClient {
    return this.access.clientFor(installationId);
  }

  async dispatch(client: GithubRestClient, spec: DispatchSpec): Promise<DispatchAnswer> {
    const params = { owner: spec.org, repo: spec.repo, workflow_id: spec.workflow, ref: spec.ref, inputs: spec.inputs };
    try {
      const answer = await client.request<{ workflow_run_id?: unknown; html_url?: unknown } | undefined>(
        'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
        this.runDetailsRefused ? params : { ...params, return_run_details: true },
        { purpose: 'action', retryServerErrors: false },
      );
      if (typeof answer?.workflow_run_id === 'number') {
        const htmlUrl = typeof answer.html_url === 'string' ? answer.html_url : '';
        return { kind: 'run', runId: answer.workflow_run_id, htmlUrl };
      }
      return { kind: 'accepted' };
    } catch (error) {
      if (!(error instanceof GithubApiError)) return { kind: 'uncertain', reason: errorMessage(error) };
      if (error.status === 422 && /return_run_details/.test(error.message) && !this.runDetailsRefused) {
        // A 422 dispatched nothing: ask again the way older servers understand.
        this.logger.warn('GitHub does not know return_run_details; dispatched runs are found in the run list from now on');
        this.runDetailsRefused = true;
        return this.dispatch(client, spec);
      }
      if (error.status >= 400 && error.status < 500) return { kind: 'refused', reason: `GitHub refused to dispatch the workflow: ${error.message}` };
      return { kind: 'uncertain', reason: error.message };
    }
  }

  /**
   * The run a dispatch at `since` created, from the workflow's `workflow_dispatch` runs on the ref: the oldest one
   * created from shortly before `since` that no other action run claimed. Asks every `intervalMs` until `deadline`
   * (at least once); `keepAlive` runs between attempts.
   */
  async findDispatchedRun(
    client: GithubRestClient,
    spec: Omit<DispatchSpec, 'inputs'>,
    since: Date,
    claimed: (ids: number[]) => Promise<Set<number>>,
    timing: { deadline: number; intervalMs: number; keepAlive?: () => Promise<void> },
  ): Promise<GithubRun | undefined> {
    const created = `>=${new Date(Math.floor(since.getTime() / 1000) * 1000 - CREATED_MARGIN_MS).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
    const branch = spec.ref.replace(/^refs\/(heads|tags)\//, '');
    for (;;) {
      const page = await client.request<{ workflow_runs: RunPayload[] }>(
        'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
        { owner: spec.org, repo: spec.repo, workflow_id: spec.workflow, event: 'workflow_dispatch', branch, created, per_page: 100 },
        { purpose: 'action' },
      );
      const taken = await claimed(page.workflow_runs.map((run) => run.id));
      const candidates = page.workflow_runs.filter((run) => !taken.has(run.id)).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
      if (candidates.length > 0) return toRun(candidates[0]);
      if (Date.now() + timing.intervalMs > timing.deadline) return undefined;
      await timing.keepAlive?.();
      await this.sleep(timing.intervalMs);
    }
  }

  /** The run, or undefined when GitHub no longer has it. */
  async getRun(client: GithubRestClient, org: string, repo: string, runId: number): Promise<GithubRun | undefined> {
    try {
      return toRun(await client.request<RunPayload>('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner: org, repo, run_id: runId }, { purpose: 'action' }));
    } catch (error) {
      if (error instanceof GithubApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Best effort: a run that never started should not start after it was reported as failed. */
  async cancel(client: GithubRestClient, org: string, repo: string, runId: number): Promise<boolean> {
    try {
      await client.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel', { owner: org, repo, run_id: runId }, { purpose: 'action' });
      return true;
    } catch (error) {
      this.logger.warn(`could not cancel workflow run ${runId} in ${org}/${repo}: ${errorMessage(error)}`);
      return false;
    }
  }
}

/** `gh_<ownerId>_<repoId>_<runId>`, as Port's own GitHub integration names a workflow run. */
export function externalRunIdOf(ownerId: number, repositoryId: number, runId: number): string {
  return `gh_${ownerId}_${repositoryId}_${runId}`;
}

/** SUCCESS for success, skipped and neutral (as Port's integration does); FAILURE for every other conclusion. */
export function resultOf(conclusion: string | null): 'SUCCESS' | 'FAILURE' {
  return conclusion === 'success' || conclusion === 'skipped' || conclusion === 'neutral' ? 'SUCCESS' : 'FAILURE';
}

function toRun(payload: RunPayload): GithubRun {
  return {
    id: payload.id,
    htmlUrl: payload.html_url,
    status: payload.status,
    conclusion: payload.conclusion,
    createdAt: payload.created_at,
    repositoryId: payload.repository?.id,
    ownerId: payload.repository?.owner?.id,
  };
}
