import type { FetchContext, GithubObject } from './fetch-context';
import { acrossRepositories, Enriched, RepositoryScope, repositoryPages } from './repository-scoped';
import type { Repository } from './repositories';

export interface PullRequestSelector extends RepositoryScope {
  /** Default `["open"]`. */
  states?: ReadonlyArray<'open' | 'closed'>;
  /** Closed PRs updated in the last `since` days (default 60). */
  since?: number;
  /** Closed PRs closed on or after this ISO date; overrides `since`. */
  closedSinceDate?: string;
  /** Cap on closed PRs per repository: 100 by default, none with `closedSinceDate`. */
  maxResults?: number;
}

export type PullRequest = Enriched<GithubObject & { number: number; state: string; updated_at: string; closed_at: string | null }>;

const DAY_MS = 24 * 60 * 60 * 1000;

export function fetchPullRequests(context: FetchContext, selector: PullRequestSelector = {}, now = Date.now()): AsyncIterable<PullRequest[]> {
  const states: ReadonlyArray<'open' | 'closed'> = selector.states?.length ? selector.states : ['open'];
  return acrossRepositories(context, selector, (repository) => pullRequestsOf(context, repository, states, selector, now));
}

async function* pullRequestsOf(
  context: FetchContext,
  repository: Repository,
  states: ReadonlyArray<'open' | 'closed'>,
  selector: PullRequestSelector,
  now: number,
): AsyncIterable<PullRequest[]> {
  if (states.includes('open')) {
    yield* repositoryPages<PullRequest>(context, repository, 'GET /pulls', { state: 'open' });
  }
  if (!states.includes('closed')) return;

  // Closed PRs come newest-updated first, so the listing stops at the first page that reaches past the window.
  const byClosedDate = selector.closedSinceDate !== undefined;
  const cutoff = byClosedDate ? Date.parse(selector.closedSinceDate as string) : now - (selector.since ?? 60) * DAY_MS;
  const cap = selector.maxResults ?? (byClosedDate ? Infinity : 100);
  let taken = 0;
  for await (const page of repositoryPages<PullRequest>(context, repository, 'GET /pulls', { state: 'closed', sort: 'updated', direction: 'desc' })) {
    const inWindow = page.filter((pull) => Date.parse(byClosedDate ? (pull.closed_at ?? pull.updated_at) : pull.updated_at) >= cutoff);
    const kept = inWindow.slice(0, cap - taken);
    taken += kept.length;
    if (kept.length > 0) yield kept;
    const oldest = page[page.length - 1];
    if (taken >= cap || !oldest || Date.parse(oldest.updated_at) < cutoff) return;
  }
}
