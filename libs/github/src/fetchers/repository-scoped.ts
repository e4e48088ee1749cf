import { concurrentPages, eachItem } from './concurrent-pages';
import { FetchContext, GithubObject, RepositoryEnrichment, RESYNC, staysWithRepository } from './fetch-context';
import { fetchRepositories, RepoSearch, Repository, RepositoryType } from './repositories';

export interface RepositoryScope {
  repositoryType?: RepositoryType;
  /** Only the repositories GitHub's repository search finds (`org:{org} {query}`). */
  repoSearch?: RepoSearch;
}

export type Enriched<T> = T & RepositoryEnrichment;

/**
 * Streams a repository-scoped kind: the organization's repositories page by page, and for each repository the pages
 * `perRepository` yields, every item carrying `__repository` and `__organization`. `context.concurrency` repositories
 * are read at once, their pages handed out as they arrive; with `context.onRepositoryError`, a repository that fails
 * is reported there and the others are still listed.
 */
export function acrossRepositories<T extends GithubObject>(
  context: FetchContext,
  scope: RepositoryScope,
  perRepository: (repository: Repository) => AsyncIterable<T[]>,
): AsyncIterable<Array<Enriched<T>>> {
  const listing = context.repositories ? [context.repositories] : fetchRepositories(context, { repositoryType: scope.repositoryType, repoSearch: scope.repoSearch });
  return concurrentPages(eachItem(listing), (repository) => enrichedPages(context, repository, perRepository), {
    width: context.concurrency ?? 1,
    onError: context.onRepositoryError,
    isLocal: staysWithRepository,
    times: context.pageTimes,
  });
}

async function* enrichedPages<T extends GithubObject>(
  context: FetchContext,
  repository: Repository,
  perRepository: (repository: Repository) => AsyncIterable<T[]>,
): AsyncIterable<Array<Enriched<T>>> {
  for await (const page of perRepository(repository)) {
    if (page.length > 0) yield page.map((item) => enrich(item, repository, context));
  }
}

export function enrich<T extends GithubObject>(item: T, repository: Repository, context: FetchContext): Enriched<T> {
  return { ...item, __repository: repository.name, __organization: context.organization };
}

/** One repository route, paginated: `route` is relative to `/repos/{owner}/{repo}`. */
export function repositoryPages<T>(
  context: FetchContext,
  repository: Repository,
  route: string,
  params: Record<string, unknown> = {},
  itemsKey?: string,
): AsyncIterable<T[]> {
  const [method, path] = route.split(' ');
  return context.client.paginate<T>(
    `${method} /repos/{owner}/{repo}${path}`,
    { owner: repository.owner.login, repo: repository.name, ...params },
    { ...RESYNC, itemsKey },
  );
}
