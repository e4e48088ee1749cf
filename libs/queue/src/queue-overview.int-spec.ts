import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { PrivateRedisServer } from '@glint/testing';
import { CatalogAvailabilityRecord } from './catalog-availability-record';
import { EventProducer } from './event-producer';
import { PublishProducer } from './publish-producer';
import { registerQueueMetrics } from './queue-metrics';
import { QueueOverview } from './queue-overview';
import { QueueName } from './queue-name';
import { createRedisConnection } from './redis-connection';

describe('QueueOverview on a real Redis', () => {
  let redis: PrivateRedisServer;
  let connection: Redis;
  let now = 0;
  let sut: QueueOverview;

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    connection = createRedisConnection(redis.url, 'worker', 'overview-test');
    sut = new QueueOverview(connection, { partitions: 3 }, () => now);
    const producer = new EventProducer(connection, { partitions: 3 });
    const queued = (deliveryId: string, partition: number) => ({ deliveryId, event: 'issues', groupKey: `g-${deliveryId}`, partition, receivedAt: new Date().toISOString() });
    for (const [deliveryId, partition] of [['a', 0], ['b', 0], ['c', 2]] as const) {
      await producer.enqueue(queued(deliveryId, partition), Buffer.from('{}'));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await producer.close();
    const deadLetters = new Queue(QueueName.EventsDeadLetter, { connection, prefix: 'glint' });
    await deadLetters.add('issues', { event: {}, error: 'x', attempts: 5, failedAt: new Date().toISOString() });
    await deadLetters.close();
    const publishDeadLetters = new Queue(QueueName.PublishDeadLetter, { connection, prefix: 'glint' });
    await publishDeadLetters.addBulk([{ name: 'entity', data: {} }, { name: 'entity', data: {} }]);
    await publishDeadLetters.close();
  });

  afterAll(async () => {
    await sut?.close();
    connection?.disconnect();
    await redis?.destroy();
  });

  it('gives each partition its depth and the wait of its oldest event, the lag over all, and the dead-letter counts', async () => {
    const partition = new Queue('events-p0', { connection, prefix: 'glint' });
    const oldest = await partition.getJob('delivery-a');
    await partition.close();
    now = (oldest?.timestamp ?? 0) + 90_000;

    const summary = await sut.summary();

    expect(summary.partitions.map(({ partition, depth }) => [partition, depth])).toEqual([[0, 2], [1, 0], [2, 1]]);
    expect(summary.partitions[0].oldestWaitingSeconds).toBe(90);
    expect(summary.partitions[1].oldestWaitingSeconds).toBe(0);
    expect(summary.partitions[2].oldestWaitingSeconds).toBeLessThan(90);
    expect(summary.lagSeconds).toBe(90);
    expect(summary.deadLetters).toEqual({ events: 1, publish: 2, jobs: 0 });
    expect(summary.failedJobs).toBe(0);
  });

  it('serves the same figures as Prometheus gauges', async () => {
    const registry = new Registry();
    registerQueueMetrics(registry, sut);

    const text = await registry.metrics();

    expect(text).toContain('glint_event_queue_depth{partition="0"} 2');
    expect(text).toMatch(/glint_event_queue_oldest_age_seconds\{partition="0"\} 90\b/);
    expect(text).toContain('glint_event_queue_oldest_age_seconds{partition="1"} 0');
    expect(text).toContain('glint_event_dlq_size 1');
    expect(text).toContain('glint_publish_dlq_size 2');
    expect(text).toContain('glint_jobs_dlq_size 0');
    expect(text).toContain('glint_failed_jobs{queue="events-p0"} 0');
    expect(text).toContain('glint_failed_jobs{queue="publish"} 0');
    expect(text).toContain('glint_publish_queue_depth 0');
  });

  it('shows the publish backlog and the catalog as the publisher last reported it: unknown, unavailable for how long and why, available', async () => {
    const record = new CatalogAvailabilityRecord(connection);
    expect((await sut.publishBacklog()).catalog).toEqual({ state: 'unknown' });
    const producer = new PublishProducer(connection);
    const settings = { merge: true, createMissingRelatedEntities: true, deleteDependentEntities: true };
    await producer.publishChanges({ installationId: '1', origin: 'exporter', settings, changes: [] });
    await producer.publishChanges({ installationId: '1', origin: 'exporter', settings, changes: [] });
    const [oldest] = await producer.queue.getJobs(['wait'], 0, 0, true);
    await producer.close();
    now = (oldest?.timestamp ?? 0) + 330_000;
    await record.write({ available: false, since: now - 330_000, lastError: 'could not reach the catalog: connect ECONNREFUSED', retries: 12 }, now);

    const summary = await sut.summary();

    expect(summary.publish).toEqual({
      depth: 2,
      oldestWaitingSeconds: 330,
      catalog: {
        state: 'unavailable',
        since: new Date(now - 330_000).toISOString(),
        outageSeconds: 330,
        lastError: 'could not reach the catalog: connect ECONNREFUSED',
        retries: 12,
        reportedAt: new Date(now).toISOString(),
      },
    });
    expect(await connection.ttl('glint:catalog-availability')).toBeGreaterThan(0);

    await record.write({ available: true, since: now }, now);
    expect((await sut.publishBacklog()).catalog).toEqual({ state: 'available', since: new Date(now).toISOString(), reportedAt: new Date(now).toISOString() });
    expect(await connection.ttl('glint:catalog-availability')).toBe(-1);
    const registry = new Registry();
    registerQueueMetrics(registry, sut);
    const text = await registry.metrics();
    expect(text).toContain('glint_publish_queue_depth 2');
    expect(text).toMatch(/glint_publish_queue_oldest_age_seconds 330\b/);
  });
});
