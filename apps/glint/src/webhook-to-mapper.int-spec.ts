import { startGateway } from '@glint/gateway';
import { startMapper } from '@glint/mapper';
import { DeadLetterQueues } from '@glint/queue';
import type { RunningService } from '@glint/runtime';
import { createTemporaryDatabase, PrivateRedisServer, sendWebhook, TemporaryDatabase, testConfig, waitFor } from '@glint/testing';

const SECRET = 'pipeline-test-secret';

describe('a webhook through the gateway to the mapper, on a real Redis and Postgres', () => {
  let redis: PrivateRedisServer;
  let database: TemporaryDatabase;
  const running: RunningService[] = [];

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    database = await createTemporaryDatabase('webhook_to_mapper');
    const config = await testConfig({ REDIS_URL: redis.url, DATABASE_URL: database.url, WEBHOOK_SECRET: SECRET, EVENT_PARTITIONS: '4', EVENT_WORKERS_COUNT: '2' }, [
      'gateway',
      'mapper',
    ]);
    running.push(await startMapper(config), await startGateway(config));
  });

  afterAll(async () => {
    for (const service of running.reverse()) await service.app.close();
    await database?.drop();
    await redis?.destroy();
  });

  const metric = async (pattern: RegExp) => {
    const text = await (await fetch(`${running[0].url}/metrics`)).text();
    return pattern.exec(text)?.[1];
  };

  it('takes an event nobody handles off its partition, counts it as ignored and frees its payload', async () => {
    const answer = await sendWebhook(`${running[1].url}/webhook`, SECRET, 'brand_new_event', { action: 'created', thing: { id: 1 }, repository: { id: 9 } });
    expect(answer.status).toBe(202);

    const ignored = await waitFor('the mapper to count the event', () =>
      metric(/glint_events_total\{event="brand_new_event",outcome="ignored",service="mapper"\} (\d+)/),
    );
    expect(ignored).toBe('1');

    const gatewayMetrics = await (await fetch(`${running[1].url}/metrics`)).text();
    expect(gatewayMetrics).toMatch(/glint_event_queue_depth\{partition="\d",service="gateway"\} 0/);
    const { Redis } = await import('ioredis');
    const inspector = new Redis(redis.url);
    expect(await inspector.keys('glint:payloads:*')).toEqual([]);
    inspector.disconnect();
  });

  it('dead-letters a signed pull_request without its repository at once, naming what it lacks, instead of ignoring it', async () => {
    const payload = { action: 'opened', number: 5, pull_request: { number: 5, title: 'no repository' }, installation: { id: 77 } };
    const answer = await sendWebhook(`${running[1].url}/webhook`, SECRET, 'pull_request', payload);
    expect(answer.status).toBe(202);

    const deadLettered = await waitFor('the mapper to dead-letter the event', () => metric(/glint_events_total\{event="pull_request",outcome="dead-lettered",service="mapper"\} (\d+)/));
    expect(deadLettered).toBe('1');
    expect(await metric(/glint_events_total\{event="pull_request",outcome="ignored",service="mapper"\} (\d+)/)).toBeUndefined();

    const { Redis } = await import('ioredis');
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const letters = new DeadLetterQueues(connection, { partitions: 4 });
    const [letter] = await letters.list(['events'], { event: 'pull_request' });
    await letters.close();
    connection.disconnect();
    expect(letter).toMatchObject({ source: 'events', error: expect.stringContaining('malformed pull_request payload: no `repository` object') });
  });
});
