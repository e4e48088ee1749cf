import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@glint/config';
import { createGithubAccess, GithubAccess, GithubInstallation } from '@glint/github';
import { JqEngine, MappingConfigSource } from '@glint/mapping';
import { MetricsRegistry } from '@glint/observability';
import { CompleteSyncJob, PublishChangesJob, PublishJob, PublishProducer } from '@glint/queue';
import { GithubSimulator, testServices } from '@glint/testing';
import { EntityMapping } from '../mapping/entity-mapping';
import { pushMappingFile, REPOSITORIES_AND_PULLS_MAPPING } from './repositories-and-pulls-mapping.spec-helper';
import { ResyncRunner } from './resync-runner';
import { SyncMetrics } from './sync-metrics';
import { SyncStatusStore } from './sync-status';

/** A repository's own mapping: other blueprints and identifiers than the organization's, and a kind it has no say over. */
const OWN_MAPPING = [
  'resources:',
  '  - kind: repository',
  '    selector:',
  "      query: 'true'",
  '    port:',
  '      entity:',
  '        mappings:',
  '          identifier: .name',
  '          title: .name',
  `          blueprint: '"ownRepository"'`,
  '  - kind: pull-request',
  '    selector:',
  "      query: 'true'",
  '    port:',
  '      entity:',
  '        mappings:',
  "          identifier: '\"own-\" + .__repository + \"-\" + (.number | tostring)'",
  '          title: .title',
  `          blueprint: '"ownPullRequest"'`,
  '  - kind: team',
  '    selector:',
  "      query: 'true'",
  '    port:',
  '      entity:',
  '        mappings:',
  '          identifier: .slug',
  `          blueprint: '"ownTeam"'`,
  '',
].join('\n');

/**
 * A resync of an organization where one repository has its own `.github/port-app-config.yml`, on the GitHub simulator
 * with GitHub-like latency: that repository's objects come from its own mapping only, every other one's from
 * `.github-private`'s, all under one sync id so the stale cleanup counts both.
 */
