import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { PrivateRedisServer, waitFor } from '@glint/testing';
import { DEAD_LETTER_TEXT_LIMIT_BYTES } from './dead-letter-text';
import type { DeadLetteredJob } from './dead-lettered-job';
import { DeadLetterQueues } from './dead-letters';
import type { DeadLetteredEvent } from './event-job';
import { EventProducer } from './event-producer';
import { eventKeys } from './event-queue-options';
import { FailedJobSweep } from './failed-job-sweep';
import { PublishChangesJob, PublishJobName } from './publish-job';
import { publishKeys, PublishProducer } from './publish-producer';
import { registerQueueMetrics } from './queue-metrics';
import { partitionQueueName, QueueName } from './queue-name';
import { QueueOverview } from './queue-overview';
import { createRedisConnection } from './redis-connection';

const PARTITIONS = 2;
const prefix = 'glint';
const settings = { merge: true, createMissingRelatedEntities: true, deleteDependentEntities: true };

describe('the failed-job sweep on a real Redis', () => {
  let redis: PrivateRedisServer;
  let connection: Redis;
  let overview: QueueOverview;
  let deadLetters: DeadLetterQueues;
  const queues: Queue[] = [];
  const sweeps: FailedJobSweep[] = [];

  const queue = (name: string) => {
    const opened = new Queue(name, { connection, prefix });
    queues.push(opened);
    return opened;
  };
  const sweepOf = (names: string[], intervalMs?: number) => {
    const sweep = new FailedJobSweep(connection, { queues: names, prefix, intervalMs });
    sweeps.push(sweep);
    return sweep;
  };

  /** Runs one worker on `name` until `count` jobs failed: each one throws `error`, as a crashing processor would. */
  async function failJobs(name: string, count: number, error: () => Error): Promise<void> {
    let failed = 0;
    const workerConnection = createRedisConnection(redis.url, 'worker', 'sweep-test-worker');
    const worker = new Worker(
      name,
      async () => {
        throw error();
      },
      { connection: workerConnection, prefix },
    );
    worker.on('failed', () => (failed += 1));
    await waitFor(`${count} failed job(s) in ${name}`, async () => (failed >= count ? true : undefined), 30_000);
    await worker.close();
    await workerConnection.quit();
  }

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    connection = createRedisConnection(redis.url, 'worker', 'sweep-test');
    overview = new QueueOverview(connection, { partitions: PARTITIONS, prefix });
    deadLetters = new DeadLetterQueues(connection, { partitions: PARTITIONS, prefix });
  });

  afterAll(async () => {
    for (const sweep of sweeps) await sweep.close();
    await Promise.all(queues.map((opened) => opened.close()));
    await deadLetters?.close();
    await overview?.close();
    connection?.disconnect();
    await redis?.destroy();
  });

  it('moves a publish job that failed with an unrecoverable error to publish-dlq, counted, and replays it onto the publish queue', async () => {
    const producer = new PublishProducer(connection, { prefix });
    const changes: PublishChangesJob = {
      installationId: '42',
      origin: 'exporter',
      syncId: 'sync-7',
      settings,
      changes: [{ type: 'upsert', entity: { identifier: 'api', blueprint: 'service' }, observedAt: '2026-01-01T00:00:00.000Z' }],
    };
    const jobId = await producer.publishChanges(changes);
    await failJobs(QueueName.Publish, 1, () => new UnrecoverableError('the entity state table is missing'));
    expect(await producer.queue.getFailedCount()).toBe(1);

    const swept = await sweepOf([QueueName.Publish]).sweep();

    expect(swept).toEqual([{ queue: 'publish', jobId, deadLetterQueue: QueueName.PublishDeadLetter, error: 'UnrecoverableError: the entity state table is missing' }]);
    expect(await producer.queue.getFailedCount()).toBe(0);
    // The sync's completion counts it as failed (so it deletes nothing), not as a job that never existed.
    expect(await connection.smembers(publishKeys(prefix).syncFailures('sync-7'))).toEqual([jobId]);
    expect(await connection.smembers(publishKeys(prefix).syncJobs('sync-7'))).toEqual([]);

    const [letter] = await deadLetters.list(['publish']);
    expect(letter).toMatchObject({ source: 'publish', kind: 'job', subject: `changes job ${jobId} of publish (1 attempt)`, error: 'UnrecoverableError: the entity state table is missing' });
    expect(JSON.parse((letter?.entry as DeadLetteredJob).dataJson)).toEqual(changes);
    expect((await overview.deadLetterCounts()).publish).toBe(1);
    const registry = new Registry();
    registerQueueMetrics(registry, overview);
    const metrics = await registry.metrics();
    expect(metrics).toContain('glint_publish_dlq_size 1');
    expect(metrics).toContain('glint_failed_jobs{queue="publish"} 0');

    const [replayed] = await deadLetters.replay(letter ? [letter] : []);
    expect(replayed).toMatchObject({ outcome: 'replayed', jobId: expect.stringMatching(new RegExp(`^${jobId}-replay-\\d+$`)) });
    const requeued = (await producer.queue.getJobs(['wait'])).find((job) => job.id === (replayed?.outcome === 'replayed' ? replayed.jobId : ''));
    expect(requeued).toMatchObject({ name: PublishJobName.Changes, data: changes, opts: expect.objectContaining({ attempts: 6 }) });
    expect(await overview.deadLetterCounts()).toMatchObject({ publish: 0 });
    await requeued?.remove();
    await producer.close();
  });

  it('moves an event that failed in its partition to events-dlq with its payload as sent, and frees the payload', async () => {
    const producer = new EventProducer(connection, { partitions: PARTITIONS, prefix });
    const payload = '{"action":"opened","issue":{"number":3},"deep":[[[[1]]]]}';
    const groupKey = 'repo-1/issue-3';
    await producer.enqueue({ deliveryId: 'd-crash', event: 'issues', action: 'opened', groupKey, partition: 1, receivedAt: new Date().toISOString() }, Buffer.from(payload));
    await failJobs(partitionQueueName(QueueName.Events, 1), 1, () => new RangeError('Maximum call stack size exceeded'));

    const swept = await sweepOf([partitionQueueName(QueueName.Events, 0), partitionQueueName(QueueName.Events, 1)]).sweep();

    expect(swept).toEqual([{ queue: 'events-p1', jobId: 'delivery-d-crash', deadLetterQueue: QueueName.EventsDeadLetter, error: 'RangeError: Maximum call stack size exceeded' }]);
    const [letter] = await deadLetters.list(['events'], { id: 'd-crash' });
    expect(letter).toMatchObject({ kind: 'event', subject: 'issues.opened repo-1/issue-3', error: 'RangeError: Maximum call stack size exceeded' });
    expect((letter?.entry as DeadLetteredEvent).payloadJson).toBe(payload);
    expect(await connection.exists(eventKeys(prefix).payload('d-crash'))).toBe(0);
    expect((await overview.summary()).failedJobs).toBe(0);
    expect((await overview.deadLetterCounts()).events).toBe(1);

    const [replayed] = await deadLetters.replay(letter ? [letter] : []);
    expect(replayed).toMatchObject({ outcome: 'replayed' });
    expect((await connection.getBuffer(eventKeys(prefix).payload('d-crash')))?.toString()).toBe(payload);
    await producer.close();
  });

  it('moves a failed job of any other queue to jobs-dlq, every attempt counted, and replays it with its retry settings', async () => {
    const resync = queue(QueueName.Resync);
    await resync.add('resync', { installation: { id: 5, accountLogin: 'acme' }, reason: 'schedule' }, { jobId: 'resync-5', attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    await failJobs(QueueName.Resync, 2, () => new Error('GitHub answered 502 five times'));
    await waitFor('the resync job in the failed set', async () => ((await resync.getFailedCount()) === 1 ? true : undefined));

    const sweep = sweepOf([QueueName.Resync, QueueName.WebhookUpkeep], 50);
    sweep.start();
    await waitFor('the periodic sweep to move it', async () => ((await overview.deadLetterCounts()).jobs === 1 ? true : undefined));
    await sweep.close();

    expect(await resync.getFailedCount()).toBe(0);
    const [letter] = await deadLetters.list(['jobs'], { id: 'resync-5' });
    expect(letter).toMatchObject({ source: 'jobs', kind: 'job', subject: 'resync job resync-5 of resync (2 attempts)', error: 'GitHub answered 502 five times' });
    const registry = new Registry();
    registerQueueMetrics(registry, overview);
    expect(await registry.metrics()).toContain('glint_jobs_dlq_size 1');

    const [replayed] = await deadLetters.replay(letter ? [letter] : []);
    const jobId = replayed?.outcome === 'replayed' ? replayed.jobId : '';
    const requeued = await resync.getJob(jobId);
    expect(requeued).toMatchObject({ name: 'resync', data: { installation: { id: 5, accountLogin: 'acme' }, reason: 'schedule' }, opts: expect.objectContaining({ attempts: 2, backoff: { type: 'fixed', delay: 10 } }) });
    await requeued?.remove();
  });

  it('makes one dead letter of a job two processes sweep at the same time', async () => {
    const upkeep = queue(QueueName.WebhookUpkeep);
    await upkeep.add('redelivery-sweep', {}, { jobId: 'upkeep-1' });
    await failJobs(QueueName.WebhookUpkeep, 1, () => new Error('GET /app/hook/deliveries answered 500'));

    const [first, second] = await Promise.all([sweepOf([QueueName.WebhookUpkeep]).sweep(), sweepOf([QueueName.WebhookUpkeep]).sweep()]);

    expect([...(first ?? []), ...(second ?? [])].length).toBeGreaterThanOrEqual(1);
    expect(await deadLetters.list(['jobs'], { event: 'webhook-upkeep' })).toHaveLength(1);
    expect(await upkeep.getFailedCount()).toBe(0);
  });

  it('does not replay an event whose payload was kept cut, and keeps its dead letter', async () => {
    const cut: DeadLetteredEvent = {
      event: { deliveryId: 'd-huge', event: 'issue_comment', action: 'created', groupKey: 'repo-1/issue-4', partition: 0, receivedAt: new Date().toISOString() },
      payloadJson: '{"action":"created","padding":"xxxx…[truncated by glint: the first 1048576 of 1548600 bytes are kept]',
      payloadTruncatedFromBytes: 1_548_600,
      error: 'cannot map it',
      attempts: 5,
      failedAt: new Date().toISOString(),
    };
    await queue(QueueName.EventsDeadLetter).add('issue_comment', cut, { jobId: 'delivery-d-huge' });

    const [replayed] = await deadLetters.replay(await deadLetters.list(['events'], { id: 'd-huge' }));

    expect(replayed).toMatchObject({ outcome: 'not-replayable', reason: `its payload (1548600 bytes) is larger than a dead letter keeps (${DEAD_LETTER_TEXT_LIMIT_BYTES}); redeliver it from the GitHub App's Recent Deliveries` });
    expect(await deadLetters.list(['events'], { id: 'd-huge' })).toHaveLength(1);
  });

  it('does not replay a failed job whose kept data is not JSON, says why, and keeps it', async () => {
    const broken: DeadLetteredJob = { queue: 'resync', jobId: 'resync-broken', name: 'resync', dataJson: '{"installation":', retry: {}, error: 'x', attempts: 1, failedAt: new Date().toISOString() };
    await queue(QueueName.JobsDeadLetter).add('job', broken, { jobId: 'resync-resync-broken' });

    const [replayed] = await deadLetters.replay(await deadLetters.list(['jobs'], { id: 'resync-broken' }));

    expect(replayed).toMatchObject({ outcome: 'not-replayable', reason: expect.stringMatching(/^its data is not JSON \(/) });
    expect(await deadLetters.list(['jobs'], { id: 'resync-broken' })).toHaveLength(1);
  });
});
