import { mapWithConcurrency } from '@glint/runtime';
import { GithubApiError } from '../client/errors';
import { concurrentPages } from '../fetchers/concurrent-pages';
import { type FetchContext, type GithubObject, RESYNC, staysWithRepository } from '../fetchers/fetch-context';
import { ClosedWindow, type PullRequest, type PullRequestSelector } from '../fetchers/pull-requests';
import { enrichRepository, relationsOf, type Repository, type RepositorySelector, type RepositoryType } from '../fetchers/repositories';
import { enrich } from '../fetchers/repository-scoped';
import { AdaptivePageSize } from './adaptive-page';
import { includedFilesOf, type RepositoryNode, toRestRepository } from './convert';
import type { GithubGraphqlClient } from './graphql-client';
import { type PullNodeBase, type PullRepository, type PullShape, REST_PULL_SHAPE } from './pull-shapes';
import {
  changedRepositoriesQuery,
  OPEN_ORDER_VARIABLE,
  pullRequestQuery,
  type PullStates,
  repositoriesQuery,
  repositoriesWithPullsQuery,
  repositoryPullsQuery,
  searchPullsQuery,
  UPDATED_ORDER_VARIABLE,
} from './queries';

/** Repositories per page of the repositories listing: no nested connection, 1 point a page. */
export const REPOSITORY_PAGE_SIZE = 100;
/** Repositories per page, and pull requests per repository, of the pull-request listing (see queries.ts for the cost). */
export const PULLS_REPOSITORY_PAGE_SIZE = 50;
export const NESTED_PULLS = 10;
/** Pull requests per page of one repository's continuation, and of the search. */
export const PULL_PAGE_SIZE = 100;
/** The smallest page a timeout or a resource limit may shrink a listing to. */
export const MIN_PAGE_SIZE = 1;
/** GitHub's search gives at most this many results; past it the changed-since listing lists everything. */
export const SEARCH_RESULT_LIMIT = 1_000;
const ENRICHMENT_CONCURRENCY = 10;

export type RepositoryFilters = { privacy?: 'PUBLIC' | 'PRIVATE'; isFork?: boolean };

/** The GraphQL filters of a REST `type`; undefined for `member`, which GraphQL cannot filter by. */
export function repositoryFilters(type: RepositoryType | undefined): RepositoryFilters | undefined {
  switch (type ?? 'all') {
    case 'all':
      return {};
    case 'public':
      return { privacy: 'PUBLIC' };
    case 'private':
      return { privacy: 'PRIVATE' };
    case 'forks':
      return { isFork: true };
    case 'sources':
      return { isFork: false };
    default:
      return undefined;
  }
}

interface Connection<T> {
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<T | null>;
}

interface OrganizationRepositories<T> {
  organization: { repositories: Connection<T> } | null;
}

type PullsRepositoryNode = { name: string; owner: { login: string }; open?: Connection<PullNodeBase>; closed?: Connection<PullNodeBase> };

function requireGraphql(context: FetchContext): GithubGraphqlClient {
  if (!context.graphql) throw new Error('this listing needs the GraphQL client (FetchContext.graphql)');
  return context.graphql;
}

function requireFilters(type: RepositoryType | undefined): RepositoryFilters {
  const filters = repositoryFilters(type);
  if (!filters) throw new Error(`repositoryType '${type}' has no GraphQL filter; list it through REST`);
  return filters;
}

function organizationOf<T>(data: OrganizationRepositories<T>, organization: string): Connection<T> {
  if (!data.organization) throw new GithubApiError(`organization ${organization} was not found through GraphQL (or the credentials cannot see it)`, 404, 'POST /graphql');
  return data.organization.repositories;
}

function pageSize(context: FetchContext, max: number, what: string): AdaptivePageSize {
  return new AdaptivePageSize(max, MIN_PAGE_SIZE, (from, to) => context.log?.(`${what}: GitHub found a page of ${from} too large; asking again for ${to}`));
}

function fileVariables(paths: readonly string[]): Record<string, string> {
  return Object.fromEntries(paths.map((path, index) => [`file${index}`, `HEAD:${path}`]));
}

/**
 * The organization's repositories as `fetchRepositories` gives them (archived ones dropped: the repository kind does
 * not catalogue them), their included files read in the same query. A binary or truncated file, and relations, are
 * read through REST for that repository alone.
 */
