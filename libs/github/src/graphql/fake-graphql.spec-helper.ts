import type { PullRequestNode, RepositoryNode } from './convert';
import { type GithubGraphqlClient, GraphqlQueryTooLargeError } from './graphql-client';

export interface FakeRepository {
  name: string;
  isArchived?: boolean;
  isPrivate?: boolean;
  isFork?: boolean;
  updatedAt?: string;
  pushedAt?: string;
  files?: Record<string, { text: string | null; isBinary: boolean; isTruncated: boolean }>;
  pulls?: PullRequestNode[];
}

interface Page<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
  totalCount: number;
}

/**
 * An in-memory organization answering the listing queries (recognised by operation name) as GitHub would: cursors
 * are positions, `first` is honoured, and a query asking for a page larger than `maxPage` fails as too large.
 */
export class FakeGraphql implements GithubGraphqlClient {
  readonly calls: Array<{ operation: string; variables: Record<string, unknown> }> = [];
  maxPage = Number.POSITIVE_INFINITY;
  /** How many results each pull request the search finds stands for in `issueCount`, to reach GitHub's 1,000 cap. */
  searchWeight = 1;

  constructor(
    private readonly organization: string,
    private readonly repositories: FakeRepository[],
  ) {}

  async query<T>(document: string, variables: Record<string, unknown> = {}): Promise<T> {
    const operation = /query (\w+)/.exec(document)?.[1] ?? '';
    this.calls.push({ operation, variables });
    const first = Number(variables['first']);
    if (first > this.maxPage) throw new GraphqlQueryTooLargeError(`POST /graphql answered 502: timeout at ${first}`, 502, 'timeout');
    const data = this.answer(operation, variables, document);
    return { rateLimit: { cost: 1, remaining: 4999, resetAt: '2030-01-01T00:00:00Z' }, ...data } as T;
  }

  private answer(operation: string, variables: Record<string, unknown>, document: string): Record<string, unknown> {
    const first = Number(variables['first']);
    const after = typeof variables['after'] === 'string' ? variables['after'] : null;
    switch (operation) {
      case 'OrganizationRepositories':
      case 'ChangedRepositories': {
        let repositories = this.filtered(variables);
        const order = (variables['orderBy'] as { field?: string } | undefined)?.field;
        if (order === 'UPDATED_AT') repositories = [...repositories].sort((a, b) => Date.parse(b.updatedAt ?? '') - Date.parse(a.updatedAt ?? ''));
        if (order === 'PUSHED_AT') repositories = [...repositories].sort((a, b) => Date.parse(b.pushedAt ?? '') - Date.parse(a.pushedAt ?? ''));
        const files = Object.entries(variables).filter(([key]) => /^file\d+$/.test(key));
        return { organization: { repositories: page(repositories, first, after, (repository) => ({ ...this.node(repository), ...Object.fromEntries(files.map(([alias, expression]) => [alias, this.blob(repository, String(expression))])) })) } };
      }
      case 'OrganizationPullRequests': {
        const pulls = Number(variables['pulls']);
        return {
          organization: {
            repositories: page(this.filtered(variables), first, after, (repository) => ({
              name: repository.name,
              owner: { login: this.organization },
              ...(document.includes('open: pullRequests') ? { open: page(this.pullsOf(repository, ['OPEN'], 'CREATED_AT'), pulls, null, (pull) => pull) } : {}),
              ...(document.includes('closed: pullRequests') ? { closed: page(this.pullsOf(repository, ['CLOSED', 'MERGED'], 'UPDATED_AT'), pulls, null, (pull) => pull) } : {}),
            })),
          },
        };
      }
      case 'RepositoryPullRequests': {
        const repository = this.repositories.find((candidate) => candidate.name === variables['name']);
        const order = (variables['orderBy'] as { field: string }).field;
        return { repository: repository ? { pullRequests: page(this.pullsOf(repository, variables['states'] as string[], order), first, after, (pull) => pull) } : null };
      }
      case 'UpdatedPullRequests': {
        const [, from = '', until = '*'] = /updated:(?:>=)?([^.\s]+)(?:\.\.(\S+))?/.exec(String(variables['search'])) ?? [];
        const inWindow = (at: number) => at >= Date.parse(from) && (until === '*' || at < Date.parse(until) + 1000);
        const found = this.repositories.flatMap((repository) =>
          (repository.pulls ?? []).filter((pull) => inWindow(Date.parse(pull.updatedAt))).map((pull) => ({ ...pull, repository: { name: repository.name, owner: { login: this.organization }, isPrivate: repository.isPrivate ?? false, isFork: repository.isFork ?? false } })),
        );
        const result = page(found, first, after, (pull) => pull);
        return { search: { ...result, issueCount: found.length * this.searchWeight } };
      }
      default:
        throw new Error(`unexpected query ${operation}`);
    }
  }

