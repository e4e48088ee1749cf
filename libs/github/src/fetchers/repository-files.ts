import { concurrentPages, eachItem } from './concurrent-pages';
import { FetchContext, staysWithRepository } from './fetch-context';
import { fetchRepositories, readFile, Repository, RepositoryType } from './repositories';

export interface RepositoryFile {
  repository: Repository;
  /** The file's text on the repository's default branch; null when it has none. */
  text: string | null;
}

/**
 * One file of every repository (`context.repositories`, else the organization's of `repositoryType`), read from each
 * default branch while the listing goes on, `context.concurrency` repositories at once (one by one when absent).
 * Reads are conditional (the client's ETag cache), so an unchanged file costs no rate limit. With
 * `context.onRepositoryError`, a repository whose read fails is reported there and the others are still read.
 */
export function fetchFileOfEachRepository(context: FetchContext, path: string, repositoryType?: RepositoryType): AsyncIterable<RepositoryFile[]> {
  const listing = context.repositories ? [context.repositories] : fetchRepositories({ ...context, skipsRepository: undefined }, { repositoryType });
  return concurrentPages(
    eachItem(listing),
    async function* (repository): AsyncIterable<RepositoryFile[]> {
      yield [{ repository, text: await readFile(context, repository, path) }];
    },
    { width: context.concurrency ?? 1, onError: context.onRepositoryError, isLocal: staysWithRepository },
  );
}
