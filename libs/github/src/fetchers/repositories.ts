import { GithubPermissionError, GithubRestClient, RequestOptions } from '../client';
import { concurrentPages } from './concurrent-pages';
import { FetchContext, GithubObject, RESYNC, staysWithRepository } from './fetch-context';

export type RepositoryType = 'all' | 'public' | 'private' | 'forks' | 'sources' | 'member';

export type RelationName = 'teams' | 'collaborators' | 'customProperties' | 'sbom' | 'pages';
export type CollaboratorAffiliation = 'all' | 'direct' | 'outside';

/** The peer's object form of `includedRelations`: `collaborators` takes its listing's `affiliation`. */
export interface RelationSettings {
  teams?: boolean;
  collaborators?: { affiliation?: CollaboratorAffiliation } | boolean | null;
  customProperties?: boolean;
  sbom?: boolean;
  pages?: boolean;
}

/** GitHub's repository search: the repositories whose `query` qualifiers match, within the organization. */
export interface RepoSearch {
  query: string;
}

export interface RepositorySelector {
  repositoryType?: RepositoryType;
  /** Lists the repositories GitHub's repository search finds (`org:{org} {query}`) instead of all of them. */
  repoSearch?: RepoSearch;
  /** Files read from each repository's default branch into `__includedFiles[path]` (null when absent). */
  includedFiles?: readonly string[];
  /**
   * `teams` → `__teams`, `collaborators` → `__collaborators`, `customProperties` → `custom_properties`, `sbom` →
   * `__sbom`, `pages` → `__pages`: a list of names, or the peer's object form.
   */
  includedRelations?: readonly RelationName[] | RelationSettings;
  /** The peer's older list form of `includedRelations`. */
  include?: ReadonlyArray<'collaborators' | 'teams' | 'sbom'>;
}

/** The relations a selector asks for (`includedRelations`, else the older `include`), each with its settings. */
export function relationsOf(selector: Pick<RepositorySelector, 'includedRelations' | 'include'>): Map<RelationName, { affiliation: CollaboratorAffiliation }> {
  const relations = new Map<RelationName, { affiliation: CollaboratorAffiliation }>();
  const given = selector.includedRelations ?? selector.include ?? [];
  if (isRelationList(given)) {
    for (const name of given) relations.set(name, { affiliation: 'all' });
    return relations;
  }
  for (const name of ['teams', 'collaborators', 'customProperties', 'sbom', 'pages'] as const) {
    const setting = given[name];
    if (setting === undefined || setting === null || setting === false) continue;
    relations.set(name, { affiliation: typeof setting === 'object' ? (setting.affiliation ?? 'all') : 'all' });
  }
  return relations;
}

function isRelationList(value: readonly RelationName[] | RelationSettings): value is readonly RelationName[] {
  return Array.isArray(value);
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
  const pages = withoutSkipped(
    context.repositories
      ? [[...context.repositories]]
      : selector.repoSearch
        ? searchRepositories(context, selector.repoSearch, selector.repositoryType)
        : context.client.paginate<Repository>('GET /orgs/{org}/repos', { org: context.organization, type: selector.repositoryType ?? 'all' }, RESYNC),
    context.skipsRepository,
  );
  if (!selector.includedFiles?.length && relationsOf(selector).size === 0) {
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

/** `context.repositories` when set (one repository's own resync), less the repositories `skips` leaves out. */
async function* withoutSkipped(pages: AsyncIterable<Repository[]> | Iterable<Repository[]>, skips: FetchContext['skipsRepository']): AsyncIterable<Repository[]> {
  for await (const page of pages) {
    const kept = skips ? page.filter((repository) => !skips(repository)) : page;
    if (kept.length > 0) yield kept;
  }
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
  for (const [relation, { affiliation }] of relationsOf(selector)) {
    if (relation === 'teams') enriched['__teams'] = await collect(context, 'GET /repos/{owner}/{repo}/teams', target);
    if (relation === 'collaborators') enriched['__collaborators'] = await collect(context, 'GET /repos/{owner}/{repo}/collaborators', { ...target, affiliation });
    if (relation === 'customProperties') {
      const values = await context.client.request<Array<{ property_name: string; value: unknown }>>(
        'GET /repos/{owner}/{repo}/properties/values',
        target,
        RESYNC,
      );
      enriched['custom_properties'] = Object.fromEntries(values.map((entry) => [entry.property_name, entry.value]));
    }
    // As the peer: `{}` when the repository has no dependency graph or no Pages site.
    if (relation === 'sbom') enriched['__sbom'] = (await readOrEmpty<{ sbom?: GithubObject }>(context, 'GET /repos/{owner}/{repo}/dependency-graph/sbom', target))['sbom'] ?? {};
    if (relation === 'pages') enriched['__pages'] = await readOrEmpty<GithubObject>(context, 'GET /repos/{owner}/{repo}/pages', target);
  }
  return enriched;
}

/** A repository's object, or `{}` when GitHub answers 404 (the feature is off for the repository). */
async function readOrEmpty<T extends GithubObject>(context: FetchContext, route: string, target: Record<string, unknown>): Promise<Partial<T>> {
  try {
    return await context.client.request<T>(route, target, RESYNC);
  } catch (error) {
    if (error instanceof GithubPermissionError && error.status === 404) return {};
    throw error;
  }
}

/** GitHub's search answers this many results at most, whatever `total_count` says. */
export const SEARCH_RESULT_CAP = 1_000;
const SEARCH_PAGE_SIZE = 100;

interface SearchPage {
  total_count: number;
  incomplete_results: boolean;
  items: Repository[];
}

/**
 * The organization's repositories GitHub's repository search finds for `org:{org} {query}`, page by page. A search
 * matching more than 1,000 repositories, or one GitHub cut short (`incomplete_results`), is reported to
 * `context.onIncomplete`: the listing then misses repositories, so nothing may be deleted for their absence.
 */
export async function* searchRepositories(context: FetchContext, search: RepoSearch, repositoryType: RepositoryType = 'all'): AsyncIterable<Repository[]> {
  // The mapping's `repositoryType` holds for searched repositories too, as it does for their live events.
  const visibility = repositoryType === 'public' || repositoryType === 'private' ? ` is:${repositoryType}` : '';
  const q = `org:${context.organization} ${search.query.trim()}${visibility}`.trim();
  let reported = false;
  for (let page = 1; ; page += 1) {
    const answer = await context.client.request<SearchPage>('GET /search/repositories', { q, per_page: SEARCH_PAGE_SIZE, page }, RESYNC);
    if (!reported && (answer.total_count > SEARCH_RESULT_CAP || answer.incomplete_results)) {
      reported = true;
      context.onIncomplete?.(
        answer.total_count > SEARCH_RESULT_CAP
          ? `repoSearch "${search.query}" matches ${answer.total_count} repositories of ${context.organization}, and GitHub's search returns the first ${SEARCH_RESULT_CAP} only: narrow the query (e.g. one resource per topic or language) so each matches ${SEARCH_RESULT_CAP} at most`
          : `repoSearch "${search.query}": GitHub's search timed out and returned part of the matching repositories of ${context.organization} (incomplete_results); the next resync searches again`,
      );
    }
    if (answer.items.length > 0) yield answer.items;
    if (answer.items.length < SEARCH_PAGE_SIZE || page * SEARCH_PAGE_SIZE >= Math.min(answer.total_count, SEARCH_RESULT_CAP)) return;
  }
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
