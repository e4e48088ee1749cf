import { request as httpRequest } from 'node:http';
import { Queue } from 'bullmq';
import { groupKeyOf } from '@glint/github';
import { createRedisConnection, DEFAULT_QUEUE_PREFIX, eventKeys, jobIdForDelivery, partitionOf, partitionQueueName, QueuedWebhookEvent, QueueName } from '@glint/queue';
import type { RunningService } from '@glint/runtime';
import { PrivateRedisServer, sendWebhook, testConfig, waitFor } from '@glint/testing';
import type { Redis } from 'ioredis';
import { startGateway } from '../index';

const SECRET = 'route-test-secret';
const PARTITIONS = 8;

interface WebhookExample {
  name: string;
  examples: Array<Record<string, unknown>>;
}
// The api.github.com set of @octokit/webhooks-examples: 58 events, 329 real payloads.
const examples: WebhookExample[] = require('@octokit/webhooks-examples/api.github.com/index.json');

describe('POST /webhook on the gateway, with a real Redis', () => {
  let redis: PrivateRedisServer;
  let gateway: RunningService;
  let inspector: Redis;
  let queues: Queue[];

  const webhookUrl = () => `${gateway.url}/webhook`;
  const queuedJob = (partition: number, deliveryId: string) => queues[partition].getJob(jobIdForDelivery(deliveryId));
  const queuedCount = async () => (await Promise.all(queues.map((queue) => queue.count()))).reduce((sum, count) => sum + count, 0);

  beforeAll(async () => {
    redis = await PrivateRedisServer.start({ durable: true });
    gateway = await startGateway(
      await testConfig({ REDIS_URL: redis.url, WEBHOOK_SECRET: SECRET, EVENT_PARTITIONS: String(PARTITIONS) }, ['gateway']),
    );
    inspector = createRedisConnection(redis.url, 'worker', 'test-inspector');
    queues = Array.from(
      { length: PARTITIONS },
      (_, partition) => new Queue(partitionQueueName(QueueName.Events, partition), { connection: inspector, prefix: DEFAULT_QUEUE_PREFIX }),
    );
  });

  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    inspector?.disconnect();
    await gateway?.app.close();
    await redis?.destroy();
  });

  it('accepts every api.github.com example payload and queues it in the partition of its group key', async () => {
    const misplaced: string[] = [];
    let sent = 0;
    for (const { name, examples: payloads } of examples) {
      for (const payload of payloads) {
        const answer = await sendWebhook(webhookUrl(), SECRET, name, payload);
        sent += 1;
        if (name === 'ping') {
          expect(answer.status).toBe(200);
          continue;
        }
        expect({ event: name, status: answer.status }).toEqual({ event: name, status: 202 });
        const groupKey = groupKeyOf(name, payload);
        const job = await queuedJob(partitionOf(groupKey, PARTITIONS), answer.deliveryId);
        const data = job?.data as QueuedWebhookEvent | undefined;
        const stored = await inspector.get(eventKeys(DEFAULT_QUEUE_PREFIX).payload(answer.deliveryId));
        if (data?.groupKey !== groupKey || data.event !== name || stored !== JSON.stringify(payload)) misplaced.push(`${name} ${answer.deliveryId}`);
      }
    }

    expect(sent).toBe(329);
    expect(misplaced).toEqual([]);
  });

  it('also takes deliveries on POST /, for an App whose webhook URL is the bare server URL', async () => {
    const answer = await sendWebhook(`${gateway.url}/`, SECRET, 'issues', { action: 'opened', issue: { number: 1 }, repository: { id: 1 } });

    expect(answer.status).toBe(202);
  });

  it('queues a redelivered delivery id only once', async () => {
    const payload = { action: 'opened', issue: { number: 2 }, repository: { id: 1 } };
    const first = await sendWebhook(webhookUrl(), SECRET, 'issues', payload);
    const before = await queuedCount();

    const again = await sendWebhook(webhookUrl(), SECRET, 'issues', payload, { deliveryId: first.deliveryId });

    expect(again).toMatchObject({ status: 202, body: { status: 'duplicate' } });
    expect(await queuedCount()).toBe(before);
  });

  it('refuses a wrong signature with 401 and a JSON reason', async () => {
    const answer = await sendWebhook(webhookUrl(), 'not-the-secret', 'issues', { action: 'opened' });

    expect(answer).toMatchObject({ status: 401, body: { error: 'bad_signature', message: expect.stringContaining('WEBHOOK_SECRET') } });
  });

  it('refuses a body declared larger than 25 MB with 413 without reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(webhookUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(26 * 1024 * 1024) },
      });
      request.on('response', (response) => resolve(response.statusCode ?? 0));
      request.on('error', reject);
      request.write('{"action":');
    });

    expect(status).toBe(413);
  });

  it('counts what it received, accepted, rejected and de-duplicated on /metrics', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();

    expect(text).toMatch(/glint_webhooks_received_total\{event="pull_request",service="gateway"\} \d+/);
    expect(text).toMatch(/glint_webhooks_accepted_total\{event="issues",service="gateway"\} \d+/);
    expect(text).toMatch(/glint_webhooks_rejected_total\{reason="bad_signature",service="gateway"\} 1/);
    expect(text).toMatch(/glint_webhooks_rejected_total\{reason="too_large",service="gateway"\} 1/);
    expect(text).toMatch(/glint_webhooks_duplicates_total\{service="gateway"\} 1/);
    expect(text).toMatch(/glint_event_queue_depth\{partition="7",service="gateway"\} \d+/);
    expect(text).toMatch(/glint_event_dlq_size\{service="gateway"\} 0/);
    expect(text).toMatch(/glint_webhook_enqueue_seconds_count\{service="gateway"\} \d+/);
  });

  describe('when Redis fails', () => {
    const issue = (number: number) => ({ action: 'edited', issue: { number }, repository: { id: 42 } });

    it('answers 503 within 2 s while Redis is down or hung, and loses nothing it answered 2xx', async () => {
      const acknowledged: string[] = [];
      for (let number = 1; number <= 20; number += 1) {
        const answer = await sendWebhook(webhookUrl(), SECRET, 'issues', issue(number));
        expect(answer.status).toBe(202);
        acknowledged.push(answer.deliveryId);
      }

      await redis.stop();
      const whileDown = await sendWebhook(webhookUrl(), SECRET, 'issues', issue(21));
      expect(whileDown).toMatchObject({ status: 503, body: { error: 'queue_unavailable' } });
      expect(whileDown.elapsedMs).toBeLessThan(2_000);

      await redis.start();
      await waitFor('the gateway to take deliveries again', async () => {
        const answer = await sendWebhook(webhookUrl(), SECRET, 'issues', issue(22));
        if (answer.status === 202) acknowledged.push(answer.deliveryId);
        return answer.status === 202 ? true : undefined;
      });

      redis.pause();
      const whileHung = await sendWebhook(webhookUrl(), SECRET, 'issues', issue(23));
      redis.resume();
      expect(whileHung).toMatchObject({ status: 503 });
      expect(whileHung.elapsedMs).toBeLessThan(2_000);

      for (let number = 24; number <= 30; number += 1) {
        const answer = await waitFor('a 202 after Redis resumed', async () => {
          const sent = await sendWebhook(webhookUrl(), SECRET, 'issues', issue(number));
          return sent.status === 202 ? sent : undefined;
        });
        acknowledged.push(answer.deliveryId);
      }

      const missing: string[] = [];
      for (const deliveryId of acknowledged) {
        if (!(await queuedJobAnywhere(deliveryId))) missing.push(deliveryId);
      }
      expect(acknowledged).toHaveLength(28);
      expect(missing).toEqual([]);
    });

    async function queuedJobAnywhere(deliveryId: string): Promise<boolean> {
      for (let partition = 0; partition < PARTITIONS; partition += 1) {
        if (await queuedJob(partition, deliveryId)) return true;
      }
      return false;
    }
  });
});
