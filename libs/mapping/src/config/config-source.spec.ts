import { GithubPermissionError, GithubRestClient } from '@glint/github';
import { JqEngine } from '../jq/jq-engine';
import { MappingConfigError, MappingConfigSource, PushSummary } from './config-source';

const mapping = (blueprint: string) => `resources:
  - kind: repository
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .name
          blueprint: '"${blueprint}"'
`;

/** Contents API over an in-memory file set; counts reads so caching can be seen. */
class FileClient implements GithubRestClient {
  reads = 0;
  constructor(readonly files: Map<string, string>) {}

  async request<T>(route: string, params: Record<string, unknown> = {}): Promise<T> {
    this.reads += 1;
    const text = this.files.get(`${params['owner']}/${params['repo']}:${params['path']}`);
    if (text === undefined) throw new GithubPermissionError('Not Found', 404, route, undefined);
    return { type: 'file', encoding: 'base64', content: Buffer.from(text).toString('base64') } as T;
  }

  // eslint-disable-next-line require-yield
  async *paginate<T>(): AsyncIterable<T[]> {
    throw new Error('not used');
  }
}

const push = (overrides: Partial<PushSummary>): PushSummary => ({ owner: 'acme', repository: '.github-private', ref: 'refs/heads/main', defaultBranch: 'main', changedPaths: [], ...overrides });
const blueprintOf = async (loaded: Promise<{ config: { resources: Array<{ port: { entity: { mappings: { blueprint: string } } } }> } }>) =>
  (await loaded).config.resources[0].port.entity.mappings.blueprint;

describe('MappingConfigSource', () => {
  let jq: JqEngine;

  beforeAll(() => {
    jq = new JqEngine({ workers: 1 });
  });

  afterAll(() => jq.close());

  it('reads the organization mapping from .github-private, at the root or under .github/', async () => {
    const sut = new MappingConfigSource(jq);

    const root = await sut.forOrganization(new FileClient(new Map([['acme/.github-private:port-app-config.yml', mapping('root')]])), 'acme');
    const nested = await new MappingConfigSource(jq).forOrganization(new FileClient(new Map([['acme/.github-private:.github/port-app-config.yml', mapping('nested')]])), 'acme');

    expect(root.source).toEqual({ kind: 'organization', file: 'acme/.github-private:port-app-config.yml' });
    expect(await blueprintOf(Promise.resolve(root))).toBe('"root"');
    expect(await blueprintOf(Promise.resolve(nested))).toBe('"nested"');
  });

  it('lets a repository’s own .github/port-app-config.yml override the organization’s', async () => {
    const client = new FileClient(new Map([['acme/.github-private:port-app-config.yml', mapping('org')], ['acme/api:.github/port-app-config.yml', mapping('own')]]));
    const sut = new MappingConfigSource(jq);

    expect(await blueprintOf(sut.forRepository(client, 'acme', 'api'))).toBe('"own"');
    expect(await blueprintOf(sut.forRepository(client, 'acme', 'web'))).toBe('"org"');
  });

  it('falls back to the shipped default when there is no mapping file', async () => {
    const loaded = await new MappingConfigSource(jq).forOrganization(new FileClient(new Map()), 'acme');

    expect(loaded.source).toEqual({ kind: 'default' });
    expect(loaded.config.resources.map((resource) => resource.kind)).toEqual(['organization', 'repository', 'pull-request']);
  });

  it('refuses an invalid file with its problems instead of falling back to the default', async () => {
    const client = new FileClient(new Map([['acme/.github-private:port-app-config.yml', 'resources:\n  - kind: nope\n']]));

    await expect(new MappingConfigSource(jq).forOrganization(client, 'acme')).rejects.toThrow(MappingConfigError);
    await expect(new MappingConfigSource(jq).forOrganization(client, 'acme')).rejects.toThrow(/acme\/\.github-private:port-app-config\.yml is not a valid mapping:\n {2}- resources\[0\]\.kind \(line 2\): unknown kind "nope"/);
  });

  it('caches per organization until a push to the default branch changes a mapping file', async () => {
    const files = new Map([['acme/.github-private:port-app-config.yml', mapping('v1')]]);
    const client = new FileClient(files);
    const sut = new MappingConfigSource(jq);
    await sut.forOrganization(client, 'acme');
    await sut.forOrganization(client, 'ACME');
    expect(client.reads).toBe(1);

    files.set('acme/.github-private:port-app-config.yml', mapping('v2'));
    expect(sut.invalidate(push({ ref: 'refs/heads/feature', changedPaths: ['port-app-config.yml'] }))).toBe(false);
    expect(sut.invalidate(push({ changedPaths: ['README.md'] }))).toBe(false);
    expect(await blueprintOf(sut.forOrganization(client, 'acme'))).toBe('"v1"');

    expect(sut.invalidate(push({ changedPaths: ['port-app-config.yml'] }))).toBe(true);
    expect(await blueprintOf(sut.forOrganization(client, 'acme'))).toBe('"v2"');
  });

  it('invalidates one repository when its own mapping changes', async () => {
    const files = new Map([['acme/api:.github/port-app-config.yml', mapping('v1')]]);
    const client = new FileClient(files);
    const sut = new MappingConfigSource(jq);
    await sut.forRepository(client, 'acme', 'api');
    files.set('acme/api:.github/port-app-config.yml', mapping('v2'));

    expect(sut.invalidate(push({ repository: 'api', changedPaths: ['.github/port-app-config.yml'] }))).toBe(true);
    expect(await blueprintOf(sut.forRepository(client, 'acme', 'api'))).toBe('"v2"');
  });

  it('decides a repository’s mapping from a text read beforehand, without reading the file again, and remembers it', async () => {
    const client = new FileClient(new Map([['acme/.github-private:port-app-config.yml', mapping('org')]]));
    const sut = new MappingConfigSource(jq);

    const own = await sut.forRepository(client, 'acme', 'api', mapping('own'));
    const none = await sut.forRepository(client, 'acme', 'web', null);

    expect(own.source).toEqual({ kind: 'repository', file: 'acme/api:.github/port-app-config.yml' });
    expect(await blueprintOf(Promise.resolve(own))).toBe('"own"');
    expect(none.source.kind).toBe('organization');
    const readsBefore = client.reads;
    expect(await blueprintOf(sut.forRepository(client, 'acme', 'api'))).toBe('"own"');
    expect(client.reads).toBe(readsBefore);
  });

  it('names the repository’s own file and its problem when that file is invalid, instead of mapping with the organization’s', async () => {
    const client = new FileClient(new Map([['acme/.github-private:port-app-config.yml', mapping('org')]]));

    await expect(new MappingConfigSource(jq).forRepository(client, 'acme', 'api', 'resources:\n  - kind: nope\n')).rejects.toThrow(
      /^acme\/api:\.github\/port-app-config\.yml is not a valid mapping:\n {2}- resources\[0\]\.kind \(line 2\): unknown kind "nope"/,
    );
  });

  it('maps .github-private’s own objects with the organization’s mapping, which its .github/port-app-config.yml is', async () => {
    const client = new FileClient(new Map([['acme/.github-private:.github/port-app-config.yml', mapping('org')]]));

    const loaded = await new MappingConfigSource(jq).forRepository(client, 'acme', '.github-private');

    expect(loaded.source).toEqual({ kind: 'organization', file: 'acme/.github-private:.github/port-app-config.yml' });
  });
});
