import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { startCatalog } from '@glint/catalog';
import { CatalogClient, StoredEntity } from '@glint/catalog-client';
import type { GlintConfig } from '@glint/config';
import { startPublisher } from '@glint/publisher';
import { CompleteSyncJob, EntityChange, PublishChangesJob, PublishProducer, QueueName } from '@glint/queue';
import type { RunningService } from '@glint/runtime';
import { createTemporaryDatabase, FaultInjectingProxy, PrivateRedisServer, TemporaryDatabase, testConfig, waitFor } from '@glint/testing';

const BLUEPRINT = 'publisherTestService';
const settings = { merge: true, createMissingRelatedEntities: true, deleteDependentEntities: true };

describe('the publisher writing to the embedded catalog, on a real Redis and Postgres', () => {
  let redis: PrivateRedisServer;
  let database: TemporaryDatabase;
  let proxy: FaultInjectingProxy;
  let config: GlintConfig;
  let catalog: RunningService;
  let publisher: RunningService;
  let producer: PublishProducer;
  let events: QueueEvents;
  let direct: CatalogClient;
  let inspector: Redis;
  let clock = Date.parse('2026-01-01T00:00:00Z');

  const observed = () => new Date((clock += 1000)).toISOString();
  /** A resync starts after everything observed so far, and observes after it starts. */
  const syncStart = () => new Date((clock += 500)).toISOString();
  const service = (identifier: string, replicas = 1, relations: Record<string, unknown> = {}): EntityChange => ({
    type: 'upsert',
    entity: { identifier, blueprint: BLUEPRINT, title: identifier, properties: { replicas, tier: 'gold' }, relations },
    observedAt: observed(),
  });
  const removal = (identifier: string): EntityChange => ({ type: 'delete', blueprint: BLUEPRINT, identifier, observedAt: observed() });
  const changesJob = (changes: EntityChange[], extra: Partial<PublishChangesJob> = {}): PublishChangesJob => ({ installationId: '1001', origin: 'exporter', settings, changes, ...extra });

  async function publish(job: PublishChangesJob): Promise<unknown> {
    const id = await producer.publishChanges(job);
    const added = await producer.queue.getJob(id);
    return added?.waitUntilFinished(events, 60_000);
  }

  async function completeSync(job: Omit<CompleteSyncJob, 'installationId' | 'settings' | 'errors' | 'complete'> & Partial<CompleteSyncJob>): Promise<Record<string, unknown>> {
    await producer.completeSync({ installationId: '1001', settings, errors: [], complete: true, ...job });
    const added = await producer.queue.getJob(`complete-sync-${job.syncId}`);
    return (await added?.waitUntilFinished(events, 60_000)) as Record<string, unknown>;
  }

  async function catalogEntities(): Promise<Map<string, StoredEntity>> {
    const entities = await direct.searchEntities({ combinator: 'and', rules: [{ property: '$blueprint', operator: '=', value: BLUEPRINT }] });
    return new Map(entities.map((entity) => [entity.identifier, entity]));
  }

  async function clearCatalog(): Promise<void> {
    const identifiers = [...(await catalogEntities()).keys()];
    if (identifiers.length) await direct.deleteEntities(BLUEPRINT, identifiers, { owner: { installation: 'test', origin: 'exporter' }, deleteDependents: true });
  }

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    database = await createTemporaryDatabase('publisher_catalog');
    const catalogConfig = await testConfig({ REDIS_URL: redis.url, DATABASE_URL: database.url }, ['catalog']);
    catalog = await startCatalog(catalogConfig);
    proxy = new FaultInjectingProxy(catalog.url);
    config = await testConfig({ REDIS_URL: redis.url, DATABASE_URL: database.url, PORT_URL: await proxy.start() }, ['publisher']);
    publisher = await startPublisher(config, { catalog: { backoffBaseMs: 20, maxBackoffMs: 200, maxAttempts: 10 } });
    inspector = new Redis(redis.url);
    producer = new PublishProducer(inspector);
    events = new QueueEvents(QueueName.Publish, { connection: { host: '127.0.0.1', port: Number(new URL(redis.url).port) }, prefix: 'glint' });
    await events.waitUntilReady();
    direct = new CatalogClient({ baseUrl: catalog.url, clientId: config.catalog.clientId, clientSecret: config.catalog.clientSecret });
    const token = (await (await fetch(`${catalog.url}/v1/auth/access_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: config.catalog.clientId, clientSecret: config.catalog.clientSecret.reveal() }) })).json()) as { accessToken: string };
    const created = await fetch(`${catalog.url}/v1/blueprints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.accessToken}` },
      body: JSON.stringify({
        identifier: BLUEPRINT,
        title: 'Publisher test service',
        schema: { properties: { replicas: { type: 'number' }, tier: { type: 'string', enum: ['gold', 'silver'] } }, required: [] },
        relations: { dependsOn: { target: BLUEPRINT, many: true, required: false } },
      }),
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await events?.close();
    await producer?.close();
    inspector?.disconnect();
    await publisher?.app.close();
    await proxy?.stop();
    await catalog?.app.close();
    await database?.drop();
    await redis?.destroy();
  });

  beforeEach(() => {
    proxy.inject(() => undefined);
    proxy.resetCounts();
  });

  it('creates new entities in one bulk call', async () => {
    await publish(changesJob([service('svc-a'), service('svc-b'), service('svc-c')]));

    const entities = await catalogEntities();
    expect([...entities.keys()].sort()).toEqual(['svc-a', 'svc-b', 'svc-c']);
    expect(entities.get('svc-a')?.properties).toMatchObject({ replicas: 1, tier: 'gold' });
    expect(proxy.forwardedMatching(/entities\/bulk$/)).toBe(1);
  });

  it('updates a changed entity and makes no call at all for unchanged ones', async () => {
    await publish(changesJob([service('svc-a', 3), service('svc-b'), service('svc-c')]));

    expect((await catalogEntities()).get('svc-a')?.properties?.['replicas']).toBe(3);
    expect(proxy.forwardedMatching(/entities\/bulk$/)).toBe(1);

    proxy.resetCounts();
    await publish(changesJob([service('svc-a', 3), service('svc-b'), service('svc-c')]));

    expect([...proxy.forwarded.values()].reduce((sum, count) => sum + count, 0)).toBe(0);
  });

  it('never lets an older observation overwrite a newer one', async () => {
    const older = service('svc-a', 99);
    await publish(changesJob([service('svc-a', 4)]));

    await publish(changesJob([older]));

    expect((await catalogEntities()).get('svc-a')?.properties?.['replicas']).toBe(4);
  });

  it('deletes an entity, and an older upsert does not bring it back', async () => {
    const older = service('svc-c', 7);
    await publish(changesJob([removal('svc-c')]));
    await publish(changesJob([older]));

    expect((await catalogEntities()).has('svc-c')).toBe(false);
  });

  it('lands the rest of a batch the catalog partly refuses, and dead-letters the refused entity with its message', async () => {
    const bad: EntityChange = { type: 'upsert', entity: { identifier: 'svc-bad', blueprint: BLUEPRINT, properties: { replicas: 'many' } }, observedAt: observed() };

    await publish(changesJob([service('svc-d'), bad, service('svc-e')]));

    const entities = await catalogEntities();
    expect(entities.has('svc-d') && entities.has('svc-e')).toBe(true);
    expect(entities.has('svc-bad')).toBe(false);
    const deadLetters = await new (await import('bullmq')).Queue(QueueName.PublishDeadLetter, { connection: inspector, prefix: 'glint' }).getJobs(['waiting']);
    expect(deadLetters.map((job) => job.data)).toEqual([expect.objectContaining({ entity: expect.objectContaining({ identifier: 'svc-bad' }), status: 422, message: expect.stringMatching(/replicas/) })]);
  });

  it('ends a storm of 429 and 500 answers with every entity present once and no entity written twice', async () => {
    await clearCatalog();
    let faults = 0;
    proxy.inject(({ count }) => {
      if (count % 3 !== 0) return undefined;
      faults += 1;
      return faults % 2 === 0 ? { status: 429, retryAfterSeconds: 0 } : { status: 500 };
    });
    const identifiers = Array.from({ length: 200 }, (_, n) => `storm-${n}`);

    await Promise.all(Array.from({ length: 10 }, (_, part) => publish(changesJob(identifiers.slice(part * 20, part * 20 + 20).map((id) => service(id, 2))))));

    const entities = await catalogEntities();
    expect(identifiers.filter((id) => !entities.has(id))).toEqual([]);
    expect(entities.size).toBe(200);
    expect(proxy.faults.get(429)).toBeGreaterThan(0);
    expect(proxy.faults.get(500)).toBeGreaterThan(0);

    proxy.resetCounts();
    await Promise.all(Array.from({ length: 10 }, (_, part) => publish(changesJob(identifiers.slice(part * 20, part * 20 + 20).map((id) => service(id, 2))))));
    expect(proxy.forwardedMatching(/entities/)).toBe(0);
  });

  describe('stale cleanup at the end of a resync', () => {
    const identifiers = Array.from({ length: 10 }, (_, n) => `sync-${n}`);

    beforeAll(async () => {
      await clearCatalog();
    });

    it('deletes nothing when the sync saw every entity', async () => {
      await publish(changesJob(identifiers.map((id) => service(id)), { syncId: 'sync-1' }));

      const report = await completeSync({ syncId: 'sync-1', startedAt: new Date(clock - 60_000).toISOString(), entityDeletionThreshold: 0.9 });

      expect(report).toMatchObject({ outcome: 'deleted', owned: 10, stale: 0, deleted: 0 });
    });

    it('deletes the entities a complete sync no longer produced', async () => {
      const startedAt = syncStart();
      await publish(changesJob(identifiers.slice(0, 8).map((id) => service(id)), { syncId: 'sync-2' }));

      const report = await completeSync({ syncId: 'sync-2', startedAt, entityDeletionThreshold: 0.9 });

      expect(report).toMatchObject({ outcome: 'deleted', owned: 10, stale: 2, deleted: 2 });
      expect([...(await catalogEntities()).keys()].sort()).toEqual(identifiers.slice(0, 8).sort());
    });

    it('deletes nothing when a sync did not finish without errors', async () => {
      const startedAt = syncStart();
      await publish(changesJob(identifiers.slice(0, 4).map((id) => service(id)), { syncId: 'sync-3' }));

      const report = await completeSync({ syncId: 'sync-3', startedAt, entityDeletionThreshold: 0.9, complete: false, errors: ['pull-request: GitHub answered 500 five times'] });

      expect(report).toMatchObject({ outcome: 'skipped-incomplete', reason: expect.stringContaining('pull-request: GitHub answered 500 five times') });
      expect((await catalogEntities()).size).toBe(8);
    });

    it('deletes nothing at the end of a complete incremental resync, which saw only what changed', async () => {
      const startedAt = syncStart();
      await publish(changesJob(identifiers.slice(0, 1).map((id) => service(id)), { syncId: 'sync-incremental' }));

      const report = await completeSync({ syncId: 'sync-incremental', startedAt, entityDeletionThreshold: 0.9, mode: 'incremental' });

      expect(report).toMatchObject({ outcome: 'skipped-incremental' });
      expect((await catalogEntities()).size).toBe(8);
    });

    it('deletes nothing and says why when the stale share is above entityDeletionThreshold', async () => {
      const startedAt = syncStart();
      await publish(changesJob(identifiers.slice(0, 2).map((id) => service(id)), { syncId: 'sync-4' }));

      const report = await completeSync({ syncId: 'sync-4', startedAt, entityDeletionThreshold: 0.5 });

      expect(report).toMatchObject({ outcome: 'skipped-threshold', owned: 8, stale: 6 });
      expect(report['reason']).toMatch(/6 of the 8 entities .* \(75%\), above entityDeletionThreshold 0.5/);
      expect((await catalogEntities()).size).toBe(8);
    });

    it('keeps a stale entity that a kept entity relates to, and an entity written live after the sync started', async () => {
      const startedAt = syncStart();
      await publish(changesJob([service('sync-0', 1, { dependsOn: ['sync-1'] })], { syncId: 'sync-5' }));
      await publish(changesJob([service('sync-2', 5)]));

      const report = await completeSync({ syncId: 'sync-5', startedAt, entityDeletionThreshold: 0.9 });

      expect(report).toMatchObject({ outcome: 'deleted', owned: 8, stale: 5, deleted: 5, protectedByRelations: 1 });
      expect([...(await catalogEntities()).keys()].sort()).toEqual(['sync-0', 'sync-1', 'sync-2']);
    });

    it('waits for the sync\'s change jobs still in flight before it decides what is stale', async () => {
      const startedAt = syncStart();
      const jobs = ['sync-0', 'sync-1', 'sync-2'].map((id) => producer.publishChanges(changesJob([service(id, 9)], { syncId: 'sync-6' })));
      await Promise.all(jobs);

      const report = await completeSync({ syncId: 'sync-6', startedAt, entityDeletionThreshold: 0.9 });

      expect(report).toMatchObject({ outcome: 'deleted', owned: 3, stale: 0 });
    });
  });

  it('shows catalog answers by status on /metrics', async () => {
    const text = await waitFor('publisher metrics', async () => {
      const body = await (await fetch(`${publisher.url}/metrics`)).text();
      return body.includes('glint_catalog_answers_total') ? body : undefined;
    });
    expect(text).toMatch(/glint_catalog_answers_total\{route="POST \/v1\/blueprints\/\{blueprint\}\/entities\/bulk",status="200",service="publisher"\} \d+/);
    expect(text).toMatch(/glint_publish_entities_total\{outcome="unchanged",origin="exporter",service="publisher"\} \d+/);
  });
});
