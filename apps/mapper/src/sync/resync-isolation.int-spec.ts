import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@glint/config';
import { createGithubAccess, GithubAccess, GithubInstallation } from '@glint/github';
import { JqEngine, MappingConfigSource } from '@glint/mapping';
import { MetricsRegistry } from '@glint/observability';
import { PublishChangesJob, PublishProducer } from '@glint/queue';
import { GithubSimulator, testServices } from '@glint/testing';
import { EntityMapping } from '../mapping/entity-mapping';
import { ResyncRunner } from './resync-runner';
import { SyncMetrics } from './sync-metrics';
import { SyncStatusStore } from './sync-status';

/** jq's time limit per object here: short, so the runaway costs the test little. */
const JQ_TIME_LIMIT_MS = 2_000;

/** Repositories, each mapped with a property that runs forever for `bad1` and fills jq's memory for `bad2`. */
const MAPPING = [
  'resources:',
  '  - kind: repository',
  '    selector:',
  "      query: 'true'",
  '    port:',
  '      entity:',
  '        mappings:',
  '          identifier: .name',
  '          title: .name',
  `          blueprint: '"githubRepository"'`,
  '          properties:',
  `            label: 'if .name == "bad1" then (def f: f; f) elif .name == "bad2" then range(1e12) else .name end'`,
  '',
].join('\n');

/**
 * A resync page of 100 repositories, two of whose mappings run away: the other 98 become entities on the publish
 * queue, and the resync's status (what the mapper's `GET /status` shows) names the two with their errors.
 */
describe('ResyncRunner with a runaway mapping in one page', () => {
  let sim: GithubSimulator;
  let jq: JqEngine;
  let redis: Redis;
  let access: GithubAccess;
  let installation: GithubInstallation;
  let producer: PublishProducer;
  let statusKey: string;

  beforeAll(async () => {
    jq = new JqEngine({ workers: 2, timeoutMs: JQ_TIME_LIMIT_MS });
    redis = new Redis(testServices.redisUrl, { maxRetriesPerRequest: null });
    sim = await GithubSimulator.start({ seed: 23, organizations: 1, reposPerOrg: 101, latencyMs: 60 });
    const [{ account }] = sim.installations();
    sim.createRepository(account.login, { name: 'bad1' });
    sim.createRepository(account.login, { name: 'bad2' });
    const settings = sim.state.repo(account.login, '.github-private');
    sim.push(account.login, '.github-private', { branch: settings?.defaultBranch ?? 'main', files: { '.github/port-app-config.yml': MAPPING } });
    const config = loadConfig({ APP_ID: String(sim.appId), PRIVATE_KEY: sim.appPrivateKeyPem, GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    access = createGithubAccess(config.github);
    [installation] = await access.installations();
    producer = new PublishProducer(redis, { prefix: `glint-test-${randomUUID()}` });
    statusKey = `glint-test:resync-status:${randomUUID()}`;
  });

  afterAll(async () => {
    await producer?.queue.obliterate({ force: true });
    await producer?.close();
    await redis?.del(statusKey);
    redis?.disconnect();
    await sim?.close();
    await jq?.close();
  });

  it('publishes the 98 entities whose mapping finished and names the 2 runaway objects with their errors in the status', async () => {
    const store = new SyncStatusStore(redis, statusKey);
    const runner = new ResyncRunner({
      access,
      mappingSource: new MappingConfigSource(jq),
      mapping: new EntityMapping(jq),
      producer,
      status: store,
      metrics: new SyncMetrics(new MetricsRegistry('mapper')),
      sendRawDataExamples: false,
    });

    const status = await runner.run(installation, 'test');

    const published = (await producer.queue.getJobs(['waiting']))
      .map((job) => job.data)
      .filter((job): job is PublishChangesJob => 'changes' in job)
      .flatMap((job) => job.changes)
      .flatMap((change) => (change.type === 'upsert' ? [change.entity] : []));
    expect(published).toHaveLength(98);
    expect(published.map((entity) => entity.identifier)).not.toEqual(expect.arrayContaining(['bad1']));
    expect(published.map((entity) => entity.identifier)).not.toEqual(expect.arrayContaining(['bad2']));
    expect(published.every((entity) => entity.properties?.['label'] === entity.identifier)).toBe(true);

    const [shown] = (await store.all()).filter((candidate) => candidate.syncId === status.syncId);
    expect(shown.state).toBe('completed');
    const [repositories] = shown.kinds;
    expect(repositories).toMatchObject({ kind: 'repository', objects: 100, entities: 98, mappingIssues: 2, objectsSkipped: 2 });
    const owner = installation.accountLogin;
    expect(repositories.skippedObjects).toEqual(
      expect.arrayContaining([
        { object: expect.stringMatching(new RegExp(`/${owner}/bad1$`)), path: 'resources[0].port.entity.mappings', error: `the jq program did not finish within ${JQ_TIME_LIMIT_MS} ms and was stopped` },
        {
          object: expect.stringMatching(new RegExp(`/${owner}/bad2$`)),
          path: 'resources[0].port.entity.mappings',
          // Whichever limit it reaches first: filling jq's memory takes a second or more, longer on a busy machine.
          error: expect.stringMatching(new RegExp(`^the jq program (ran out of memory \\(the jq engine's limit is 256 MB\\)|did not finish within ${JQ_TIME_LIMIT_MS} ms) and was stopped$`)),
        },
      ]),
    );
    expect(repositories.skippedObjects).toHaveLength(2);
  }, 30_000);
});
