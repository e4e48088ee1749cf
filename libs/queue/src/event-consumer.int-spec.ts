import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { testServices, waitFor } from '@glint/testing';
import type { Redis } from 'ioredis';
import type { DeadLetteredEvent } from './event-job';
import { EventProducer } from './event-producer';
import { partitionOf } from './partitioner';
import { QueueName } from './queue-name';
import { createRedisConnection } from './redis-connection';

const root = join(__dirname, '../../..');
const GROUPS = 50;
const EVENTS_PER_GROUP = 40;
const PARTITIONS = 8;

describe('partitioned event consumers in two worker processes, on the real Redis', () => {
  const prefix = `glint-test-${randomUUID().slice(0, 8)}`;
  let redis: Redis;
  let producerConnection: Redis;
  let producer: EventProducer;
  const workers: ChildProcess[] = [];

  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
    redis = createRedisConnection(testServices.redisUrl, 'worker', 'consumer-test');
    producerConnection = createRedisConnection(testServices.redisUrl, 'worker', 'consumer-test-producer');
    producer = new EventProducer(producerConnection, { partitions: PARTITIONS, prefix });
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => new Promise((resolve) => (worker.exitCode !== null ? resolve(null) : (worker.once('exit', resolve), worker.kill('SIGTERM'))))));
    await producer?.close();
    producerConnection?.disconnect();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis?.disconnect();
  });

  const startWorker = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = fork(join(__dirname, 'partition-worker.fixture.js'), [], {
        env: { ...process.env, GLINT_DIST: join(root, 'dist'), REDIS_URL: testServices.redisUrl, QUEUE_PREFIX: prefix, PARTITIONS: String(PARTITIONS), WORKERS: '4' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      child.once('message', () => resolve(child));
      child.once('exit', (code) => reject(new Error(`worker process exited with ${code} before it was ready`)));
      workers.push(child);
    });

  it('processes every event once, keeps each group in order, and dead-letters poison events with their error', async () => {
    await Promise.all([startWorker(), startWorker()]);
    const poison = new Set<string>();
    const transientFailures = new Map<string, number>();
    // Interleave the groups, as live traffic does: event 0 of every group, then event 1, …
    for (let seq = 0; seq < EVENTS_PER_GROUP; seq += 1) {
      for (let group = 0; group < GROUPS; group += 1) {
        const groupKey = `repo-${group % 5}/pr-${group}`;
        const deliveryId = `g${group}-e${seq}`;
        const isPoison = group % 10 === 3 && seq === 17;
        const failTimes = (group * EVENTS_PER_GROUP + seq) % 13 === 0 ? 1 + (seq % 2) : 0;
        if (isPoison) poison.add(deliveryId);
        if (failTimes > 0) transientFailures.set(deliveryId, failTimes);
        await producer.enqueue(
          { deliveryId, event: 'pull_request', groupKey, partition: partitionOf(groupKey, PARTITIONS), receivedAt: new Date().toISOString() },
          Buffer.from(JSON.stringify({ seq, poison: isPoison, failTimes })),
        );
      }
    }

    const total = GROUPS * EVENTS_PER_GROUP;
    const deadLetters = new Queue(QueueName.EventsDeadLetter, { connection: redis, prefix });
    await waitFor(
      'every event to be processed or dead-lettered',
      async () => ((await redis.hlen(`${prefix}:test:processed`)) + (await deadLetters.count()) === total ? true : undefined),
      120_000,
    );

    const processed = await redis.hgetall(`${prefix}:test:processed`);
    expect(Object.keys(processed)).toHaveLength(total - poison.size);
    expect(Object.values(processed).every((times) => times === '1')).toBe(true);
    for (const deliveryId of poison) expect(processed[deliveryId]).toBeUndefined();

    for (let group = 0; group < GROUPS; group += 1) {
      const order = (await redis.lrange(`${prefix}:test:order:repo-${group % 5}/pr-${group}`, 0, -1)).map(Number);
      const expected = Array.from({ length: EVENTS_PER_GROUP }, (_, seq) => seq).filter((seq) => !poison.has(`g${group}-e${seq}`));
      expect({ group, order }).toEqual({ group, order: expected });
    }

    const attempts = await redis.hgetall(`${prefix}:test:attempts`);
    for (const [deliveryId, failTimes] of transientFailures) {
      if (!poison.has(deliveryId)) expect({ deliveryId, attempts: Number(attempts[deliveryId]) }).toEqual({ deliveryId, attempts: failTimes + 1 });
    }

    const dead = (await deadLetters.getJobs(['waiting'])).map((job) => job.data as DeadLetteredEvent);
    expect(dead.map((entry) => entry.event.deliveryId).sort()).toEqual([...poison].sort());
    for (const entry of dead) {
      expect(entry).toMatchObject({
        attempts: 3,
        payloadJson: expect.stringMatching(/^\{"seq":17,"poison":true,/),
        error: expect.stringMatching(/^poison event 17 of repo-\d\/pr-\d+ can never be processed$/),
      });
    }
    expect(await redis.keys(`${prefix}:payloads:*`)).toEqual([]);

    expect(await redis.lrange(`${prefix}:test:overlaps`, 0, -1)).toEqual([]);
    const processedBy = new Set(Object.values(await redis.hgetall(`${prefix}:test:processed-by`)));
    expect(processedBy.size).toBe(2);
    await deadLetters.close();
  });
});
