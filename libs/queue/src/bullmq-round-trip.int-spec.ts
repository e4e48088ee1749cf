import { randomUUID } from 'node:crypto';
import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { partitionQueueName, QueueName } from './queue-name';
import { createRedisConnection } from './redis-connection';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('BullMQ on the real Redis', () => {
  const prefix = `glint-test-${randomUUID()}`;
  const queueName = partitionQueueName(QueueName.Events, 0);
  let producer: Redis;
  let workerConnection: Redis;
  let queue: Queue;
  let worker: Worker | undefined;

  beforeAll(() => {
    producer = createRedisConnection(redisUrl, 'producer', 'test-producer');
    workerConnection = createRedisConnection(redisUrl, 'worker', 'test-worker');
    queue = new Queue(queueName, { connection: producer, prefix });
  });

  afterAll(async () => {
    await worker?.close();
    await queue.obliterate({ force: true });
    await queue.close();
    producer.disconnect();
    workerConnection.disconnect();
  });

  it('delivers a job to a worker and returns its result', async () => {
    const eventsConnection = createRedisConnection(redisUrl, 'worker', 'test-events');
    const events = new QueueEvents(queueName, { connection: eventsConnection, prefix });
    await events.waitUntilReady();
    const seen: Array<{ delivery: string }> = [];
    worker = new Worker<{ delivery: string }, string>(
      queueName,
      async (job: Job<{ delivery: string }>) => {
        seen.push(job.data);
        return `processed ${job.data.delivery}`;
      },
      { connection: workerConnection, prefix },
    );

    const job = await queue.add('webhook', { delivery: 'd-1' }, { jobId: 'd-1' });
    const result = await job.waitUntilFinished(events, 10_000);

    expect(result).toBe('processed d-1');
    expect(seen).toEqual([{ delivery: 'd-1' }]);
    await events.close();
    eventsConnection.disconnect();
  });

  it('does not add a job twice under the same job id', async () => {
    await queue.add('webhook', { delivery: 'd-2' }, { jobId: 'same-id', delay: 60_000 });
    await queue.add('webhook', { delivery: 'd-2' }, { jobId: 'same-id', delay: 60_000 });

    expect(await queue.getDelayedCount()).toBe(1);
  });
});
