import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startCatalog } from '@glint/catalog';
import { CatalogClient, DEFAULT_MAX_ATTEMPTS, StoredEntity } from '@glint/catalog-client';
import type { GlintConfig } from '@glint/config';
import { startPublisher } from '@glint/publisher';
import { DeadLetterQueues, EntityChange, PUBLISH_JOB_ATTEMPTS, PublishChangesJob, PublishProducer, QueueName, QueueOverview } from '@glint/queue';
import type { RunningService } from '@glint/runtime';
import { createTemporaryDatabase, FaultInjectingProxy, PrivateRedisServer, TemporaryDatabase, testConfig, waitFor } from '@glint/testing';

const BLUEPRINT = 'outagePullRequest';
const settings = { merge: true, createMissingRelatedEntities: true, deleteDependentEntities: true };
/** Catalog requests the old policy made for one job before it left the job in the failed set: 6 job attempts × 8 tries. */
const OLD_GIVE_UP_REQUESTS_PER_JOB = PUBLISH_JOB_ATTEMPTS * DEFAULT_MAX_ATTEMPTS;

/**
 * The catalog down (connections dropped, 503s) while pull requests change, for longer than the old retry policy
 * survived. The publisher runs the production code path with compressed timings: the client's own tries and the
 * publish job's wait for the catalog are options of the publisher, as production sets them.
 */
