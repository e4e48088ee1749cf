import type { FetchContext, GithubObject } from './fetch-context';
import { fetchIssues, type IssueSelector } from './repository-kinds';
import { fetchPullRequests, type PullRequestSelector } from './pull-requests';
import type { Repository } from './repositories';
import { acrossRepositories, type Enriched, type RepositoryScope, repositoryPages } from './repository-scoped';

type EnrichedPages = AsyncIterable<Array<Enriched<GithubObject>>>;

/**
 * The objects of a repository-scoped kind updated at or after `since`, repository by repository. GitHub's `since`
 * listings cost one request per repository however little changed; the kind's own listing with the ETag cache costs
 * nothing for a repository where nothing changed (304). So each repository's own listing is read first (`current`,
 * with `context.repositories` set to it) and its changed objects kept; only where it was not all 304 — something
 * changed, maybe an object that left it (a pull request closed) — are the objects updated since read as well
 * (`updatedSince`), to find those that left. Without a metering client (a test double) both are always read.
 */
export function changedAcrossRepositories(
  context: FetchContext,
  scope: RepositoryScope,
  since: Date,
  current: (context: FetchContext) => AsyncIterable<GithubObject[]>,
  updatedSince: (context: FetchContext, repository: Repository) => AsyncIterable<GithubObject[]>,
): EnrichedPages {
  return acrossRepositories(context, scope, async function* (repository) {
    let charged = 0;
    const metered = context.client.metered?.({ charged: (_resource, units) => void (charged += units), waited: () => undefined });
    const own: FetchContext = { client: metered ?? context.client, organization: context.organization, repositories: [repository] };
    const seen = new Set<unknown>();
    for await (const page of current(own)) {
      const changed = page.filter((object) => updatedAtOrAfter(object, since));
      for (const object of changed) seen.add(object['id']);
      if (changed.length > 0) yield changed;
    }
    if (metered && charged === 0) return;
    for await (const page of updatedSince(context, repository)) {
      const changed = page.filter((object) => updatedAtOrAfter(object, since) && !seen.has(object['id']));
      if (changed.length > 0) yield changed;
    }
  });
}

/** Pull requests updated since: the selector's listing (`states`), then every state, newest-updated first. */
export function fetchPullRequestsChangedSince(context: FetchContext, selector: PullRequestSelector, since: Date): EnrichedPages {
  return changedAcrossRepositories(context, selector, since, (own) => fetchPullRequests(own, selector), (own, repository) => newestUpdatedFirst(own, repository, since));
}

/** Issues updated since: the selector's listing, then GitHub's `since` listing of every state (pull requests dropped). */
export function fetchIssuesChangedSince(context: FetchContext, selector: IssueSelector, since: Date): EnrichedPages {
  return changedAcrossRepositories(context, selector, since, (own) => fetchIssues(own, selector), async function* (own, repository) {
    for await (const page of repositoryPages<GithubObject>(own, repository, 'GET /issues', { state: 'all', since: since.toISOString() })) {
      yield page.filter((issue) => issue['pull_request'] === undefined);
    }
  });
}

async function* newestUpdatedFirst(context: FetchContext, repository: Repository, since: Date): AsyncIterable<GithubObject[]> {
  for await (const page of repositoryPages<GithubObject>(context, repository, 'GET /pulls', { state: 'all', sort: 'updated', direction: 'desc' })) {
    yield page;
    const oldest = page[page.length - 1];
    if (!oldest || !updatedAtOrAfter(oldest, since)) return;
  }
}

function updatedAtOrAfter(object: GithubObject, since: Date): boolean {
  const updatedAt = Date.parse(String(object['updated_at']));
  // An object without a readable `updated_at` counts as changed: listing it again only costs an upsert.
  return Number.isNaN(updatedAt) || updatedAt >= since.getTime();
}
