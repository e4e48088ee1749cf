import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PrivateRedisServer } from '@glint/testing';
import type { QueuedWebhookEvent } from './event-job';
import { EventProducer } from './event-producer';
import { createRedisConnection } from './redis-connection';

const PARTITIONS = 4;

function eventFor(deliveryId: string, index: number): QueuedWebhookEvent {
  return { deliveryId, event: 'push', groupKey: `acme/repo-${index}:sha`, partition: index % PARTITIONS, receivedAt: new Date().toISOString() };
}

/** Redis's count of socket reads it processed: one per batch of commands it received, however many commands it held. */
async function readsProcessed(connection: Redis): Promise<number> {
  const stats = await connection.info('stats');
  const match = /total_reads_processed:(\d+)/.exec(stats);
  if (!match) throw new Error(`INFO stats has no total_reads_processed:\n${stats}`);
  return Number(match[1]);
}

function ready(connection: Redis): Promise<void> {
  return connection.status === 'ready' ? Promise.resolve() : new Promise((resolve) => connection.once('ready', () => resolve()));
}

describe('EventProducer on a Redis of its own', () => {
  let redis: PrivateRedisServer;
  let connection: Redis;
  let producer: EventProducer;

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    connection = createRedisConnection(redis.url, 'producer', 'test-producer');
    producer = new EventProducer(connection, { partitions: PARTITIONS, prefix: `glint-test-${randomUUID()}` });
    await ready(connection);
  });

  afterAll(async () => {
    await producer.close();
    connection.disconnect();
    await redis.destroy();
  });

  it('shares Redis round trips between deliveries that arrive together (auto-pipelining): a few dozen socket reads for 200', async () => {
    const ids = Array.from({ length: 200 }, () => randomUUID());
    await producer.enqueue(eventFor(randomUUID(), 0), Buffer.from('{}')); // the queues' scripts are loaded once, here
    const before = await readsProcessed(connection);

    // Each from a callback of its own, as HTTP requests arrive.
    const results = await Promise.all(
      ids.map(
        (id, index) =>
          new Promise<string>((resolve, reject) =>
            setTimeout(() => producer.enqueue(eventFor(id, index), Buffer.from(`{"n":${index}}`)).then(resolve, reject), 0),
          ),
      ),
    );

    const reads = (await readsProcessed(connection)) - before - 1; // minus the INFO call itself
    expect(results).toEqual(ids.map(() => 'accepted'));
    // Without auto-pipelining this is ~300 reads (measured); with it the deliveries take their four steps in lockstep
    // and each step is one write for all of them, which Redis reads in a few 16 KB chunks.
    expect(reads).toBeLessThanOrEqual(40);
    const waiting = await Promise.all(producer.partitionQueues.map((queue) => queue.getWaitingCount()));
    expect(waiting.reduce((sum, count) => sum + count, 0)).toBe(201);
  });

  it('still tells a duplicate apart when it arrives in a later turn', async () => {
    const id = randomUUID();
    expect(await producer.enqueue(eventFor(id, 1), Buffer.from('{}'))).toBe('accepted');
    expect(await producer.enqueue(eventFor(id, 1), Buffer.from('{}'))).toBe('duplicate');
  });

  it('fails every delivery of a batch when Redis is gone, so each is answered 503 and nothing is claimed stored', async () => {
    await redis.stop();
    const results = await Promise.allSettled([0, 1, 2].map((index) => producer.enqueue(eventFor(randomUUID(), index), Buffer.from('{}'))));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await redis.start();
    await ready(connection);
  });
});
