import { startGateway } from '@glint/gateway';
import { startMapper } from '@glint/mapper';
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
});
