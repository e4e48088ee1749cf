import { GithubApiError, GithubAuthenticationError, GithubPermissionError, GithubRateLimitError } from '../client';
import { FakeGithubClient } from './fake-github-client.spec-helper';
import type { FetchContext } from './fetch-context';
import { fetchFiles, fetchFolders, parseContent } from './files';
import { fetchTeams } from './organization-kinds';
import { fetchPullRequests } from './pull-requests';
import { fetchRepositories } from './repositories';
import { fetchBranches, fetchDependabotAlerts, fetchDeploymentStatuses, fetchIssues, fetchSecretScanningAlerts, fetchWorkflowRuns } from './repository-kinds';

const NOW = Date.parse('2026-11-21T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW - days * 86_400_000).toISOString();
const repo = (name: string) => ({ name, full_name: `acme/${name}`, default_branch: 'main', owner: { login: 'acme' } });

async function all<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const collected: T[][] = [];
  for await (const page of pages) collected.push(page);
  return collected;
}

function contextWith(client: FakeGithubClient): FetchContext {
  return { client, organization: 'acme' };
}

describe('fetchRepositories', () => {
  it('lists by repository type, page by page, for resync traffic', async () => {
    const client = new FakeGithubClient().on('GET /orgs/{org}/repos', () => [repo('a'), repo('b'), repo('c')]);

    const pages = await all(fetchRepositories(contextWith(client), { repositoryType: 'private' }));

    expect(pages.map((page) => page.map((repository) => repository.name))).toEqual([['a', 'b'], ['c']]);
    expect(client.calls[0]).toEqual({ route: 'GET /orgs/{org}/repos', params: { org: 'acme', type: 'private' }, purpose: 'resync' });
  });

  it('adds included files (null when missing), teams, collaborators and custom properties', async () => {
    const client = new FakeGithubClient()
      .on('GET /orgs/{org}/repos', () => [repo('api')])
      .on('GET /repos/{owner}/{repo}/contents/{path}', ({ path }) => {
        if (path !== 'README.md') throw new (jest.requireActual('../client').GithubPermissionError)('missing', 404, 'x', undefined);
        return { type: 'file', encoding: 'base64', content: Buffer.from('# API').toString('base64') };
      })
      .on('GET /repos/{owner}/{repo}/teams', () => [{ slug: 'core' }])
      .on('GET /repos/{owner}/{repo}/collaborators', () => [{ login: 'octocat' }])
      .on('GET /repos/{owner}/{repo}/properties/values', () => [{ property_name: 'tier', value: 'gold' }]);

    const [[repository]] = await all(
      fetchRepositories(contextWith(client), { includedFiles: ['README.md', 'CODEOWNERS'], includedRelations: ['teams', 'collaborators', 'customProperties'] }),
    );

    expect(repository).toMatchObject({
      __includedFiles: { 'README.md': '# API', CODEOWNERS: null },
      __teams: [{ slug: 'core' }],
      __collaborators: [{ login: 'octocat' }],
      custom_properties: { tier: 'gold' },
    });
  });
});

