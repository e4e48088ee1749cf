import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { testServices, waitFor } from '@glint/testing';
import { EventProducer } from './event-producer';
import { partitionOf } from './partitioner';
import { QueueName } from './queue-name';
import { createRedisConnection } from './redis-connection';

const root = join(__dirname, '../../..');
const GROUPS = 10;
const EVENTS_PER_GROUP = 20;
const PARTITIONS = 4;

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

describe('a partition consumer stopped with events in flight, on the real Redis', () => {
  const prefix = `glint-test-${randomUUID().slice(0, 8)}`;
  let redis: Redis;
  let producer: EventProducer;
  const processes: WorkerProcess[] = [];

  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
    redis = createRedisConnection(testServices.redisUrl, 'worker', 'shutdown-test');
    producer = new EventProducer(redis, { partitions: PARTITIONS, prefix });
  });

  afterAll(async () => {
    for (const { child, exited } of processes) {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    }
    await producer?.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis?.disconnect();
  });

  const startWorker = () =>
    new Promise<WorkerProcess>((resolve, reject) => {
      const child = fork(join(__dirname, 'partition-worker.fixture.js'), [], {
        env: { ...process.env, GLINT_DIST: join(root, 'dist'), REDIS_URL: testServices.redisUrl, QUEUE_PREFIX: prefix, PARTITIONS: String(PARTITIONS), WORKERS: '2', SLOW_MS: '40', BACKOFF_MS: '3000', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      });
      let output = '';
      child.stdout?.on('data', (chunk) => (output += chunk));
      const worker: WorkerProcess = { child, output: () => output, exited: new Promise((done) => child.once('exit', done)) };
      processes.push(worker);
      child.once('message', () => resolve(worker));
      child.once('exit', (code) => reject(new Error(`worker process exited with ${code} before it was ready`)));
    });

  const counts = async () => {
    const processed = await redis.hgetall(`${prefix}:test:processed`);
    return { processed, total: Object.keys(processed).length };
  };

  it('finishes the attempts in progress, hands back the rest in order, and a restart processes every event exactly once', async () => {
    const first = await startWorker();
    for (let seq = 0; seq < EVENTS_PER_GROUP; seq += 1) {
      for (let group = 0; group < GROUPS; group += 1) {
        const groupKey = `repo-1/pr-${group}`;
        // The first event of group 0 fails once and then waits 3 s before its retry: the shutdown finds it between attempts.
        const failTimes = group === 0 && seq === 0 ? 1 : 0;
        await producer.enqueue(
          { deliveryId: `g${group}-e${seq}`, event: 'pull_request', groupKey, partition: partitionOf(groupKey, PARTITIONS), receivedAt: new Date().toISOString() },
          Buffer.from(JSON.stringify({ seq, failTimes })),
        );
      }
    }
    await waitFor('the first process to be between two attempts of g0-e0, with other events done', async () => {
      const attempts = await redis.hget(`${prefix}:test:attempts`, 'g0-e0');
      return attempts === '1' && (await counts()).total >= 10 ? true : undefined;
    });

    first.child.kill('SIGTERM');

    expect(await first.exited).toBe(0);
    const stoppedAt = await counts();
    expect(stoppedAt.total).toBeLessThan(GROUPS * EVENTS_PER_GROUP);
    expect(first.output()).toMatch(/pull_request g0-e0 handed back to partition \d after 1 failed attempt: shutting down/);
    expect(first.output()).toMatch(/handed back to partition \d before its first attempt: shutting down/);
    const partitions = Array.from({ length: PARTITIONS }, (_, partition) => new Queue(`${QueueName.Events}-p${partition}`, { connection: redis, prefix }));
    const active = await Promise.all(partitions.map((queue) => queue.getActiveCount()));
    const failed = await Promise.all(partitions.map((queue) => queue.getFailedCount()));
    expect({ active, failed }).toEqual({ active: [0, 0, 0, 0], failed: [0, 0, 0, 0] });

    const second = await startWorker();
    await waitFor('the restarted process to drain the partitions', async () => ((await counts()).total === GROUPS * EVENTS_PER_GROUP ? true : undefined), 60_000);

    const { processed } = await counts();
    expect(Object.entries(processed).filter(([, times]) => times !== '1')).toEqual([]);
    for (let group = 0; group < GROUPS; group += 1) {
      const order = (await redis.lrange(`${prefix}:test:order:repo-1/pr-${group}`, 0, -1)).map(Number);
      expect({ group, order }).toEqual({ group, order: Array.from({ length: EVENTS_PER_GROUP }, (_, seq) => seq) });
    }
    expect(new Set(Object.values(await redis.hgetall(`${prefix}:test:processed-by`)))).toEqual(new Set([String(first.child.pid), String(second.child.pid)]));
    const deadLetters = new Queue(QueueName.EventsDeadLetter, { connection: redis, prefix });
    expect(await deadLetters.count()).toBe(0);
    await deadLetters.close();
    expect(await redis.keys(`${prefix}:payloads:*`)).toEqual([]);
    expect(await redis.lrange(`${prefix}:test:overlaps`, 0, -1)).toEqual([]);
    await Promise.all(partitions.map((queue) => queue.close()));
  });
});