describe('ResyncRunner with a repository mapping of its own', () => {
  let sim: GithubSimulator;
  let jq: JqEngine;
  let redis: Redis;
  let access: GithubAccess;
  let installation: GithubInstallation;
  let producer: PublishProducer;
  let statusKey: string;
  /** The organization's repositories, each with an open pull request. */
  let repositories: string[];
  /** The repository with its own mapping. */
  let own: string;

  beforeAll(() => {
    jq = new JqEngine({ workers: 1 });
    redis = new Redis(testServices.redisUrl, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    await jq?.close();
    redis?.disconnect();
  });

  beforeEach(async () => {
    sim = await GithubSimulator.start({ seed: 23, organizations: 1, reposPerOrg: 3, latencyMs: 50 });
    const [{ account }] = sim.installations();
    pushMappingFile(sim, account.login, '.github-private', REPOSITORIES_AND_PULLS_MAPPING);
    const config = loadConfig({ APP_ID: String(sim.appId), PRIVATE_KEY: sim.appPrivateKeyPem, GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    access = createGithubAccess(config.github);
    [installation] = await access.installations();
    repositories = [];
    for await (const page of access.clientFor(installation.id).paginate<{ name: string }>('GET /orgs/{org}/repos', { org: account.login, type: 'all' })) {
      repositories.push(...page.map((repository) => repository.name));
    }
    own = repositories.find((name) => name !== '.github-private') ?? '';
    for (const name of repositories) sim.openPullRequest(account.login, name, { title: `Own mapping test ${name}` });
    producer = new PublishProducer(redis, { prefix: `glint-test-${randomUUID()}` });
    statusKey = `glint-test:resync-status:${randomUUID()}`;
  });

  afterEach(async () => {
    await producer?.queue.obliterate({ force: true });
    await producer?.close();
    await redis.del(statusKey);
    await sim?.close();
  });

  function pushOwnMapping(text: string): void {
    pushMappingFile(sim, installation.accountLogin, own, text);
  }

  function runner(): ResyncRunner {
    return new ResyncRunner({
      access,
      mappingSource: new MappingConfigSource(jq),
      mapping: new EntityMapping(jq),
      producer,
      status: new SyncStatusStore(redis, statusKey),
      metrics: new SyncMetrics(new MetricsRegistry('mapper')),
      sendRawDataExamples: false,
      githubConcurrency: 4,
    });
  }

  async function queued(): Promise<PublishJob[]> {
    return (await producer.queue.getJobs(['waiting'])).map((job) => job.data);
  }

  /** The identifiers upserted under each blueprint, sorted. */
  async function published(): Promise<Record<string, string[]>> {
    const byBlueprint: Record<string, string[]> = {};
    const jobs = (await queued()).filter((job): job is PublishChangesJob => 'changes' in job);
    for (const change of jobs.flatMap((job) => job.changes)) {
      if (change.type === 'upsert') (byBlueprint[change.entity.blueprint] ??= []).push(String(change.entity.identifier));
    }
    for (const identifiers of Object.values(byBlueprint)) identifiers.sort();
    return byBlueprint;
  }

  async function completions(): Promise<CompleteSyncJob[]> {
    return (await queued()).filter((job): job is CompleteSyncJob => 'complete' in job);
  }

  it("maps the repository with its own mapping and every other repository with .github-private's, in one complete sync", async () => {
    pushOwnMapping(OWN_MAPPING);

    const status = await runner().run(installation, 'test');

    expect(status).toMatchObject({ state: 'completed', errors: [] });
    const others = repositories.filter((name) => name !== own).sort();
    const entities = await published();
    expect(entities['githubRepository']).toEqual(others);
    expect(entities['ownRepository']).toEqual([own]);
    // Every repository has the pull request opened above (and maybe the simulator's own).
    expect(repositoriesOf(entities['githubPullRequest'])).toEqual(others);
    expect(repositoriesOf(entities['ownPullRequest'])).toEqual([`own-${own}`]);
    // A repository's mapping has no say over the organization's own kinds.
    expect(entities['ownTeam']).toBeUndefined();
    expect(status.repositoryMappings).toEqual({
      own: [{ repository: own, file: `${installation.accountLogin}/${own}:.github/port-app-config.yml`, ignoredResources: ['resources[2] (team)'] }],
      unusable: [],
    });
    expect(status.kinds.filter((kind) => kind.repository === own)).toEqual([
      expect.objectContaining({ kind: 'repository', entities: 1 }),
      expect.objectContaining({ kind: 'pull-request', entities: entities['ownPullRequest']?.length }),
    ]);
    expect(await completions()).toEqual([expect.objectContaining({ syncId: status.syncId, complete: true })]);
    const syncIds = new Set((await queued()).map((job) => ('syncId' in job ? job.syncId : undefined)));
    expect([...syncIds]).toEqual([status.syncId]);
  });

  it('leaves a repository whose own mapping is invalid out, names the file and its problem, and keeps its entities by not completing', async () => {
    pushOwnMapping('resources:\n  - kind: nope\n');

    const status = await runner().run(installation, 'test');

    expect(status.state).toBe('failed');
    const file = `${installation.accountLogin}/${own}:.github/port-app-config.yml`;
    expect(status.errors).toEqual([
      expect.stringMatching(new RegExp(`^${file.replace(/[./]/g, '\\$&')} is not a valid mapping:\\n {2}- resources\\[0\\]\\.kind \\(line 2\\): unknown kind "nope".*repository ${own} is left out of this resync and keeps its entities until ${file.replace(/[./]/g, '\\$&')} is fixed$`, 's')),
    ]);
    expect(status.repositoryMappings?.unusable).toEqual([{ repository: own, file, error: expect.stringContaining('unknown kind "nope"') }]);
    const entities = await published();
    // Neither mapping maps it: the organization's would make entities its own mapping never made.
    expect(entities['githubRepository']).not.toContain(own);
    expect(repositoriesOf(entities['githubPullRequest'])).toEqual(repositories.filter((name) => name !== own).sort());
    expect(entities['githubRepository']).toEqual(repositories.filter((name) => name !== own).sort());
    expect(await completions()).toEqual([expect.objectContaining({ syncId: status.syncId, complete: false })]);
  });
});

/** The repositories pull request identifiers (`<repository>-<number>`) name, each once, sorted. */
function repositoriesOf(identifiers: readonly string[] | undefined): string[] {
  return [...new Set((identifiers ?? []).map((identifier) => identifier.replace(/-\d+$/, '')))].sort();
}
