import { GithubAuthenticationError, GithubRateLimitError, type GithubRestClient } from '../client';
import type { GithubGraphqlClient } from '../graphql/graphql-client';
import type { PageRequestTimes } from './concurrent-pages';
import type { Repository } from './repositories';

/** Resync traffic for one organization through one installation's client. */
export interface FetchContext {
  client: GithubRestClient;
  organization: string;
  /**
   * Restricts repository-scoped kinds to these repositories instead of listing the organization's: a live event
   * about one repository that just appeared fetches that repository's pull requests, branches, … alone.
   */
  repositories?: readonly Repository[];
  /**
   * Repositories this listing leaves out (every kind that lists repositories honours it): a resync maps a repository
   * with a mapping of its own apart from the organization's.
   */
  skipsRepository?: (repository: Repository) => boolean;
  /**
   * How many repositories a listing reads at once (a resync: GITHUB_MAX_CONCURRENCY; the client's shared limits keep
   * the installation within GitHub's). Absent: one after another, and 10 at once for repository enrichment.
   */
  concurrency?: number;
  /**
   * A repository whose own reads failed (403, 404, a 5xx after retries) is reported here and the listing goes on with
   * the others. Absent: the listing fails. Refused credentials and exhausted rate-limit waits always end the listing.
   */
  onRepositoryError?: (repository: Repository, error: unknown) => void;
  /**
   * The listing leaves out objects GitHub would not hand over (a `repoSearch` matching more than GitHub's search
   * returns): told why, once per listing. The objects listed are still handed out. Absent: nothing is told.
   */
  onIncomplete?: (reason: string) => void;
  /** When the pages handed out were asked for: a concurrent listing reads ahead of its consumer. */
  pageTimes?: PageRequestTimes;
  /** The same scope's GraphQL API; absent: every listing goes through REST. */
  graphql?: GithubGraphqlClient;
  /** Where a listing says why it chose its API or changed course (a fallback, a smaller page). */
  log?: (message: string) => void;
}

/** A fetcher streams a kind page by page: a whole organization is never held in memory. */
export type Fetcher<TSelector, TItem> = (context: FetchContext, selector: TSelector) => AsyncIterable<TItem[]>;

export type GithubObject = Record<string, unknown>;

/** The fields the peer integration adds, so its mappings (`.__repository`, …) run unchanged. */
export interface RepositoryEnrichment {
  __repository: string;
  __organization: string;
}

export const RESYNC = { purpose: 'resync' } as const;

/** Whether a failure belongs to one repository; refused credentials or a spent rate limit would fail every one. */
export function staysWithRepository(error: unknown): boolean {
  return !(error instanceof GithubAuthenticationError || error instanceof GithubRateLimitError);
}
