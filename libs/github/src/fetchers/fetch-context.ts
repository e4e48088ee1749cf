import type { GithubRestClient } from '../client';
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