  private filtered(variables: Record<string, unknown>): FakeRepository[] {
    return this.repositories.filter(
      (repository) =>
        (variables['isArchived'] === undefined || (repository.isArchived ?? false) === variables['isArchived']) &&
        (variables['isFork'] === undefined || (repository.isFork ?? false) === variables['isFork']) &&
        (variables['privacy'] === undefined || (repository.isPrivate ?? false) === (variables['privacy'] === 'PRIVATE')),
    );
  }

  private pullsOf(repository: FakeRepository, states: readonly string[], order: string): PullRequestNode[] {
    const pulls = (repository.pulls ?? []).filter((pull) => states.includes(pull.state));
    const key = (pull: PullRequestNode) => Date.parse(order === 'UPDATED_AT' ? pull.updatedAt : pull.createdAt);
    return [...pulls].sort((a, b) => key(b) - key(a));
  }

  private blob(repository: FakeRepository, expression: string): unknown {
    const file = repository.files?.[expression.replace(/^HEAD:/, '')];
    return file ? { ...file, byteSize: file.text?.length ?? 0 } : null;
  }

  private node(repository: FakeRepository): RepositoryNode {
    return {
      id: `R_${repository.name}`,
      databaseId: repository.name.length * 1000 + repository.name.charCodeAt(0),
      name: repository.name,
      nameWithOwner: `${this.organization}/${repository.name}`,
      isPrivate: repository.isPrivate ?? false,
      visibility: repository.isPrivate ? 'PRIVATE' : 'PUBLIC',
      isFork: repository.isFork ?? false,
      isArchived: repository.isArchived ?? false,
      isTemplate: false,
      owner: { login: this.organization },
      description: null,
      url: `https://github.com/${this.organization}/${repository.name}`,
          stargazerCount: 0,
      createdAt: '2024-01-01T00:00:00Z',
      updatedAt: repository.updatedAt ?? '2024-01-01T00:00:00Z',
      pushedAt: repository.pushedAt ?? '2024-01-01T00:00:00Z',
      primaryLanguage: null,
      defaultBranchRef: { name: 'main' },
    };
  }
}

function page<T, R>(items: readonly T[], first: number, after: string | null, render: (item: T) => R): Page<R> {
  const start = after === null ? 0 : Number(after);
  const slice = items.slice(start, start + first);
  const end = start + slice.length;
  return { totalCount: items.length, pageInfo: { hasNextPage: end < items.length, endCursor: slice.length > 0 ? String(end) : null }, nodes: slice.map(render) };
}

let pullIds = 0;

/** A pull request node; `number` unique within the test, timestamps as given. */
export function pullNode(state: PullRequestNode['state'], updatedAt: string, overrides: Partial<PullRequestNode> = {}): PullRequestNode {
  pullIds += 1;
  return {
    id: `PR_${pullIds}`,
    fullDatabaseId: String(pullIds),
    number: pullIds,
    title: `pull ${pullIds}`,
    state,
    url: `https://github.com/acme/x/pull/${pullIds}`,
    isDraft: false,
    merged: state === 'MERGED',
    createdAt: updatedAt,
    updatedAt,
    closedAt: state === 'OPEN' ? null : updatedAt,
    mergedAt: state === 'MERGED' ? updatedAt : null,
    author: { login: 'ann' },
    headRefName: 'feature',
    headRefOid: 'abc',
    headRepository: { name: 'x' },
    baseRefName: 'main',
    baseRefOid: 'def',
    assignees: { totalCount: 0, nodes: [] },
    reviewRequests: { totalCount: 0, nodes: [] },
    ...overrides,
  };
}
