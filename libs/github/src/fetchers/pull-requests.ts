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
  const window = new ClosedWindow<PullRequest>(selector, now, (pull) => ({ updatedAt: pull.updated_at, closedAt: pull.closed_at }));
  for await (const page of repositoryPages<PullRequest>(context, repository, 'GET /pulls', { state: 'closed', sort: 'updated', direction: 'desc' })) {
    const { kept, more } = window.take(page);
    if (kept.length > 0) yield kept;
    if (!more) return;
  }
}

/**
 * Which closed pull requests of one repository a listing keeps (REST's or GraphQL's): those updated in the last
 * `since` days, or closed since `closedSinceDate`, up to the cap.
 */
export class ClosedWindow<T> {
  private readonly byClosedDate: boolean;
  private readonly cutoff: number;
  private readonly cap: number;
  private taken = 0;

  constructor(
    selector: PullRequestSelector,
    now: number,
    private readonly datesOf: (pull: T) => { updatedAt: string; closedAt: string | null },
  ) {
    this.byClosedDate = selector.closedSinceDate !== undefined;
    this.cutoff = this.byClosedDate ? Date.parse(selector.closedSinceDate as string) : now - (selector.since ?? 60) * DAY_MS;
    this.cap = selector.maxResults ?? (this.byClosedDate ? Infinity : 100);
  }

  /** The page's pull requests in the window (newest-updated first), and whether a next page may hold more. */
  take(page: readonly T[]): { kept: T[]; more: boolean } {
    const inWindow = page.filter((pull) => {
      const { updatedAt, closedAt } = this.datesOf(pull);
      return Date.parse(this.byClosedDate ? (closedAt ?? updatedAt) : updatedAt) >= this.cutoff;
    });
    const kept = inWindow.slice(0, Math.max(0, this.cap - this.taken));
    this.taken += kept.length;
    const oldest = page[page.length - 1];
    return { kept, more: this.taken < this.cap && oldest !== undefined && Date.parse(this.datesOf(oldest).updatedAt) >= this.cutoff };
  }
}
