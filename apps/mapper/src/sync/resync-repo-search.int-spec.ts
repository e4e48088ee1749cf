import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@glint/config';
import { createGithubAccess } from '@glint/github';
import { JqEngine, MappingConfigSource } from '@glint/mapping';
import { MetricsRegistry } from '@glint/observability';
import { CompleteSyncJob, PublishChangesJob, PublishJob, PublishProducer } from '@glint/queue';
import { GithubSimulator, testServices } from '@glint/testing';
import { EntityMapping } from '../mapping/entity-mapping';
import { ResyncRunner } from './resync-runner';
import { SyncMetrics } from './sync-metrics';
import { SyncStatusStore } from './sync-status';

const mappingWithSearch = (query: string) => `resources:
  - kind: repository
    selector:
      query: 'true'
      repoSearch:
        query: '${query}'
    port:
      entity:
        mappings:
          identifier: .name
          title: .name
          blueprint: '"githubRepository"'
`;

/**
 * A `repoSearch` matching more repositories than GitHub's search returns (1,000): the resync syncs the 1,000, says
 * why the rest are missing and how to fix the query, and counts as incomplete, so no entity is deleted for them.
 */
describe('a resync whose repoSearch matches more than GitHub’s search returns', () => {
  let sim: GithubSimulator;
  let jq: JqEngine;
  let redis: Redis;
  let producer: PublishProducer;
  let statusKey: string;

  beforeAll(async () => {
    jq = new JqEngine({ workers: 1 });
    redis = new Redis(testServices.redisUrl, { maxRetriesPerRequest: null });
    // A small latency: a resync reads each of the 1,020 repositories once for its own mapping file, which at GitHub's
    // latency would take a minute; the search listing itself is tested at GitHub's latency in libs/github.
    sim = await GithubSimulator.start({ seed: 5, organizations: 1, reposPerOrg: 1_020, latencyMs: 5 });
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

  async function resyncWith(mapping: string) {
    const [{ account }] = sim.installations();
    sim.push(account.login, '.github-private', { branch: 'main', files: { '.github/port-app-config.yml': mapping } });
    const config = loadConfig({ APP_ID: String(sim.appId), PRIVATE_KEY: sim.appPrivateKeyPem, GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    const access = createGithubAccess(config.github, { clock: { now: () => sim.now() } });
    const [installation] = await access.installations();
    await producer.queue.obliterate({ force: true });
    const runner = new ResyncRunner({
      access,
      mappingSource: new MappingConfigSource(jq),
      mapping: new EntityMapping(jq),
      producer,
      status: new SyncStatusStore(redis, statusKey),
      metrics: new SyncMetrics(new MetricsRegistry('mapper')),
      sendRawDataExamples: false,
    });
    const status = await runner.run(installation, 'test');
    const jobs: PublishJob[] = (await producer.queue.getJobs(['waiting'])).map((job) => job.data);
    const upserts = jobs.filter((job): job is PublishChangesJob => 'changes' in job).flatMap((job) => job.changes).filter((change) => change.type === 'upsert');
    const completions = jobs.filter((job): job is CompleteSyncJob => 'complete' in job);
    return { status, upserts, completions };
  }

  it('syncs the first 1,000, names the cause and the fix in the status, and deletes nothing', async () => {
    const { status, upserts, completions } = await resyncWith(mappingWithSearch('fork:true'));

    // The search answers the organization's repositories in name order; archived ones are not catalogued.
    const firstThousand = (sim.state.organizations[0]?.repos ?? []).slice(0, 1_000).filter((repo) => !repo.archived);
    expect(upserts.map((change) => change.entity.identifier).sort()).toEqual(firstThousand.map((repo) => repo.name).sort());
    expect(status.state).toBe('failed');
    expect(status.errors).toEqual([expect.stringMatching(/repoSearch "fork:true" matches 1021 repositories of .*first 1000 only: narrow the query/)]);
    expect(status.kinds[0].error).toMatch(/narrow the query/);
    expect(completions).toEqual([expect.objectContaining({ complete: false })]);
  });

  it('completes a search GitHub answers in full', async () => {
    const { status, upserts, completions } = await resyncWith(mappingWithSearch('github-private in:name'));

    expect(status).toMatchObject({ state: 'completed', errors: [] });
    expect(upserts.length).toBeLessThan(1_000);
    expect(completions).toEqual([expect.objectContaining({ complete: true })]);
  });
});