describe('fetchPullRequests', () => {
  const pulls = (state: string) =>
    state === 'open'
      ? [{ number: 1, state: 'open', updated_at: daysAgo(1), closed_at: null }]
      : [
          { number: 5, state: 'closed', updated_at: daysAgo(2), closed_at: daysAgo(2) },
          { number: 4, state: 'closed', updated_at: daysAgo(30), closed_at: daysAgo(40) },
          { number: 3, state: 'closed', updated_at: daysAgo(70), closed_at: daysAgo(70) },
          { number: 2, state: 'closed', updated_at: daysAgo(90), closed_at: daysAgo(90) },
        ];
  const client = () =>
    new FakeGithubClient().on('GET /orgs/{org}/repos', () => [repo('api')]).on('GET /repos/{owner}/{repo}/pulls', ({ state }) => pulls(String(state)));
  const numbers = async (selector: Parameters<typeof fetchPullRequests>[1], fake = client()) =>
    (await all(fetchPullRequests(contextWith(fake), selector, NOW))).flat().map((pull) => pull.number);

  it('lists open pull requests by default, with __repository and __organization', async () => {
    const [[pull]] = await all(fetchPullRequests(contextWith(client()), {}, NOW));

    expect(pull).toMatchObject({ number: 1, __repository: 'api', __organization: 'acme' });
  });

  it('keeps closed pull requests updated within `since` days, newest first, and stops paging past the window', async () => {
    const fake = client();

    expect(await numbers({ states: ['closed'], since: 60 }, fake)).toEqual([5, 4]);
    expect(fake.calls.filter((call) => call.route === 'GET /repos/{owner}/{repo}/pulls')[0].params).toMatchObject({
      state: 'closed',
      sort: 'updated',
      direction: 'desc',
    });
  });

  it('uses closedSinceDate over since, on closed_at', async () => {
    expect(await numbers({ states: ['closed'], since: 1, closedSinceDate: daysAgo(45) })).toEqual([5, 4]);
    expect(await numbers({ states: ['closed'], closedSinceDate: daysAgo(35) })).toEqual([5]);
  });

  it('caps closed pull requests at maxResults and lists both states when asked', async () => {
    expect(await numbers({ states: ['open', 'closed'], since: 365, maxResults: 3 })).toEqual([1, 5, 4, 3]);
  });
});

describe('repository kinds', () => {
  const base = () => new FakeGithubClient(10).on('GET /orgs/{org}/repos', () => [repo('api')]);

  it('drops pull requests from issues and passes state and labels', async () => {
    const fake = base().on('GET /repos/{owner}/{repo}/issues', () => [{ number: 1 }, { number: 2, pull_request: {} }]);

    const issues = (await all(fetchIssues(contextWith(fake), { state: 'all', labels: ['bug', 'p1'] }))).flat();

    expect(issues.map((issue) => issue['number'])).toEqual([1]);
    expect(fake.calls[1].params).toMatchObject({ state: 'all', labels: 'bug,p1' });
  });

  it('marks the default branch and adds protection rules, null when unprotected', async () => {
    const fake = base()
      .on('GET /repos/{owner}/{repo}/branches', () => [{ name: 'main' }, { name: 'dev' }])
      .on('GET /repos/{owner}/{repo}/branches/{branch}/protection', ({ branch }) => {
        if (branch === 'dev') throw new (jest.requireActual('../client').GithubPermissionError)('Branch not protected', 404, 'x', undefined);
        return { required_linear_history: { enabled: true } };
      });

    const branches = (await all(fetchBranches(contextWith(fake), { protectionRules: true }))).flat();

    expect(branches).toEqual([
      expect.objectContaining({ name: 'main', __is_default_branch: true, __protection_rules: { required_linear_history: { enabled: true } } }),
      expect.objectContaining({ name: 'dev', __is_default_branch: false, __protection_rules: null }),
    ]);
  });

  it('lists workflow runs per workflow and status, created since, capped per workflow', async () => {
    const fake = base()
      .on('GET /repos/{owner}/{repo}/actions/workflows', () => ({ total_count: 1, workflows: [{ id: 7 }] }))
      .on('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', ({ status }) => ({
        total_count: 3,
        workflow_runs: [1, 2, 3].map((id) => ({ id, status })),
      }));

    const runs = (await all(fetchWorkflowRuns(contextWith(fake), { statuses: ['success', 'failure'], since: 7, maxRunsPerWorkflow: 2 }, NOW))).flat();

    expect(runs.map((run) => `${run['status']}-${run['id']}`)).toEqual(['success-1', 'success-2', 'failure-1', 'failure-2']);
    const runCalls = fake.calls.filter((call) => call.route.endsWith('/runs'));
    expect(runCalls[0].params).toMatchObject({ workflow_id: 7, status: 'success', created: '>=2026-11-14' });
  });

  it('adds __deployment_id to deployment statuses', async () => {
    const fake = base()
      .on('GET /repos/{owner}/{repo}/deployments', () => [{ id: 11 }])
      .on('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', () => [{ id: 1, state: 'success' }]);

    expect((await all(fetchDeploymentStatuses(contextWith(fake), { environment: 'prod' }))).flat()).toEqual([
      expect.objectContaining({ id: 1, __deployment_id: 11, __repository: 'api' }),
    ]);
    expect(fake.calls[1].params).toMatchObject({ environment: 'prod' });
  });

  it('passes alert filters as GitHub expects them', async () => {
    const fake = base()
      .on('GET /repos/{owner}/{repo}/dependabot/alerts', () => [{ number: 1 }])
      .on('GET /repos/{owner}/{repo}/secret-scanning/alerts', () => [{ number: 2 }]);

    await all(fetchDependabotAlerts(contextWith(fake), { states: ['open', 'fixed'], severity: ['high'], ecosystems: ['npm', 'pip'] }));
    await all(fetchSecretScanningAlerts(contextWith(fake), { state: 'all' }));

    expect(fake.calls[1].params).toMatchObject({ state: 'open,fixed', severity: 'high', ecosystem: 'npm,pip' });
    expect(fake.calls[3].params).toEqual({ owner: 'acme', repo: 'api', hide_secret: true });
  });
});

