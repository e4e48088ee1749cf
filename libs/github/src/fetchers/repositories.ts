import { GithubPermissionError, GithubRestClient, RequestOptions } from '../client';
import { concurrentPages } from './concurrent-pages';
import { FetchContext, GithubObject, RESYNC, staysWithRepository } from './fetch-context';

export type RepositoryType = 'all' | 'public' | 'private' | 'forks' | 'sources' | 'member';

export interface RepositorySelector {
  repositoryType?: RepositoryType;
  /** Files read from each repository's default branch into `__includedFiles[path]` (null when absent). */
  includedFiles?: readonly string[];
  /** `teams` → `__teams`, `collaborators` → `__collaborators`, `customProperties` → `custom_properties`. */
  includedRelations?: ReadonlyArray<'teams' | 'collaborators' | 'customProperties'>;
}

export interface Repository extends GithubObject {
  name: string;
  full_name: string;
  default_branch: string;
  owner: { login: string };
}

const ENRICHMENT_CONCURRENCY = 10;
/** Enriched repositories are handed out in pages of this many, as the listing's. */
const ENRICHED_PAGE_SIZE = 100;

/**
 * The organization's repositories, page by page (`GET /orgs/{org}/repos?type=`), enriched as the selector asks: each
 * repository on its own, `context.concurrency` (10 by default) at once while the listing goes on, so the pages come
 * in the order repositories finish. With `context.onRepositoryError`, a repository whose enrichment fails is reported
 * there and left out.
 */
export async function* fetchRepositories(context: FetchContext, selector: RepositorySelector = {}): AsyncIterable<Repository[]> {
  const pages = context.client.paginate<Repository>('GET /orgs/{org}/repos', { org: context.organization, type: selector.repositoryType ?? 'all' }, RESYNC);
  if (!selector.includedFiles?.length && !selector.includedRelations?.length) {
    yield* pages;
    return;
  }
  const enriched = concurrentPages(listedRepositories(pages, context), async function* (listed) {
    yield [{ ...listed, repository: await enrichRepository(context, listed.repository, selector) }];
  }, {
    width: context.concurrency ?? ENRICHMENT_CONCURRENCY,
    onError: context.onRepositoryError && ((listed, error) => context.onRepositoryError?.(listed.repository, error)),
    isLocal: staysWithRepository,
  });
  let page: Repository[] = [];
  for await (const [listed] of enriched) {
    // A repository is as old as the listing page it came in, not its enrichment.
    context.pageTimes?.handedOut(listed.askedAt);
    page.push(listed.repository);
    if (page.length >= ENRICHED_PAGE_SIZE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

interface ListedRepository {
  repository: Repository;
  /** When the listing page holding it was asked for. */
  askedAt: number;
}

async function* listedRepositories(pages: AsyncIterable<Repository[]>, context: FetchContext): AsyncIterable<ListedRepository> {
  const now = context.pageTimes?.now ?? Date.now;
  const iterator = pages[Symbol.asyncIterator]();
  try {
    for (;;) {
      const askedAt = now();
      const next = await iterator.next();
      if (next.done) return;
      for (const repository of next.value) yield { repository, askedAt };
    }
  } finally {
    await iterator.return?.();
  }
}

/** Adds what a repository selector asks for (`includedFiles`, `includedRelations`) to one repository. */
export async function enrichRepository(context: FetchContext, repository: Repository, selector: RepositorySelector): Promise<Repository> {
  const enriched: Repository = { ...repository };
  const target = { owner: repository.owner.login, repo: repository.name };
  if (selector.includedFiles?.length) {
    const files: Record<string, string | null> = {};
    for (const path of selector.includedFiles) files[path] = await readFile(context, repository, path);
    enriched['__includedFiles'] = files;
  }
  for (const relation of selector.includedRelations ?? []) {
    if (relation === 'teams') enriched['__teams'] = await collect(context, 'GET /repos/{owner}/{repo}/teams', target);
    if (relation === 'collaborators') enriched['__collaborators'] = await collect(context, 'GET /repos/{owner}/{repo}/collaborators', target);
    if (relation === 'customProperties') {
      const values = await context.client.request<Array<{ property_name: string; value: unknown }>>(
        'GET /repos/{owner}/{repo}/properties/values',
        target,
        RESYNC,
      );
      enriched['custom_properties'] = Object.fromEntries(values.map((entry) => [entry.property_name, entry.value]));
    }
  }
  return enriched;
}

/** A file's text on the default branch (or `ref`), or null when the repository has no such file. */
export function readFile(context: FetchContext, repository: Repository, path: string, ref = repository.default_branch): Promise<string | null> {
  return readRepositoryFile(context.client, repository.owner.login, repository.name, path, ref, RESYNC);
}

/**
 * A file's text through the contents API (`ref` absent: the default branch), or null when the repository or
 * the file does not exist (404; the contents permission itself shows up on listings first).
 */
export async function readRepositoryFile(
  client: GithubRestClient,
  owner: string,
  repo: string,
  path: string,
  ref?: string,
  options: RequestOptions = {},
): Promise<string | null> {
  try {
    const file = await client.request<{ type: string; content?: string; encoding?: string }>(
      'GET /repos/{owner}/{repo}/contents/{path}',
      { owner, repo, path, ...(ref ? { ref } : {}) },
      options,
    );
    if (file.type !== 'file' || file.content === undefined) return null;
    return file.encoding === 'base64' ? Buffer.from(file.content, 'base64').toString('utf8') : file.content;
  } catch (error) {
    if (error instanceof GithubPermissionError && error.status === 404) return null;
    throw error;
  }
}

export async function collect<T>(context: FetchContext, route: string, params: Record<string, unknown>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of context.client.paginate<T>(route, params, RESYNC)) items.push(...page);
  return items;
}
