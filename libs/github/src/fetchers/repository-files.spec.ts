import { GithubApiError } from '../client';
import { FakeGithubClient } from './fake-github-client.spec-helper';
import type { FetchContext } from './fetch-context';
import { fetchPullRequests } from './pull-requests';
import { fetchRepositories, Repository } from './repositories';
import { fetchFileOfEachRepository } from './repository-files';

const repo = (name: string): Repository => ({ name, full_name: `acme/${name}`, default_branch: 'main', owner: { login: 'acme' } });
const MAPPING_PATH = '.github/port-app-config.yml';

async function all<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const collected: T[] = [];
  for await (const page of pages) collected.push(...page);
  return collected;
}

/** An organization of api, web and docs, where api alone has the file. */
function organization(): FakeGithubClient {
  return new FakeGithubClient()
    .on('GET /orgs/{org}/repos', () => [repo('api'), repo('web'), repo('docs')])
    .on('GET /repos/{owner}/{repo}/pulls', ({ repo: name }) => [{ number: 1, title: `${String(name)} change`, state: 'open', updated_at: '2026-11-20T00:00:00Z' }])
    .on('GET /repos/{owner}/{repo}/contents/{path}', ({ repo: name, path }) => {
      if (name === 'docs') throw new GithubApiError('docs answered 502', 502, 'GET /repos/{owner}/{repo}/contents/{path}');
      if (name !== 'api' || path !== MAPPING_PATH) throw new (jest.requireActual('../client').GithubPermissionError)('missing', 404, 'x', undefined);
      return { type: 'file', encoding: 'base64', content: Buffer.from('resources: []\n').toString('base64') };
    });
}

describe('fetchFileOfEachRepository', () => {
  it("reads the file of every repository from its default branch, null where it has none, and reports a repository whose read fails", async () => {
    const client = organization();
    const failed: string[] = [];
    const context: FetchContext = { client, organization: 'acme', concurrency: 2, onRepositoryError: (repository) => failed.push(repository.name) };

    const files = await all(fetchFileOfEachRepository(context, MAPPING_PATH, 'all'));

    expect(files.map(({ repository, text }) => [repository.name, text]).sort()).toEqual([
      ['api', 'resources: []\n'],
      ['web', null],
    ]);
    expect(failed).toEqual(['docs']);
    expect(client.calls.filter((call) => call.route.endsWith('/contents/{path}')).map((call) => call.params)).toContainEqual({ owner: 'acme', repo: 'api', path: MAPPING_PATH, ref: 'main' });
  });
});

describe('listings narrowed to some repositories', () => {
  it('leaves out the repositories skipsRepository names, for the repository kind and the repository-scoped ones alike', async () => {
    const client = organization();
    const context: FetchContext = { client, organization: 'acme', skipsRepository: (repository) => repository.name === 'api' };

    expect((await all(fetchRepositories(context))).map((repository) => repository.name)).toEqual(['web', 'docs']);
    expect((await all(fetchPullRequests(context, { states: ['open'] }))).map((pull) => pull.__repository)).toEqual(['web', 'docs']);
    expect(client.calls.filter((call) => call.params['repo'] === 'api')).toEqual([]);
  });

  it('lists only context.repositories, without listing the organization, when a repository is synced with its own mapping', async () => {
    const client = organization();
    const context: FetchContext = { client, organization: 'acme', repositories: [repo('api')] };

    expect((await all(fetchRepositories(context))).map((repository) => repository.name)).toEqual(['api']);
    expect(client.calls.map((call) => call.route)).not.toContain('GET /orgs/{org}/repos');
  });
});
