import type { HealthReport } from '@glint/observability';
import type { RunningService } from '@glint/runtime';
import { getJson, PrivateRedisServer, testConfig, waitFor } from '@glint/testing';
import { startGateway } from './index';

describe('gateway /health against a Redis that stops and comes back', () => {
  let redis: PrivateRedisServer;
  let sut: RunningService;

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    sut = await startGateway(await testConfig({ REDIS_URL: redis.url }, ['gateway']));
  });

  afterAll(async () => {
    await sut?.app.close();
    await redis?.destroy();
  });

  it('answers 200 with Redis up', async () => {
    const answer = await getJson<HealthReport>(`${sut.url}/health`);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'ok', service: 'gateway', dependencies: { redis: { status: 'up' } } });
  });

  it('answers 503 naming Redis within 2 seconds of Redis stopping, and 200 again once it is back', async () => {
    await redis.stop();

    const started = Date.now();
    const down = await getJson<HealthReport>(`${sut.url}/health`);
    const elapsed = Date.now() - started;

    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'unavailable', dependencies: { redis: { status: 'down' } } });
    expect(elapsed).toBeLessThan(2_500);

    await redis.start();
    const up = await waitFor('gateway health to recover', async () => {
      const answer = await getJson<HealthReport>(`${sut.url}/health`);
      return answer.status === 200 ? answer : undefined;
    });
    expect(up.body.dependencies['redis']).toMatchObject({ status: 'up' });
  });

  it('serves Prometheus metrics with process metrics and the dependency gauge, labelled by service', async () => {
    await getJson(`${sut.url}/health`);
    const response = await fetch(`${sut.url}/metrics`);
    const text = await response.text();

    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toContain('process_resident_memory_bytes{service="gateway"}');
    expect(text).toContain('glint_dependency_up{dependency="redis",service="gateway"} 1');
  });
});
