import { request as httpRequest } from 'node:http';
import { Queue } from 'bullmq';
import { createRedisConnection, DEFAULT_QUEUE_PREFIX, jobIdForDelivery, partitionQueueName, QueueName } from '@glint/queue';
import type { RunningService } from '@glint/runtime';
import { PrivateRedisServer, sendWebhook, signWebhook, testConfig, waitFor } from '@glint/testing';
import { startGateway } from '../index';

const SECRET = 'shutdown-test-secret';

describe('the gateway stopping while webhooks arrive, with a real Redis', () => {
  let redis: PrivateRedisServer;
  let gateway: RunningService;

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    gateway = await startGateway(await testConfig({ REDIS_URL: redis.url, WEBHOOK_SECRET: SECRET, EVENT_PARTITIONS: '1' }, ['gateway']));
  });

  afterAll(async () => {
    await redis?.destroy();
  });

  it('answers new deliveries 503 once it stops, and stores the one it was receiving before answering it', async () => {
    const body = JSON.stringify({ action: 'opened', issue: { number: 1 }, repository: { id: 1 } });
    // A delivery whose body is still arriving when the shutdown starts.
    const slow = httpRequest(`${gateway.url}/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-github-event': 'issues',
        'x-github-delivery': 'slow-delivery',
        'x-hub-signature-256': signWebhook(body, SECRET),
      },
    });
    const slowAnswer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      slow.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      slow.on('error', reject);
    });
    slow.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));

    let closed = false;
    let acceptedMeanwhile = 0;
    const closing = gateway.app.close().then(() => (closed = true));
    const refused = await waitFor('the gateway to refuse new deliveries', async () => {
      const answer = await sendWebhook(`${gateway.url}/webhook`, SECRET, 'issues', { action: 'opened', issue: { number: 2 }, repository: { id: 1 } });
      if (answer.status === 202) acceptedMeanwhile += 1;
      return answer.status === 503 ? answer : undefined;
    });
    expect(refused.body).toMatchObject({ error: 'shutting_down', message: expect.stringContaining('redeliver') });
    expect(closed).toBe(false);

    slow.end(body.slice(10));
    expect(await slowAnswer).toMatchObject({ status: 202 });
    await closing;

    const inspector = createRedisConnection(redis.url, 'worker', 'shutdown-inspector');
    const partition = new Queue(partitionQueueName(QueueName.Events, 0), { connection: inspector, prefix: DEFAULT_QUEUE_PREFIX });
    expect(await partition.getJob(jobIdForDelivery('slow-delivery'))).toBeDefined();
    expect(await partition.count()).toBe(1 + acceptedMeanwhile);
    await partition.close();
    inspector.disconnect();
  });
});