describe('fetchTeams', () => {
  it('embeds members under members.nodes', async () => {
    const fake = new FakeGithubClient()
      .on('GET /orgs/{org}/teams', () => [{ slug: 'core' }])
      .on('GET /orgs/{org}/teams/{team_slug}/members', () => [{ login: 'a' }, { login: 'b' }, { login: 'c' }]);

    expect((await all(fetchTeams(contextWith(fake)))).flat()).toEqual([
      { slug: 'core', members: { nodes: [{ login: 'a' }, { login: 'b' }, { login: 'c' }] }, __organization: 'acme' },
    ]);
  });
});

describe('files and folders', () => {
  const fake = () =>
    new FakeGithubClient()
      .on('GET /repos/{owner}/{repo}', ({ repo: name }) => repo(String(name)))
      .on('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', () => ({
        tree: [
          { path: 'services', type: 'tree', sha: '1' },
          { path: 'services/api', type: 'tree', sha: '2' },
          { path: 'services/api/port.yml', type: 'blob', sha: '3', size: 20 },
          { path: 'services/web/PORT.YML', type: 'blob', sha: '4', size: 20 },
          { path: 'big.json', type: 'blob', sha: '5', size: 2 * 1024 * 1024 },
        ],
      }))
      .on('GET /repos/{owner}/{repo}/contents/{path}', () => ({ type: 'file', encoding: 'base64', content: Buffer.from('name: api\n').toString('base64') }));

  it('finds files by glob, case-insensitively, parses YAML, and skips blobs over 1 MB', async () => {
    const files = (await all(fetchFiles(contextWith(fake()), { files: [{ path: '**/port.yml', repos: [{ name: 'api', branch: 'dev' }] }, { path: '*.json', repos: [{ name: 'api' }] }] }))).flat();

    expect(files.map((file) => [file['path'], file['branch'], file['content']])).toEqual([
      ['services/api/port.yml', 'dev', { name: 'api' }],
      ['services/web/PORT.YML', 'dev', { name: 'api' }],
    ]);
  });

  it('finds folders by glob', async () => {
    const folders = (await all(fetchFolders(contextWith(fake()), { folders: [{ path: 'services/*', repos: [{ name: 'api' }] }] }))).flat();

    expect(folders).toEqual([expect.objectContaining({ folder: expect.objectContaining({ path: 'services/api' }), __repository: 'api', __branch: 'main' })]);
  });

  it('parses JSON and YAML and leaves other files, or broken ones, as text', () => {
    expect(parseContent('a.json', '{"a":1}')).toEqual({ a: 1 });
    expect(parseContent('a.yaml', 'a: 1')).toEqual({ a: 1 });
    expect(parseContent('a.json', '{broken')).toBe('{broken');
    expect(parseContent('README.md', '# x')).toBe('# x');
  });
});

