import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { PrivateRedisServer, waitFor } from '@glint/testing';
import { DeadLetterQueues } from './dead-letters';
import { PartitionedEventConsumer } from './event-consumer';
import type { DeadLetteredEvent, QueuedWebhookEvent, WebhookEvent } from './event-job';
import { EventProducer } from './event-producer';
import { eventKeys } from './event-queue-options';
import { partitionOf } from './partitioner';
import { DeadLetteredEntity, PublishChangesJob, PublishJobName } from './publish-job';
import { QueueName } from './queue-name';
import { QueueOverview } from './queue-overview';
import { createRedisConnection } from './redis-connection';

const PARTITIONS = 4;
const prefix = 'glint';

describe('dead-letter tooling on a real Redis', () => {
  let redis: PrivateRedisServer;
  let connection: Redis;
  let producer: EventProducer;
  let sut: DeadLetterQueues;
  let eventsDlq: Queue;
  let publishDlq: Queue;
  let publishQueue: Queue;
  let consumer: PartitionedEventConsumer;
  const handled: WebhookEvent[] = [];
  let failing = true;

  const event = (deliveryId: string, name: string, action: string | undefined, groupKey: string): QueuedWebhookEvent => ({
    deliveryId,
    event: name,
    action,
    groupKey,
    partition: partitionOf(groupKey, PARTITIONS),
    receivedAt: new Date().toISOString(),
    installationId: 7,
  });

  const entityLetter = (identifier: string, blueprint: string, failedAt: string, extra: Partial<DeadLetteredEntity> = {}): DeadLetteredEntity => ({
    installationId: '7',
    origin: 'exporter',
    entity: { identifier, blueprint, properties: { replicas: 'many' } },
    status: 422,
    error: 'invalid_request',
    message: 'replicas must be a number',
    failedAt,
    ...extra,
  });

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    connection = createRedisConnection(redis.url, 'worker', 'dlq-test');
    producer = new EventProducer(connection, { partitions: PARTITIONS, prefix });
    sut = new DeadLetterQueues(connection, { partitions: PARTITIONS, prefix });
    eventsDlq = new Queue(QueueName.EventsDeadLetter, { connection, prefix });
    publishDlq = new Queue(QueueName.PublishDeadLetter, { connection, prefix });
    publishQueue = new Queue(QueueName.Publish, { connection, prefix });

    // Real dead letters: a consumer whose handler fails until told otherwise.
    consumer = new PartitionedEventConsumer(
      () => createRedisConnection(redis.url, 'worker', 'dlq-test-consumer'),
      async (received) => {
        if (failing) throw new Error(`cannot handle ${received.event}: GitHub answered 403 (missing permission)`);
        handled.push(received);
        return 'processed';
      },
      { partitions: PARTITIONS, workers: 2, prefix, maxAttempts: 2, backoff: { initialMs: 5, maxMs: 5 } },
    );
    await consumer.start();
    const sent = [event('d-issue-1', 'issues', 'opened', 'repo-1/issue-1'), event('d-issue-2', 'issues', 'closed', 'repo-1/issue-2'), event('d-push-1', 'push', undefined, 'repo-1/sha-abc')];
    for (const queued of sent) await producer.enqueue(queued, Buffer.from(JSON.stringify({ action: queued.action, marker: queued.deliveryId })));
    await waitFor('three dead letters', async () => ((await eventsDlq.count()) === 3 ? true : undefined));
    failing = false;

    await publishDlq.add('entity', entityLetter('svc-bad', 'service', '2020-01-01T10:00:00.000Z', { settings: { merge: false, createMissingRelatedEntities: false, deleteDependentEntities: false } }));
    await publishDlq.add('entity', entityLetter('team-gone', 'team', '2020-01-02T10:00:00.000Z', { entity: { identifier: 'team-gone', blueprint: 'team' }, status: 409, error: 'delete_failed', message: 'has dependents' }));
  });

  afterAll(async () => {
    await consumer?.close();
    await Promise.all([eventsDlq, publishDlq, publishQueue].map((queue) => queue.close()));
    await sut?.close();
    await producer?.close();
    connection?.disconnect();
    await redis?.destroy();
  });

  it('lists every dead letter of both queues, oldest first, with what failed and why', async () => {
    const letters = await sut.list(['publish', 'events']);

    expect(letters.slice(0, 2).map((letter) => letter.subject)).toEqual(['upsert service/svc-bad (installation 7)', 'delete team/team-gone (installation 7)']);
    expect(letters.slice(2).map((letter) => letter.subject).sort()).toEqual(['issues.closed repo-1/issue-2', 'issues.opened repo-1/issue-1', 'push repo-1/sha-abc']);
    expect(letters).toHaveLength(5);
    expect(letters.map((letter) => letter.failedAt)).toEqual([...letters.map((letter) => letter.failedAt)].sort());
    const issue = letters.find((letter) => letter.id === 'delivery-d-issue-1');
    expect(issue).toMatchObject({ source: 'events', error: 'cannot handle issues: GitHub answered 403 (missing permission)', failedAt: expect.stringMatching(/^\d{4}-/) });
    expect(letters[0]).toMatchObject({ error: '422 invalid_request: replicas must be a number' });
  });

  it('gives the bridge page the newest dead letters with their reasons, and the events finished per minute', async () => {
    const overview = new QueueOverview(connection, { partitions: PARTITIONS, prefix });
    try {
      const latest = await overview.latestDeadLetters(4);
      const perMinute = await overview.eventsPerMinute(15);

      expect(latest).toHaveLength(4);
      expect(latest.map((letter) => letter.failedAt)).toEqual([...latest.map((letter) => letter.failedAt)].sort().reverse());
      expect(latest.slice(0, 3).map((letter) => [letter.source, letter.error.replace(/issues|push/, '<event>')])).toEqual(Array(3).fill(['events', 'cannot handle <event>: GitHub answered 403 (missing permission)']));
      expect(latest[3]).toEqual({ source: 'publish', id: expect.any(String), subject: 'delete team/team-gone (installation 7)', error: '409 delete_failed: has dependents', failedAt: '2020-01-02T10:00:00.000Z' });
      expect(perMinute).toHaveLength(15);
      expect(perMinute.reduce((sum, count) => sum + count, 0)).toBe(3);
    } finally {
      await overview.close();
    }
  });

  it('filters by event name or name.action, blueprint, id or delivery id, time and count', async () => {
    const ids = async (...args: Parameters<DeadLetterQueues['list']>) => (await sut.list(...args)).map((letter) => letter.id);

    expect(await ids(['events'], { event: 'issues' })).toHaveLength(2);
    expect(await ids(['events'], { event: 'issues.closed' })).toEqual(['delivery-d-issue-2']);
    expect(await ids(['events'], { id: 'd-push-1' })).toEqual(['delivery-d-push-1']);
    expect(await ids(['events'], { id: 'delivery-d-push-1' })).toEqual(['delivery-d-push-1']);
    expect((await sut.list(['publish'], { event: 'team' })).map((letter) => letter.subject)).toEqual(['delete team/team-gone (installation 7)']);
    expect((await sut.list(['publish'], { since: new Date('2020-01-02T00:00:00Z') })).map((letter) => letter.subject)).toEqual(['delete team/team-gone (installation 7)']);
    expect((await sut.list(['publish', 'events'], { limit: 1 })).map((letter) => letter.subject)).toEqual(['upsert service/svc-bad (installation 7)']);
    expect(await ids(['events'], { event: 'release' })).toEqual([]);
  });

  it('replays an event onto its partition past the delivery check, where it is processed, and removes it from the dead letters', async () => {
    expect(await connection.exists(eventKeys(prefix).delivery('d-issue-1'))).toBe(1);
    const letters = await sut.list(['events'], { id: 'd-issue-1' });

    const [result] = await sut.replay(letters);

    expect(result).toMatchObject({ outcome: 'replayed', jobId: expect.stringMatching(/^delivery-d-issue-1-replay-\d+$/) });
    const processed = await waitFor('the replayed event to be processed', async () => handled.find((received) => received.deliveryId === 'd-issue-1'));
    expect(processed).toMatchObject({ event: 'issues', action: 'opened', groupKey: 'repo-1/issue-1', payload: { action: 'opened', marker: 'd-issue-1' } });
    expect(await sut.list(['events'], { id: 'd-issue-1' })).toEqual([]);
    expect(await eventsDlq.count()).toBe(2);
  });

  it('replays refused entities as changes jobs with their recorded or default settings, an upsert or a delete as they failed', async () => {
    const results = await sut.replay(await sut.list(['publish']));

    expect(results.map((result) => result.outcome)).toEqual(['replayed', 'replayed']);
    const jobs = await publishQueue.getJobs(['wait']);
    expect(jobs.map((job) => job.name)).toEqual([PublishJobName.Changes, PublishJobName.Changes]);
    expect(jobs.map((job) => job.data as PublishChangesJob).sort((a, b) => a.changes[0].type.localeCompare(b.changes[0].type))).toEqual([
      {
        installationId: '7',
        origin: 'exporter',
        settings: { merge: true, createMissingRelatedEntities: true, deleteDependentEntities: true },
        changes: [{ type: 'delete', blueprint: 'team', identifier: 'team-gone', observedAt: '2020-01-02T10:00:00.000Z' }],
      },
      {
        installationId: '7',
        origin: 'exporter',
        settings: { merge: false, createMissingRelatedEntities: false, deleteDependentEntities: false },
        changes: [{ type: 'upsert', entity: { identifier: 'svc-bad', blueprint: 'service', properties: { replicas: 'many' } }, observedAt: '2020-01-01T10:00:00.000Z' }],
      },
    ]);
    expect(await publishDlq.count()).toBe(0);
  });

  it('does not replay an event whose payload was lost, and keeps it', async () => {
    const lost: DeadLetteredEvent = { event: event('d-lost', 'issues', 'opened', 'repo-2/issue-9'), error: 'the payload is gone', attempts: 1, failedAt: new Date().toISOString() };
    await eventsDlq.add('issues', lost, { jobId: 'delivery-d-lost' });

    const [result] = await sut.replay(await sut.list(['events'], { id: 'd-lost' }));

    expect(result).toMatchObject({ outcome: 'not-replayable', reason: expect.stringContaining('Recent Deliveries') });
    expect(await sut.list(['events'], { id: 'd-lost' })).toHaveLength(1);
  });

  it('drops the chosen dead letters for good and leaves the others', async () => {
    const dropped = await sut.drop(await sut.list(['events'], { event: 'issues' }));

    expect(dropped).toBe(2);
    expect((await sut.list(['events'])).map((letter) => letter.id)).toEqual(['delivery-d-push-1']);
  });
});
