import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { createRedisConnection, DeadLetteredEntity, DeadLetteredEvent, DeadLetteredJob, jobIdForDelivery, partitionOf, partitionQueueName, QueueName } from '@glint/queue';
import { PrivateRedisServer } from '@glint/testing';
import type { Redis } from 'ioredis';

const root = join(__dirname, '../../../..');
const PARTITIONS = 4;

describe('glint dlq, from the build, on a real Redis', () => {
  let redis: PrivateRedisServer;
  let connection: Redis;
  let eventsDlq: Queue;
  let publishDlq: Queue;

  const glint = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'dist/glint'), 'dlq', ...args], {
      env: { PATH: process.env['PATH'] ?? '', REDIS_URL: redis.url, EVENT_PARTITIONS: String(PARTITIONS) },
      encoding: 'utf8',
    });

  const deadEvent = (deliveryId: string, event: string, action: string, failedAt: string): DeadLetteredEvent => {
    const groupKey = `repo-5/issue-${deliveryId}`;
    return {
      event: { deliveryId, event, action, groupKey, partition: partitionOf(groupKey, PARTITIONS), receivedAt: failedAt, installationId: 9 },
      payload: { action, issue: { number: 1 } },
      error: `GET /repos/acme/api/issues/1 answered 403:\nthe App lacks 'Issues: read'`,
      attempts: 5,
      failedAt,
    };
  };

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
    redis = await PrivateRedisServer.start();
    connection = createRedisConnection(redis.url, 'worker', 'dlq-cli-test');
    eventsDlq = new Queue(QueueName.EventsDeadLetter, { connection, prefix: 'glint' });
    publishDlq = new Queue(QueueName.PublishDeadLetter, { connection, prefix: 'glint' });
    for (const letter of [deadEvent('d-1', 'issues', 'opened', '2026-01-01T00:00:00.000Z'), deadEvent('d-2', 'issues', 'edited', '2026-01-02T00:00:00.000Z'), deadEvent('d-3', 'release', 'published', '2026-01-03T00:00:00.000Z')]) {
      await eventsDlq.add(letter.event.event, letter, { jobId: jobIdForDelivery(letter.event.deliveryId) });
    }
    const refused: DeadLetteredEntity = { installationId: '9', origin: 'exporter', entity: { identifier: 'api', blueprint: 'service', properties: { tier: 7 } }, status: 422, error: 'invalid_request', message: 'tier must be a string', failedAt: '2026-01-04T00:00:00.000Z' };
    await publishDlq.add('entity', refused);
  });

  afterAll(async () => {
    await eventsDlq?.close();
    await publishDlq?.close();
    connection?.disconnect();
    await redis?.destroy();
  });

  it('lists one tab-separated line per dead letter, oldest first: queue, id, what failed, the error, when', () => {
    const result = glint('list');

    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      "events\tdelivery-d-1\tissues.opened repo-5/issue-d-1\tGET /repos/acme/api/issues/1 answered 403: the App lacks 'Issues: read'\t2026-01-01T00:00:00.000Z",
      "events\tdelivery-d-2\tissues.edited repo-5/issue-d-2\tGET /repos/acme/api/issues/1 answered 403: the App lacks 'Issues: read'\t2026-01-02T00:00:00.000Z",
      "events\tdelivery-d-3\trelease.published repo-5/issue-d-3\tGET /repos/acme/api/issues/1 answered 403: the App lacks 'Issues: read'\t2026-01-03T00:00:00.000Z",
      'publish\t1\tupsert service/api (installation 9)\t422 invalid_request: tier must be a string\t2026-01-04T00:00:00.000Z',
    ]);
    expect(result.stderr).toBe('4 dead letters\n');
  });

  it('filters by queue, event, time and count', () => {
    expect(glint('list', '--queue', 'events', '--event', 'issues', '--since', '2026-01-02T00:00:00Z').stdout).toMatch(/^events\tdelivery-d-2\t[^\n]*\n$/);
    expect(glint('list', '--queue=publish').stdout).toMatch(/^publish\t1\t/);
    expect(glint('list', '--limit', '2').stdout.trim().split('\n').map((line) => line.split('\t')[1])).toEqual(['delivery-d-1', 'delivery-d-2']);
    expect(glint('list', '--event', 'push')).toMatchObject({ status: 0, stdout: '', stderr: 'no dead letters in events, publish or jobs match\n' });
  });

  it('replays one event onto its partition, out of the dead letters', async () => {
    const result = glint('replay', '--id', 'd-1');

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^replayed {2}events {2}delivery-d-1 {2}issues\.opened repo-5\/issue-d-1 {2}as job delivery-d-1-replay-\d+\n$/);
    const partition = new Queue(partitionQueueName(QueueName.Events, partitionOf('repo-5/issue-d-1', PARTITIONS)), { connection, prefix: 'glint' });
    const [job] = await partition.getJobs(['wait']);
    expect(job?.data).toMatchObject({ deliveryId: 'd-1', event: 'issues', action: 'opened' });
    expect(JSON.parse((await connection.get('glint:payloads:d-1')) ?? 'null')).toEqual({ action: 'opened', issue: { number: 1 } });
    await partition.close();
    expect(await eventsDlq.getJob('delivery-d-1')).toBeUndefined();
  });

  it('refuses to drop without a filter, drops what the filter names', async () => {
    expect(glint('drop')).toMatchObject({ status: 2, stderr: expect.stringContaining('drop removes dead letters for good') });

    const result = glint('drop', '--queue', 'events', '--event', 'release');

    expect(result).toMatchObject({ status: 0, stderr: '1 dead letter dropped\n' });
    expect((await eventsDlq.getJobs(['wait'])).map((job) => job.id)).toEqual(['delivery-d-2']);
    expect(await publishDlq.count()).toBe(1);
  });

  it('lists a job that failed in another queue under --queue jobs, and replays it onto its queue with its attempts', async () => {
    const jobsDlq = new Queue(QueueName.JobsDeadLetter, { connection, prefix: 'glint' });
    const resync = new Queue(QueueName.Resync, { connection, prefix: 'glint' });
    try {
      const failed: DeadLetteredJob = {
        queue: 'resync',
        jobId: 'resync-9',
        name: 'resync',
        dataJson: '{"installation":{"id":9,"accountLogin":"acme"},"reason":"schedule"}',
        retry: { attempts: 3 },
        error: 'GitHub answered 502 three times',
        attempts: 3,
        failedAt: '2026-01-05T00:00:00.000Z',
      };
      await jobsDlq.add('job', failed, { jobId: 'resync-resync-9' });

      expect(glint('list', '--queue', 'jobs').stdout).toBe('jobs\tresync-resync-9\tresync job resync-9 of resync (3 attempts)\tGitHub answered 502 three times\t2026-01-05T00:00:00.000Z\n');
      const replayed = glint('replay', '--queue', 'jobs', '--id', 'resync-9');

      expect(replayed.status).toBe(0);
      const [job] = await resync.getJobs(['wait']);
      expect(job).toMatchObject({ name: 'resync', data: { installation: { id: 9, accountLogin: 'acme' }, reason: 'schedule' }, opts: expect.objectContaining({ attempts: 3 }) });
      expect(await jobsDlq.count()).toBe(0);
    } finally {
      await jobsDlq.close();
      await resync.close();
    }
  });

  it('exits 1 naming REDIS_URL when Redis cannot be reached', () => {
    const result = spawnSync(process.execPath, [join(root, 'dist/glint'), 'dlq', 'list'], {
      env: { PATH: process.env['PATH'] ?? '', REDIS_URL: 'redis://:pw-secret@127.0.0.1:1' },
      encoding: 'utf8',
      timeout: 20_000,
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe('glint dlq: cannot reach Redis at redis://:[redacted]@127.0.0.1:1 (REDIS_URL) within 5 s\n');
  });
});
