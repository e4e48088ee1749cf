import { SEARCH_RESULT_CAP } from '../routes/search';
import { IssueRecord, PullRecord, RepoRecord } from '../state';
import { byText, Connection, directed, PageArgs } from './connection';
import { TypedResolverError } from './errors';
import { inRange, parseSearchQuery, SearchQuery, SearchQueryError } from './search-query';
import { IssueView, PullRequestView, RepositoryView, ViewContext } from './views';

type IssueHit = { repo: RepoRecord; pull: PullRecord; issue?: undefined } | { repo: RepoRecord; issue: IssueRecord; pull?: undefined };

export interface SearchArgs extends PageArgs {
  query: string;
  type: string;
}

export interface SearchResult {
  issueCount: number;
  repositoryCount: number;
  userCount: number;
  discussionCount: number;
  codeCount: number;
  wikiCount: number;
  pageInfo: Connection<unknown, unknown>['pageInfo'];
  nodes(): unknown[];
  edges(): Array<{ cursor: string; node: unknown }>;
}

function parse(query: string): SearchQuery {
  try {
    return parseSearchQuery(query);
  } catch (error) {
    if (error instanceof SearchQueryError) throw new TypedResolverError('INVALID_SEARCH', error.message);
    throw error;
  }
}

/** The repositories a search looks in: those its `org:`/`repo:` qualifiers name (or all), that the caller may see. */
function searchedRepos(context: ViewContext, query: SearchQuery): RepoRecord[] {
  const repos: RepoRecord[] = [];
  for (const org of context.state.organizations) {
    if (!context.canSee(org.login)) continue;
    if (query.orgs.length > 0 && !query.orgs.includes(org.login.toLowerCase())) continue;
    for (const repo of org.repos) if (query.repos.length === 0 || query.repos.includes(repo.fullName.toLowerCase())) repos.push(repo);
  }
  return repos;
}

function matchesTerms(terms: string[], ...texts: string[]): boolean {
  if (terms.length === 0) return true;
  const haystack = texts.join('\n').toLowerCase();
  return terms.every((term) => haystack.includes(term));
}

function issueHits(context: ViewContext, query: SearchQuery): IssueHit[] {
  const hits: IssueHit[] = [];
  for (const repo of searchedRepos(context, query)) {
    const data = context.state.repoData(repo);
    if (query.kind !== 'issue') for (const pull of data.pulls) if (matchesPull(query, pull)) hits.push({ repo, pull });
    if (query.kind !== 'pr') for (const issue of data.issues) if (matchesIssue(query, issue)) hits.push({ repo, issue });
  }
  return hits;
}

function matchesCommon(query: SearchQuery, record: PullRecord | IssueRecord): boolean {
  if (query.state === 'open' && record.state !== 'open') return false;
  if (query.state === 'closed' && record.state !== 'closed') return false;
  if (query.author && record.userLogin.toLowerCase() !== query.author) return false;
  if (!query.labels.every((label) => record.labels.some((candidate) => candidate.name.toLowerCase() === label))) return false;
  if (!inRange(record.createdAt, query.created) || !inRange(record.updatedAt, query.updated)) return false;
  if (query.closed && !inRange(record.closedAt, query.closed)) return false;
  return matchesTerms(query.terms, record.title, record.body);
}

function matchesPull(query: SearchQuery, pull: PullRecord): boolean {
  if (query.state === 'merged' && !pull.merged) return false;
  if (query.state === 'unmerged' && (pull.merged || pull.state !== 'closed')) return false;
  if (query.draft !== undefined && pull.draft !== query.draft) return false;
  if (query.merged && !inRange(pull.mergedAt, query.merged)) return false;
  return matchesCommon(query, pull);
}

function matchesIssue(query: SearchQuery, issue: IssueRecord): boolean {
  if (query.state === 'merged' || query.state === 'unmerged' || query.draft !== undefined || query.merged) return false;
  return matchesCommon(query, issue);
}

function matchesRepo(query: SearchQuery, repo: RepoRecord): boolean {
  // `is:private` finds internal repositories too: they are private to the enterprise.
  if (query.visibility && repo.visibility !== query.visibility && !(query.visibility === 'private' && repo.visibility === 'internal')) return false;
  if (query.archived !== undefined && repo.archived !== query.archived) return false;
  if (query.fork === undefined ? repo.fork : query.fork === 'only' && !repo.fork) return false;
  if (!inRange(repo.createdAt, query.created) || !inRange(repo.updatedAt, query.updated) || !inRange(repo.pushedAt, query.pushed)) return false;
  return matchesTerms(query.terms, repo.name, repo.description);
}

/**
 * `search(query:, type:)` over the simulator's state. Without `sort:` results come newest first (GitHub orders by
 * relevance, which a query of qualifiers only does not define).
 */
export function search(context: ViewContext, args: SearchArgs): SearchResult {
  const query = parse(args.query);
  const counts = { issueCount: 0, repositoryCount: 0, userCount: 0, discussionCount: 0, codeCount: 0, wikiCount: 0 };
  const sort = query.sort ?? { field: 'created' as const, direction: 'desc' as const };
  const direction = sort.direction.toUpperCase();
  if (args.type === 'ISSUE') {
    const compare = (a: IssueHit, b: IssueHit): number => {
      const left = a.pull ?? a.issue;
      const right = b.pull ?? b.issue;
      const key = sort.field === 'updated' ? byText(left.updatedAt, right.updatedAt) : sort.field === 'comments' ? left.comments - right.comments : byText(left.createdAt, right.createdAt);
      return key || a.repo.id - b.repo.id || left.number - right.number;
    };
    const hits = issueHits(context, query).sort(directed(compare, direction));
    const connection = new Connection(hits, args, (hit) => (hit.pull ? new PullRequestView(context, hit.repo, hit.pull) : new IssueView(context, hit.repo, hit.issue)), { reachable: SEARCH_RESULT_CAP });
    return { ...counts, issueCount: hits.length, pageInfo: connection.pageInfo, nodes: () => connection.nodes(), edges: () => connection.edges() };
  }
  if (args.type === 'REPOSITORY') {
    const compare = (a: RepoRecord, b: RepoRecord): number => (sort.field === 'updated' ? byText(a.updatedAt, b.updatedAt) : byText(a.createdAt, b.createdAt)) || a.id - b.id;
    const repos = searchedRepos(context, query).filter((repo) => matchesRepo(query, repo)).sort(directed(compare, direction));
    const connection = new Connection(repos, args, (repo): RepositoryView => context.repository(repo), { reachable: SEARCH_RESULT_CAP });
    return { ...counts, repositoryCount: repos.length, pageInfo: connection.pageInfo, nodes: () => connection.nodes(), edges: () => connection.edges() };
  }
  throw new TypedResolverError('INVALID_SEARCH', `The simulator searches type ISSUE and REPOSITORY only, not ${args.type}`);
}