describe('repository-scoped listings, concurrent and with failing repositories', () => {
  const open = { number: 1, state: 'open', updated_at: daysAgo(1), closed_at: null };
  const repositories = ['a', 'b', 'broken', 'c', 'd'].map(repo);
  const withBrokenPulls = (error: Error) =>
    new FakeGithubClient().on('GET /orgs/{org}/repos', () => repositories).on('GET /repos/{owner}/{repo}/pulls', ({ repo: name }) => {
      if (name === 'broken') throw error;
      return [open];
    });
  const permission = (status: 403 | 404) => new GithubPermissionError(`GET /repos/acme/broken/pulls answered ${status}`, status, 'GET /repos/acme/broken/pulls', 'Pull requests: read');

  it.each([403, 404] as const)('reports a repository whose listing answers %s and lists every other repository', async (status) => {
    const failures: Array<{ repository: string; error: unknown }> = [];
    const context: FetchContext = { ...contextWith(withBrokenPulls(permission(status))), concurrency: 3, onRepositoryError: (repository, error) => failures.push({ repository: repository.name, error }) };

    const pulls = (await all(fetchPullRequests(context, {}, NOW))).flat();

    expect(pulls.map((pull) => pull.__repository).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(failures).toEqual([{ repository: 'broken', error: expect.objectContaining({ status }) }]);
  });

  it('fails the whole listing at a failing repository when nobody takes repository failures', async () => {
    await expect(all(fetchPullRequests({ ...contextWith(withBrokenPulls(permission(403))), concurrency: 3 }, {}, NOW))).rejects.toThrow('answered 403');
  });

  it.each([
    ['refused credentials', new GithubAuthenticationError('GET /repos/acme/broken/pulls answered 401', 401, 'GET /repos/acme/broken/pulls')],
    ['an exhausted rate limit', new GithubRateLimitError('GET /repos/acme/broken/pulls answered 403: still rate limited', 403, 'GET /repos/acme/broken/pulls')],
  ])('ends the listing at %s, which no other repository would get past either', async (_what, error) => {
    const failures: string[] = [];
    const context: FetchContext = { ...contextWith(withBrokenPulls(error)), concurrency: 3, onRepositoryError: (repository) => failures.push(repository.name) };

    await expect(all(fetchPullRequests(context, {}, NOW))).rejects.toBe(error);
    expect(failures).toEqual([]);
  });

  it('reads `concurrency` repositories at once, and one after another without it', async () => {
    const inFlight = { now: 0, max: 0 };
    const client = new FakeGithubClient().on('GET /orgs/{org}/repos', () => repositories).on('GET /repos/{owner}/{repo}/pulls', async () => {
      inFlight.max = Math.max(inFlight.max, (inFlight.now += 1));
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight.now -= 1;
      return [open];
    });

    await all(fetchPullRequests({ ...contextWith(client), concurrency: 3 }, {}, NOW));
    expect(inFlight.max).toBe(3);

    inFlight.max = 0;
    await all(fetchPullRequests(contextWith(client), {}, NOW));
    expect(inFlight.max).toBe(1);
  });

  it('leaves out a repository whose included files cannot be read, reports it, and enriches every other one', async () => {
    const failures: string[] = [];
    const client = new FakeGithubClient().on('GET /orgs/{org}/repos', () => repositories).on('GET /repos/{owner}/{repo}/contents/{path}', ({ repo: name }) => {
      if (name === 'broken') throw new GithubApiError('GET /repos/acme/broken/contents/README.md answered 500 5 times', 500, 'GET /repos/acme/broken/contents/README.md');
      return { type: 'file', encoding: 'base64', content: Buffer.from(`# ${String(name)}`).toString('base64') };
    });
    const context: FetchContext = { ...contextWith(client), concurrency: 2, onRepositoryError: (repository) => failures.push(repository.name) };

    const listed = (await all(fetchRepositories(context, { includedFiles: ['README.md'] }))).flat();

    expect(listed.map((repository) => [repository.name, repository['__includedFiles']]).sort()).toEqual(
      ['a', 'b', 'c', 'd'].map((name) => [name, { 'README.md': `# ${name}` }]),
    );
    expect(failures).toEqual(['broken']);
  });
});