export async function* fetchRepositoriesGraphql(context: FetchContext, selector: RepositorySelector = {}): AsyncIterable<Repository[]> {
  const graphql = requireGraphql(context);
  const files = selector.includedFiles ?? [];
  const variables = { org: context.organization, ...requireFilters(selector.repositoryType), isArchived: false, ...fileVariables(files) };
  const sizes = pageSize(context, REPOSITORY_PAGE_SIZE, `repositories of ${context.organization}`);
  let after: string | null = null;
  do {
    const cursor: string | null = after;
    const connection: Connection<RepositoryNode> = organizationOf(
      await sizes.run(`repositories of ${context.organization}`, (first) =>
        graphql.query<OrganizationRepositories<RepositoryNode>>(repositoriesQuery(files.length), { ...variables, first, after: cursor }, RESYNC),
      ),
      context.organization,
    );
    const nodes = present(connection.nodes).filter((node) => !node.isArchived && !skipped(context, node));
    const page = await withEnrichment(context, nodes, files, selector);
    if (page.length > 0) yield page;
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  } while (after);
}

async function withEnrichment(context: FetchContext, nodes: readonly RepositoryNode[], files: readonly string[], selector: RepositorySelector): Promise<Repository[]> {
  const results: Array<Repository | undefined> = [];
  const pending: Array<() => Promise<void>> = [];
  const relations = relationsOf(selector).size > 0 ? { includedRelations: selector.includedRelations, include: selector.include } : {};
  for (const [index, node] of nodes.entries()) {
    const repository = toRestRepository(node);
    const included = files.length ? includedFilesOf(node, files) : {};
    if (files.length && included) repository['__includedFiles'] = included;
    results.push(repository);
    const rest: RepositorySelector = { ...(included ? {} : { includedFiles: files }), ...relations };
    if (!rest.includedFiles?.length && relationsOf(rest).size === 0) continue;
    pending.push(async () => {
      try {
        const enriched = await enrichRepository(context, repository, rest);
        results[index] = files.length && included ? { ...enriched, __includedFiles: included } : enriched;
      } catch (error) {
        if (!context.onRepositoryError || !staysWithRepository(error)) throw error;
        context.onRepositoryError(repository, error);
        results[index] = undefined;
      }
    });
  }
  await mapWithConcurrency(pending, Math.max(1, context.concurrency ?? ENRICHMENT_CONCURRENCY), (task) => task());
  return results.filter((repository): repository is Repository => repository !== undefined);
}

interface Continuation {
  repository: PullRepository;
  state: 'open' | 'closed';
  after: string;
  window?: ClosedWindow<PullNodeBase>;
}

/**
 * Every repository's pull requests as `fetchPullRequests` gives them, nested in the repositories listing: one query
 * covers `PULLS_REPOSITORY_PAGE_SIZE` repositories' first `NESTED_PULLS` open and/or closed pull requests; a repository
 * with more continues alone, `context.concurrency` at once. A pull request with more assignees or review requests
 * than the query holds is read through REST.
 */
export async function* fetchPullRequestsGraphql(
  context: FetchContext,
  selector: PullRequestSelector = {},
  now = Date.now(),
  shape: PullShape = REST_PULL_SHAPE,
): AsyncIterable<PullRequest[]> {
  const graphql = requireGraphql(context);
  const stateList = selector.states?.length ? selector.states : ['open'];
  const states: PullStates = { open: stateList.includes('open'), closed: stateList.includes('closed') };
  const newWindow = () => new ClosedWindow<PullNodeBase>(selector, now, (pull) => pull);
  const variables = { org: context.organization, pulls: NESTED_PULLS, ...requireFilters(selector.repositoryType) };
  const sizes = pageSize(context, PULLS_REPOSITORY_PAGE_SIZE, `pull requests of ${context.organization}`);
  let after: string | null = null;
  do {
    const cursor: string | null = after;
    const connection: Connection<PullsRepositoryNode> = organizationOf(
      await sizes.run(`pull requests of ${context.organization}`, (first) =>
        graphql.query<OrganizationRepositories<PullsRepositoryNode>>(repositoriesWithPullsQuery(states, shape.fields), { ...variables, first, after: cursor }, RESYNC),
      ),
      context.organization,
    );
    const continuations: Continuation[] = [];
    const page: PullRequest[] = [];
    for (const repository of present(connection.nodes)) {
      const target = { name: repository.name, owner: repository.owner };
      if (context.skipsRepository?.(asRepository(target))) continue;
      if (repository.open) {
        page.push(...(await toPullRequests(context, shape, repository.open.nodes, target)));
        if (repository.open.pageInfo.hasNextPage && repository.open.pageInfo.endCursor) continuations.push({ repository: target, state: 'open', after: repository.open.pageInfo.endCursor });
      }
      if (repository.closed) {
        const window = newWindow();
        const { kept, more } = window.take(present(repository.closed.nodes));
        page.push(...(await toPullRequests(context, shape, kept, target)));
        if (more && repository.closed.pageInfo.hasNextPage && repository.closed.pageInfo.endCursor) continuations.push({ repository: target, state: 'closed', after: repository.closed.pageInfo.endCursor, window });
      }
    }
    if (page.length > 0) yield page;
    if (continuations.length > 0) {
      yield* concurrentPages(toIterable(continuations), (continuation) => continuedPulls(context, graphql, shape, continuation), {
        width: context.concurrency ?? 1,
        onError: context.onRepositoryError && ((continuation, error) => context.onRepositoryError?.(asRepository(continuation.repository), error)),
        isLocal: staysWithRepository,
        times: context.pageTimes,
      });
    }
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  } while (after);
}

