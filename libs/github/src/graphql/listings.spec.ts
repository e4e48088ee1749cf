import type { FetchContext } from '../fetchers/fetch-context';
import { FakeGithubClient } from '../fetchers/fake-github-client.spec-helper';
import { FakeGraphql, type FakeRepository, pullNode } from './fake-graphql.spec-helper';
import { fetchPullRequestsChangedSinceGraphql, fetchPullRequestsGraphql, fetchRepositoriesChangedSinceGraphql, fetchRepositoriesGraphql, NESTED_PULLS } from './listings';
import { peerPullShape } from './pull-shapes';

const NOW = Date.parse('2025-06-01T00:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(NOW - days * DAY).toISOString().replace(/\.\d+Z$/, 'Z');

function setup(repositories: FakeRepository[]) {
  const graphql = new FakeGraphql('acme', repositories);
  const rest = new FakeGithubClient(100);
  const logs: string[] = [];
  const context: FetchContext = { client: rest, graphql, organization: 'acme', concurrency: 4, log: (message) => logs.push(message) };
  return { graphql, rest, logs, context };
}

async function all<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page);
  return items;
}

const numbers = (pulls: ReadonlyArray<{ number?: unknown }>) => pulls.map((pull) => Number(pull.number)).sort((a, b) => a - b);

describe('fetchRepositoriesGraphql', () => {
  it('lists the repositories with their included files in the same query, archived ones left out', async () => {
    const { context, graphql, rest } = setup([
      { name: 'api', files: { 'README.md': { text: '# api', isBinary: false, isTruncated: false } } },
      { name: 'old', isArchived: true },
      { name: 'web' },
    ]);
    const repositories = await all(fetchRepositoriesGraphql(context, { includedFiles: ['README.md', 'CODEOWNERS'] }));
    expect(repositories.map((repository) => [repository.name, repository['__includedFiles']])).toEqual([
      ['api', { 'README.md': '# api', CODEOWNERS: null }],
      ['web', { 'README.md': null, CODEOWNERS: null }],
    ]);
    expect(graphql.calls).toHaveLength(1);
    expect(rest.calls).toEqual([]);
  });

  it('reads a binary or truncated file through REST for that repository alone', async () => {
    const { context, rest } = setup([{ name: 'api', files: { 'logo.png': { text: null, isBinary: true, isTruncated: false } } }, { name: 'web' }]);
    rest.on('GET /repos/{owner}/{repo}/contents/{path}', () => ({ type: 'file', content: Buffer.from('PNG').toString('base64'), encoding: 'base64' }));
    const repositories = await all(fetchRepositoriesGraphql(context, { includedFiles: ['logo.png'] }));
    expect(repositories.find((repository) => repository.name === 'api')?.['__includedFiles']).toEqual({ 'logo.png': 'PNG' });
    expect(rest.calls.map((call) => call.params['repo'])).toEqual(['api']);
  });

  it('asks again with smaller pages when GitHub finds the query too large, and loses no repository', async () => {
    const names = Array.from({ length: 70 }, (_, index) => `repo-${String(index).padStart(2, '0')}`);
    const { context, graphql, logs } = setup(names.map((name) => ({ name })));
    graphql.maxPage = 30;
    const repositories = await all(fetchRepositoriesGraphql(context, {}));
    expect(repositories.map((repository) => repository.name)).toEqual(names);
    expect(graphql.calls.map((call) => call.variables['first'])).toEqual([100, 50, 25, 25, 25]);
    expect(logs).toEqual(['repositories of acme: GitHub found a page of 100 too large; asking again for 50', 'repositories of acme: GitHub found a page of 50 too large; asking again for 25']);
  });
});

describe('fetchPullRequestsGraphql', () => {
  it('lists every repository’s pull requests nested in the repositories listing, continuing a repository with more alone', async () => {
    const busy = Array.from({ length: NESTED_PULLS + 5 }, (_, index) => pullNode('OPEN', daysAgo(index)));
    const quiet = [pullNode('OPEN', daysAgo(1)), pullNode('CLOSED', daysAgo(1))];
    const { context, graphql } = setup([{ name: 'busy', pulls: busy }, { name: 'quiet', pulls: quiet }]);
    const pulls = await all(fetchPullRequestsGraphql(context, { states: ['open'] }, NOW));
    expect(numbers(pulls)).toEqual(numbers([...busy, quiet[0]]));
    expect(pulls.every((pull) => pull['__organization'] === 'acme' && typeof pull['__repository'] === 'string')).toBe(true);
    expect(graphql.calls.map((call) => call.operation)).toEqual(['OrganizationPullRequests', 'RepositoryPullRequests']);
    expect(graphql.calls[1].variables).toEqual(expect.objectContaining({ name: 'busy', after: String(NESTED_PULLS) }));
  });

  it('keeps closed pull requests to the window and the cap, as the REST listing does', async () => {
    const recent = Array.from({ length: 14 }, (_, index) => pullNode(index % 2 ? 'MERGED' : 'CLOSED', daysAgo(index + 1)));
    const old = [pullNode('CLOSED', daysAgo(90))];
    const { context } = setup([{ name: 'api', pulls: [...recent, ...old] }]);
    const windowed = await all(fetchPullRequestsGraphql(context, { states: ['closed'], since: 30 }, NOW));
    expect(numbers(windowed)).toEqual(numbers(recent));
    expect(windowed.every((pull) => pull['state'] === 'closed')).toBe(true);
    const capped = await all(fetchPullRequestsGraphql(context, { states: ['closed'], since: 30, maxResults: 12 }, NOW));
    expect(numbers(capped)).toEqual(numbers(recent.slice(0, 12)));
  });

  it('reads a pull request with more assignees than the query holds through REST', async () => {
    const crowded = pullNode('OPEN', daysAgo(1), { assignees: { totalCount: 12, nodes: Array.from({ length: 10 }, (_, index) => ({ login: `u${index}` })) } });
    const { context, rest } = setup([{ name: 'api', pulls: [crowded] }]);
    rest.on('GET /repos/{owner}/{repo}/pulls/{pull_number}', (params) => ({ number: params['pull_number'], assignees: Array.from({ length: 12 }, (_, index) => ({ login: `u${index}` })) }));
    const [pull] = await all(fetchPullRequestsGraphql(context, {}, NOW));
    expect((pull['assignees'] as unknown[]).length).toBe(12);
    expect(pull['__repository']).toBe('api');
  });

  it("gives the peer's GraphQL shape with api: graphql", async () => {
    const { context } = setup([{ name: 'api', pulls: [pullNode('OPEN', daysAgo(1))] }]);
    const [pull] = await all(fetchPullRequestsGraphql(context, {}, NOW, peerPullShape([])));
    expect(pull).toEqual(expect.objectContaining({ url: expect.any(String), state: 'open', __repository: 'api' }));
  });
});