describe('the publisher through a catalog outage longer than the old give-up horizon, on a real Redis, Postgres and the embedded catalog', () => {
  let redis: PrivateRedisServer;
  let database: TemporaryDatabase;
  let proxy: FaultInjectingProxy;
  let config: GlintConfig;
  let catalog: RunningService;
  let publisher: RunningService;
  let inspector: Redis;
  let producer: PublishProducer;
  let overview: QueueOverview;
  let deadLetters: DeadLetterQueues;
  let direct: CatalogClient;
  let clock = Date.parse('2026-02-01T00:00:00Z');

  const observed = () => new Date((clock += 1000)).toISOString();
  const pullRequest = (number: number, title: string, observedAt = observed()): EntityChange => ({
    type: 'upsert',
    entity: { identifier: `acme/api/pr-${number}`, blueprint: BLUEPRINT, title, properties: { state: 'open' } },
    observedAt,
  });
  const changesJob = (changes: EntityChange[]): PublishChangesJob => ({ installationId: '3001', origin: 'exporter', settings, changes });

  async function catalogEntities(): Promise<Map<string, StoredEntity>> {
    const entities = await direct.searchEntities({ combinator: 'and', rules: [{ property: '$blueprint', operator: '=', value: BLUEPRINT }] });
    return new Map(entities.map((entity) => [entity.identifier, entity]));
  }

  async function publisherMetric(name: string): Promise<number> {
    const text = await (await fetch(`${publisher.url}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `));
    return Number(line?.split(' ').pop());
  }

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    database = await createTemporaryDatabase('catalog_outage');
    catalog = await startCatalog(await testConfig({ REDIS_URL: redis.url, DATABASE_URL: database.url }, ['catalog']));
    proxy = new FaultInjectingProxy(catalog.url);
    config = await testConfig({ REDIS_URL: redis.url, DATABASE_URL: database.url, PORT_URL: await proxy.start(), LOG_LEVEL: 'fatal' }, ['publisher']);
    publisher = await startPublisher(config, {
      catalog: { maxAttempts: 2, backoffBaseMs: 10, maxBackoffMs: 20, requestTimeoutMs: 5_000 },
      catalogRetry: { initialDelayMs: 20, maxDelayMs: 250, reminderEveryMs: 2_000 },
      failedJobSweepMs: 500,
    });
    inspector = new Redis(redis.url, { maxRetriesPerRequest: null });
    producer = new PublishProducer(inspector);
    overview = new QueueOverview(inspector, { partitions: config.events.partitions });
    deadLetters = new DeadLetterQueues(inspector, { partitions: config.events.partitions });
    direct = new CatalogClient({ baseUrl: catalog.url, clientId: config.catalog.clientId, clientSecret: config.catalog.clientSecret });
    const token = (await (
      await fetch(`${catalog.url}/v1/auth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: config.catalog.clientId, clientSecret: config.catalog.clientSecret.reveal() }),
      })
    ).json()) as { accessToken: string };
    const created = await fetch(`${catalog.url}/v1/blueprints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.accessToken}` },
      body: JSON.stringify({ identifier: BLUEPRINT, title: 'Outage pull request', schema: { properties: { state: { type: 'string' } }, required: [] } }),
    });
    expect(created.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await deadLetters?.close();
    await overview?.close();
    await producer?.close();
    inspector?.disconnect();
    await publisher?.app.close();
    await proxy?.stop();
    await catalog?.app.close();
    await database?.drop();
    await redis?.destroy();
  });

  it('keeps every change through the outage, in order, none in a failed set or dead-lettered, and shows the outage while it lasts', async () => {
    // Down: every request, the token request included, gets no answer or a 503.
    proxy.inject(({ count }) => (count % 2 === 0 ? { status: 0 } : { status: 503 }));
    proxy.resetCounts();
    const olderTitleOfPr1 = pullRequest(1, 'first draft', new Date(clock - 60_000).toISOString());
    const jobs = [
      changesJob([pullRequest(1, 'Add the outage test')]),
      changesJob([pullRequest(2, 'Retry for ever')]),
      changesJob([pullRequest(3, 'Count the backlog')]),
      changesJob([pullRequest(1, 'Add the outage test (reviewed)')]),
      changesJob([{ type: 'delete', blueprint: BLUEPRINT, identifier: 'acme/api/pr-3', observedAt: observed() }]),
      // Queued last, observed first: it must not overwrite the newer title whatever order the jobs end in.
      changesJob([olderTitleOfPr1]),
    ];
    for (const job of jobs) await producer.publishChanges(job);

    const refused = () => [...proxy.faults.values()].reduce((sum, count) => sum + count, 0);
    // Longer than the old policy survived: it made 48 catalog requests per job, then left the job failed for good.
    await waitFor(`more than ${OLD_GIVE_UP_REQUESTS_PER_JOB * 3} refused catalog requests`, async () => (refused() > OLD_GIVE_UP_REQUESTS_PER_JOB * 3 ? true : undefined), 60_000);

    expect(proxy.forwardedMatching(/./)).toBe(0);
    expect(await producer.queue.getFailedCount()).toBe(0);
    expect(await overview.deadLetterCounts()).toEqual({ events: 0, publish: 0, jobs: 0 });
    expect(await publisherMetric('glint_catalog_available')).toBe(0);
    expect(await publisherMetric('glint_catalog_outage_seconds')).toBeGreaterThan(0);
    expect(await publisherMetric('glint_catalog_unavailable_retries_total')).toBeGreaterThan(PUBLISH_JOB_ATTEMPTS * 3);
    const duringOutage = await overview.publishBacklog();
    expect(duringOutage).toMatchObject({ depth: jobs.length, catalog: { state: 'unavailable', lastError: expect.stringMatching(/could not reach the catalog|answered 503/) } });
    expect(duringOutage.catalog.outageSeconds).toBeGreaterThanOrEqual(0);

    proxy.inject(() => undefined);

    await waitFor('the publish queue to drain', async () => ((await overview.publishBacklog()).depth === 0 ? true : undefined), 60_000);
    const entities = await catalogEntities();
    expect([...entities.keys()].sort()).toEqual(['acme/api/pr-1', 'acme/api/pr-2']);
    expect(entities.get('acme/api/pr-1')?.title).toBe('Add the outage test (reviewed)');
    expect(await producer.queue.getFailedCount()).toBe(0);
    expect(await overview.deadLetterCounts()).toEqual({ events: 0, publish: 0, jobs: 0 });
    expect(await publisherMetric('glint_catalog_available')).toBe(1);
    expect(await publisherMetric('glint_catalog_outage_seconds')).toBe(0);
    expect((await overview.publishBacklog()).catalog).toMatchObject({ state: 'available' });
  }, 150_000);

  it('hands a job waiting for the catalog back to the queue when the publisher stops, and the next publisher publishes it', async () => {
    proxy.inject(() => ({ status: 0 }));
    const retriesBefore = await publisherMetric('glint_catalog_unavailable_retries_total');
    const jobId = await producer.publishChanges(changesJob([pullRequest(4, 'Survive a restart')]));
    await waitFor('the job to wait for the catalog', async () => ((await publisherMetric('glint_catalog_unavailable_retries_total')) > retriesBefore + 2 ? true : undefined), 30_000);

    await publisher.app.close();

    expect(await producer.queue.getJobState(jobId)).toBe('delayed');
    proxy.inject(() => undefined);
    publisher = await startPublisher(config, { catalogRetry: { initialDelayMs: 20, maxDelayMs: 250 }, failedJobSweepMs: 500 });
    await waitFor('the job to be published by the next publisher', async () => ((await producer.queue.getJobState(jobId)) === 'completed' ? true : undefined), 30_000);
    expect((await catalogEntities()).get('acme/api/pr-4')?.title).toBe('Survive a restart');
  }, 90_000);

  it('moves a publish job that fails for another reason than the catalog to publish-dlq, named by glint dlq, instead of leaving it failed', async () => {
    const queue = new Queue(QueueName.Publish, { connection: inspector, prefix: 'glint' });
    try {
      await queue.add('rebuild-index', { installationId: '3001' }, { jobId: 'rebuild-1', attempts: 1 });

      const letters = await waitFor('the failed job in publish-dlq', async () => {
        const listed = await deadLetters.list(['publish'], { id: 'rebuild-1' });
        return listed.length === 1 ? listed : undefined;
      });

      expect(letters[0]).toMatchObject({ kind: 'job', subject: 'rebuild-index job rebuild-1 of publish (1 attempt)', error: 'unknown publish job "rebuild-index"' });
      expect(await queue.getFailedCount()).toBe(0);
    } finally {
      await queue.close();
    }
  });
});