async function* continuedPulls(context: FetchContext, graphql: GithubGraphqlClient, shape: PullShape, continuation: Continuation): AsyncIterable<PullRequest[]> {
  const { repository, state, window } = continuation;
  const sizes = pageSize(context, PULL_PAGE_SIZE, `pull requests of ${repository.name}`);
  let after: string | null = continuation.after;
  while (after) {
    const cursor: string = after;
    const data = await sizes.run(`pull requests of ${repository.name}`, (first) =>
      graphql.query<{ repository: { pullRequests: Connection<PullNodeBase> } | null }>(
        repositoryPullsQuery(shape.fields),
        {
          owner: repository.owner.login,
          name: repository.name,
          states: state === 'open' ? ['OPEN'] : ['CLOSED', 'MERGED'],
          orderBy: state === 'open' ? OPEN_ORDER_VARIABLE : UPDATED_ORDER_VARIABLE,
          first,
          after: cursor,
        },
        RESYNC,
      ),
    );
    // The repository went away while it was listed.
    if (!data.repository) return;
    const connection = data.repository.pullRequests;
    let nodes = present(connection.nodes);
    let more = connection.pageInfo.hasNextPage;
    if (window) {
      const taken = window.take(nodes);
      nodes = taken.kept;
      more = more && taken.more;
    }
    const page = await toPullRequests(context, shape, nodes, repository);
    if (page.length > 0) yield page;
    after = more ? connection.pageInfo.endCursor : null;
  }
}

async function toPullRequests(context: FetchContext, shape: PullShape, nodes: ReadonlyArray<PullNodeBase | null>, repository: PullRepository): Promise<PullRequest[]> {
  const pulls: PullRequest[] = [];
  for (const node of present(nodes)) pulls.push(enrich(await shape.toObject(context, node, repository), asRepository(repository), context) as PullRequest);
  return pulls;
}

/**
 * One pull request as the listing in `shape` gives it (a live event's, re-read for a resource listed through
 * GraphQL), or null when the repository or the pull request is gone.
 */
export async function readPullRequestGraphql(context: FetchContext, repository: PullRepository, number: number, shape: PullShape = REST_PULL_SHAPE): Promise<GithubObject | null> {
  const data = await requireGraphql(context).query<{ repository: { pullRequest: PullNodeBase | null } | null }>(pullRequestQuery(shape.fields), {
    owner: repository.owner.login,
    name: repository.name,
    number,
  });
  const node = data.repository?.pullRequest;
  return node ? enrich(await shape.toObject(context, node, repository), asRepository(repository), context) : null;
}

function skipped(context: FetchContext, node: RepositoryNode): boolean {
  return context.skipsRepository?.(toRestRepository(node)) ?? false;
}

function present<T>(nodes: ReadonlyArray<T | null>): T[] {
  return nodes.filter((node): node is T => node !== null);
}

function asRepository(repository: PullRepository): Repository {
  return { name: repository.name, owner: repository.owner, full_name: `${repository.owner.login}/${repository.name}`, default_branch: '' };
}

async function* toIterable<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

/**
 * Repositories changed since `since`: updated (settings, description, …) or pushed to (included files), newest
 * first in each order until `since`, each once, archived ones included (the caller deletes what its selector no
 * longer keeps).
 */