describe('changed since', () => {
  it('lists repositories updated or pushed since, each once', async () => {
    const { context } = setup([
      { name: 'renamed', updatedAt: daysAgo(1), pushedAt: daysAgo(50) },
      { name: 'pushed', updatedAt: daysAgo(50), pushedAt: daysAgo(1) },
      { name: 'both', updatedAt: daysAgo(2), pushedAt: daysAgo(2) },
      { name: 'quiet', updatedAt: daysAgo(40), pushedAt: daysAgo(40) },
    ]);
    const repositories = await all(fetchRepositoriesChangedSinceGraphql(context, {}, new Date(NOW - 7 * DAY)));
    expect(repositories.map((repository) => repository.name).sort()).toEqual(['both', 'pushed', 'renamed']);
  });

  it('lists pull requests updated since in every state through the search', async () => {
    const changed = [pullNode('OPEN', daysAgo(1)), pullNode('MERGED', daysAgo(2))];
    const { context, graphql } = setup([{ name: 'api', pulls: [...changed, pullNode('CLOSED', daysAgo(30))] }]);
    const pulls = await all(fetchPullRequestsChangedSinceGraphql(context, { states: ['open'] }, new Date(NOW - 7 * DAY), NOW));
    expect(numbers(pulls)).toEqual(numbers(changed));
    expect(graphql.calls[0].variables['search']).toBe(`org:acme is:pr updated:${daysAgo(7).replace(/\.\d+Z$/, 'Z')}..*`);
  });

  it("gives the peer's shape from the search, without the search's repository", async () => {
    const { context } = setup([{ name: 'api', pulls: [pullNode('OPEN', daysAgo(1))] }]);
    const [pull] = await all(fetchPullRequestsChangedSinceGraphql(context, {}, new Date(NOW - 7 * DAY), NOW, peerPullShape([])));
    expect(pull).toEqual(expect.objectContaining({ url: expect.any(String), state: 'open', __repository: 'api' }));
    expect(pull).not.toHaveProperty('repository');
  });

  it('halves the update window until each half holds no more than GitHub gives, finding every pull request once', async () => {
    const changed = [pullNode('OPEN', daysAgo(1)), pullNode('OPEN', daysAgo(3)), pullNode('MERGED', daysAgo(5))];
    const { context, graphql, logs } = setup([{ name: 'api', pulls: [...changed, pullNode('OPEN', daysAgo(20))] }]);
    graphql.searchWeight = 400;
    const pulls = await all(fetchPullRequestsChangedSinceGraphql(context, {}, new Date(NOW - 7 * DAY), NOW));
    expect(numbers(pulls).sort()).toEqual(numbers(changed).sort());
    expect(graphql.calls.filter((call) => call.operation === 'RepositoryPullRequests' || call.operation === 'OrganizationPullRequests')).toEqual([]);
    expect(graphql.calls.map((call) => call.variables['search'])).toEqual([
      expect.stringMatching(/updated:\S+\.\.\*$/),
      expect.stringMatching(/updated:\S+\.\.\S+Z$/),
      expect.stringMatching(/updated:\S+\.\.\*$/),
    ]);
    expect(logs).toEqual([]);
  });

  it('lists every pull request instead, and says so, when one second holds more than the search gives', async () => {
    const sameSecond = daysAgo(1);
    const { context, graphql, logs } = setup([{ name: 'api', pulls: [pullNode('OPEN', sameSecond), pullNode('OPEN', sameSecond), pullNode('OPEN', sameSecond), pullNode('OPEN', daysAgo(20))] }]);
    graphql.searchWeight = 400;
    const pulls = await all(fetchPullRequestsChangedSinceGraphql(context, {}, new Date(NOW - 7 * DAY), NOW));
    expect(pulls).toHaveLength(4);
    expect(logs).toEqual([expect.stringContaining('in one second, more than the 1000 GitHub gives; listing every pull request instead')]);
  });
});
