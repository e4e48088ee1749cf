import { groupBy } from '@glint/runtime';
import { GithubApiError, GithubPermissionError } from '../client';
import { inBatches } from './concurrent-pages';
import { FetchContext, GithubObject, RESYNC } from './fetch-context';
import type { Repository } from './repositories';

export interface Deployment extends GithubObject {
  id: number;
  sha?: string;
  environment?: string;
  created_at?: string;
}

interface Commit extends GithubObject {
  sha: string;
  commit: { committer?: { date?: string } | null };
}

/** First-commit reads at once per repository, as the peer. */
const READS_AT_ONCE = 10;

/**
 * Deployments (as GitHub lists them, newest first) with `__firstCommit` and `__commitCount`: the earliest commit of
 * those shipped since the previous deployment to the same environment, which may sit on a later page. A deployment
 * whose predecessor cannot be told (the environment's first) counts its own commit only.
 */
export async function* withFirstCommits(context: FetchContext, repository: Repository, pages: AsyncIterable<Deployment[]>): AsyncIterable<GithubObject[]> {
  // Per environment, its oldest deployment so far, still waiting for the one before it.
  const waiting = new Map<string, Deployment>();
  for await (const page of pages) {
    const pairs: Array<[Deployment, string | undefined]> = [];
    for (const [environment, deployments] of groupBy(page, (deployment) => deployment.environment ?? '')) {
      const newestFirst = [...deployments].sort((a, b) => createdAt(b) - createdAt(a));
      const tail = waiting.get(environment);
      if (tail) pairs.push([tail, newestFirst[0].sha]);
      newestFirst.forEach((deployment, index) => index + 1 < newestFirst.length && pairs.push([deployment, newestFirst[index + 1].sha]));
      waiting.set(environment, newestFirst[newestFirst.length - 1]);
    }
    if (pairs.length > 0) yield await attachAll(context, repository, pairs);
  }
  if (waiting.size > 0) yield await attachAll(context, repository, [...waiting.values()].map((deployment): [Deployment, undefined] => [deployment, undefined]));
}

/** One deployment's first commit, its predecessor found by listing its environment's deployments (a live event's). */
export async function withFirstCommit(context: FetchContext, repository: Repository, deployment: Deployment): Promise<GithubObject> {
  let found = false;
  const params = { owner: repository.owner.login, repo: repository.name, ...(deployment.environment ? { environment: deployment.environment } : {}) };
  for await (const page of context.client.paginate<Deployment>('GET /repos/{owner}/{repo}/deployments', params, RESYNC)) {
    for (const candidate of [...page].sort((a, b) => createdAt(b) - createdAt(a))) {
      if (found && createdAt(candidate) <= createdAt(deployment)) return attach(context, repository, deployment, candidate.sha);
      if (candidate.id === deployment.id) found = true;
    }
  }
  return attach(context, repository, deployment, undefined);
}

function attachAll(context: FetchContext, repository: Repository, pairs: Array<[Deployment, string | undefined]>): Promise<GithubObject[]> {
  return inBatches(pairs, READS_AT_ONCE, ([deployment, previous]) => attach(context, repository, deployment, previous));
}

async function attach(context: FetchContext, repository: Repository, deployment: Deployment, previousSha: string | undefined): Promise<GithubObject> {
  const sha = deployment.sha;
  if (!sha) return deployment;
  const target = { owner: repository.owner.login, repo: repository.name };
  const compared = previousSha && previousSha !== sha ? await orNull(context.client.request<{ total_commits?: number; commits?: Commit[] }>('GET /repos/{owner}/{repo}/compare/{basehead}', { ...target, basehead: `${previousSha}...${sha}` }, RESYNC)) : null;
  const earliest = compared?.commits ? earliestOf(compared.commits) : undefined;
  if (earliest && compared) {
    return { ...deployment, __firstCommit: firstCommit(earliest, earliest.sha), __commitCount: compared.total_commits || (compared.commits?.length ?? 0) };
  }
  const own = await orNull(context.client.request<Commit>('GET /repos/{owner}/{repo}/commits/{ref}', { ...target, ref: sha }, RESYNC));
  if (!own || Number.isNaN(Date.parse(own.commit.committer?.date ?? ''))) return deployment;
  return { ...deployment, __firstCommit: firstCommit(own, own.sha || sha), __commitCount: 1 };
}

/** The commit as GitHub has it, plus `__sha` and `__timestamp` (its committer date), the peer's keys. */
function firstCommit(commit: Commit, sha: string): GithubObject {
  return { ...commit, __sha: sha, __timestamp: commit.commit.committer?.date };
}

function earliestOf(commits: readonly Commit[]): Commit | undefined {
  let earliest: Commit | undefined;
  for (const commit of commits) {
    const date = Date.parse(commit.commit.committer?.date ?? '');
    if (!Number.isNaN(date) && (earliest === undefined || date < Date.parse(earliest.commit.committer?.date ?? ''))) earliest = commit;
  }
  return earliest;
}

/**
 * A pull request with `firstCommit`: the oldest commit on its branch (`oid`, `committedDate`), as the peer's GraphQL
 * listing adds it; unchanged when the pull request has no commits left.
 */
export async function withPullRequestFirstCommit<T extends GithubObject & { number: number }>(context: FetchContext, owner: string, repo: string, pull: T): Promise<T> {
  // GitHub lists a pull request's commits oldest first.
  for await (const page of context.client.paginate<Commit>('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', { owner, repo, pull_number: pull.number }, { ...RESYNC, perPage: 1, maxPages: 1 })) {
    const [first] = page;
    if (first) return { ...pull, firstCommit: { oid: first.sha, committedDate: first.commit.committer?.date ?? null } };
  }
  return pull;
}

function createdAt(deployment: Deployment): number {
  const time = Date.parse(deployment.created_at ?? '');
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

/** GitHub's answer, or null for a commit it does not know (404, or 422 for an unknown sha). */
async function orNull<T>(answer: Promise<T>): Promise<T | null> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof GithubPermissionError && error.status === 404) return null;
    if (error instanceof GithubApiError && error.status === 422) return null;
    throw error;
  }
}
