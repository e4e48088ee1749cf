import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { testServices, waitFor } from '@glint/testing';
import { EventProducer } from './event-producer';
import { partitionOf } from './partitioner';
import { createRedisConnection } from './redis-connection';
import { DEFAULT_STALL_RECOVERY_SECONDS, stallSettings } from './stall-recovery';

const root = join(__dirname, '../../..');
const PARTITIONS = 10;

interface ConsumerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Group keys that land one on each partition, so every event can be held at the same time. */
function oneGroupPerPartition(): string[] {
  const byPartition = new Map<number, string>();
  for (let number = 1; byPartition.size < PARTITIONS; number += 1) {
    const groupKey = `repo-1/pr-${number}`;
    if (!byPartition.has(partitionOf(groupKey, PARTITIONS))) byPartition.set(partitionOf(groupKey, PARTITIONS), groupKey);
  }
  return [...byPartition.values()];
}

/**
 * Two mapper-like processes (the partition consumer with the default STALL_RECOVERY_SECONDS) on the real Redis: one is
 * killed outright while it holds events, or works on events longer than a lock lasts, and the other is there to take
 * over. Each handler records in Redis what it started and what it finished, by delivery id.
 */
describe('events held by a consumer process that dies, on the real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let producer: EventProducer;
  const processes: ConsumerProcess[] = [];

  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
    redis = createRedisConnection(testServices.redisUrl, 'worker', 'stalled-test');
  }, 120_000);

  beforeEach(() => {
    prefix = `glint-test-${randomUUID().slice(0, 8)}`;
    producer = new EventProducer(redis, { partitions: PARTITIONS, prefix });
  });

  afterEach(async () => {
    for (const { child, exited } of processes.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
    await producer.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  afterAll(() => {
    redis?.disconnect();
  });

  const startConsumer = (slowMs: number) =>
    new Promise<ConsumerProcess>((resolve, reject) => {
      const child = fork(join(__dirname, 'partition-worker.fixture.js'), [], {
        env: { ...process.env, GLINT_DIST: join(root, 'dist'), REDIS_URL: testServices.redisUrl, QUEUE_PREFIX: prefix, PARTITIONS: String(PARTITIONS), WORKERS: String(PARTITIONS), SLOW_MS: String(slowMs), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      });
      let output = '';
      child.stdout?.on('data', (chunk) => (output += chunk));
      const consumer: ConsumerProcess = { child, output: () => output, exited: new Promise((done) => child.once('exit', done)) };
      processes.push(consumer);
      child.once('message', () => resolve(consumer));
      child.once('exit', (code) => reject(new Error(`consumer process exited with ${code} before it was ready`)));
    });

  async function enqueueOnePerPartition(count: number): Promise<string[]> {
    const deliveryIds: string[] = [];
    for (const [index, groupKey] of oneGroupPerPartition().slice(0, count).entries()) {
      const deliveryId = `held-${index}`;
      await producer.enqueue({ deliveryId, event: 'pull_request', groupKey, partition: partitionOf(groupKey, PARTITIONS), receivedAt: new Date().toISOString() }, Buffer.from(JSON.stringify({ seq: index, failTimes: 0 })));
      deliveryIds.push(deliveryId);
    }
    return deliveryIds;
  }

  const started = () => redis.hgetall(`${prefix}:test:attempts`);
  const processed = () => redis.hgetall(`${prefix}:test:processed`);
  const processedBy = () => redis.hgetall(`${prefix}:test:processed-by`);
  const everyOne = (deliveryIds: string[], value: string) => Object.fromEntries(deliveryIds.map((id) => [id, value]));

  it('has another process finish the events a SIGKILLed one held within 20 s, each once', async () => {
    const doomed = await startConsumer(600_000);
    const deliveryIds = await enqueueOnePerPartition(PARTITIONS);
    await waitFor('the first process to hold an event on every partition', async () => (Object.keys(await started()).length === PARTITIONS ? true : undefined), 30_000);
    const survivor = await startConsumer(2);

    doomed.child.kill('SIGKILL');
    const killedAt = Date.now();
    await doomed.exited;

    await waitFor('the surviving process to finish every held event', async () => (Object.keys(await processed()).length === PARTITIONS ? true : undefined), 20_000 - (Date.now() - killedAt));
    expect(await processed()).toEqual(everyOne(deliveryIds, '1'));
    expect(await processedBy()).toEqual(everyOne(deliveryIds, String(survivor.child.pid)));
    // Started once by the killed process, which never finished, and once by the survivor.
    expect(await started()).toEqual(everyOne(deliveryIds, '2'));
    expect(survivor.output()).toMatch(/job \S+ lost its worker mid-attempt/);
  }, 120_000);

  it('leaves a live process its events while it works on them for longer than a lock lasts', async () => {
    const lockMs = stallSettings(DEFAULT_STALL_RECOVERY_SECONDS).lockDuration;
    const slow = await startConsumer(lockMs + 3_000);
    const deliveryIds = await enqueueOnePerPartition(3);
    await waitFor('the slow process to hold every event', async () => (Object.keys(await started()).length === deliveryIds.length ? true : undefined), 30_000);
    const idle = await startConsumer(2);

    await waitFor('the slow process to finish its events', async () => (Object.keys(await processed()).length === deliveryIds.length ? true : undefined), 60_000);

    expect(await started()).toEqual(everyOne(deliveryIds, '1'));
    expect(await processedBy()).toEqual(everyOne(deliveryIds, String(slow.child.pid)));
    expect(idle.output()).not.toMatch(/lost its worker/);
  }, 120_000);
});