export async function* fetchRepositoriesChangedSinceGraphql(context: FetchContext, selector: RepositorySelector, since: Date): AsyncIterable<Repository[]> {
  const graphql = requireGraphql(context);
  const files = selector.includedFiles ?? [];
  const seen = new Set<string>();
  const sinceMs = since.getTime();
  for (const field of ['UPDATED_AT', 'PUSHED_AT'] as const) {
    const variables = { org: context.organization, orderBy: { field, direction: 'DESC' }, ...requireFilters(selector.repositoryType), ...fileVariables(files) };
    const sizes = pageSize(context, REPOSITORY_PAGE_SIZE, `repositories of ${context.organization} changed since ${since.toISOString()}`);
    let after: string | null = null;
    let reachedSince = false;
    do {
      const cursor: string | null = after;
      const connection: Connection<RepositoryNode> = organizationOf(
        await sizes.run(`repositories of ${context.organization} changed since ${since.toISOString()}`, (first) =>
          graphql.query<OrganizationRepositories<RepositoryNode>>(changedRepositoriesQuery(files.length), { ...variables, first, after: cursor }, RESYNC),
        ),
        context.organization,
      );
      const changed: RepositoryNode[] = [];
      for (const node of present(connection.nodes)) {
        const at = field === 'UPDATED_AT' ? node.updatedAt : node.pushedAt;
        if (at === null || Date.parse(at) < sinceMs) {
          reachedSince = true;
          break;
        }
        if (seen.has(node.id) || skipped(context, node)) continue;
        seen.add(node.id);
        changed.push(node);
      }
      const page = await withEnrichment(context, changed, files, selector);
      if (page.length > 0) yield page;
      after = !reachedSince && connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after);
  }
}

type SearchNode = PullNodeBase & { repository: PullRepository & { isPrivate: boolean; isFork: boolean } };

/** An `updated:` range of whole seconds, both ends included as GitHub's search takes them; open-ended without `untilSecond`. */
interface UpdatedWindow {
  fromSecond: number;
  untilSecond?: number;
}

const isoSecond = (second: number): string => new Date(second * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

function updatedQualifier(window: UpdatedWindow): string {
  return `updated:${isoSecond(window.fromSecond)}..${window.untilSecond === undefined ? '*' : isoSecond(window.untilSecond)}`;
}

/**
 * Pull requests of the organization updated since `since`, in every state (the caller deletes what its selector no
 * longer keeps), through GitHub's issue search. A window holding more than the search's 1,000 results is halved by
 * update time until each half fits, so a busy hour costs a few more queries instead of the full listing; only when
 * a single second holds more than 1,000 does the full listing stand in.
 */
export async function* fetchPullRequestsChangedSinceGraphql(
  context: FetchContext,
  selector: PullRequestSelector,
  since: Date,
  now = Date.now(),
  shape: PullShape = REST_PULL_SHAPE,
): AsyncIterable<PullRequest[]> {
  const graphql = requireGraphql(context);
  const filters = requireFilters(selector.repositoryType);
  const nowSecond = Math.ceil(now / 1000);
  const windows: UpdatedWindow[] = [{ fromSecond: Math.floor(since.getTime() / 1000) }];
  const sizes = pageSize(context, PULL_PAGE_SIZE, `pull requests updated since ${since.toISOString()}`);
  type SearchData = { search: Connection<SearchNode | Record<string, never>> & { issueCount: number } };
  for (let window = windows.shift(); window !== undefined; window = windows.shift()) {
    const search = `org:${context.organization} is:pr ${updatedQualifier(window)}`;
    let after: string | null = null;
    do {
      const cursor: string | null = after;
      const data: SearchData = await sizes.run(`search "${search}"`, (first) => graphql.query<SearchData>(searchPullsQuery(shape.fields), { search, first, after: cursor }, RESYNC));
      if (cursor === null && data.search.issueCount > SEARCH_RESULT_LIMIT) {
        const lastSecond = window.untilSecond ?? nowSecond;
        if (lastSecond <= window.fromSecond) {
          context.log?.(
            `pull requests of ${context.organization} updated in ${updatedQualifier(window)}: the search found ${data.search.issueCount} in one second, more than the ${SEARCH_RESULT_LIMIT} GitHub gives; listing every pull request instead`,
          );
          yield* fetchPullRequestsGraphql(context, selector, now, shape);
          return;
        }
        const middle = Math.floor((window.fromSecond + lastSecond) / 2);
        windows.unshift({ fromSecond: window.fromSecond, untilSecond: middle }, { fromSecond: middle + 1, untilSecond: window.untilSecond });
        break;
      }
      const page: PullRequest[] = [];
      for (const node of data.search.nodes) {
        if (!node || !('repository' in node)) continue;
        // The repository is the search's, not a field of the pull request.
        const { repository, ...pull } = node as SearchNode;
        if (context.skipsRepository?.(asRepository(repository))) continue;
        if (filters.privacy !== undefined && repository.isPrivate !== (filters.privacy === 'PRIVATE')) continue;
        if (filters.isFork !== undefined && repository.isFork !== filters.isFork) continue;
        page.push(...(await toPullRequests(context, shape, [pull], { name: repository.name, owner: repository.owner })));
      }
      if (page.length > 0) yield page;
      after = data.search.pageInfo.hasNextPage ? data.search.pageInfo.endCursor : null;
    } while (after);
  }
}
