import { randomUUID } from 'node:crypto';
import { Secret } from '@glint/config';
import { createRedisConnection } from '@glint/queue';
import type { Redis } from 'ioredis';
import { FakeGithub, FakeTime } from './fake-github.spec-helper';
import { createGithubAccess } from './github-access';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('ETag cache on the real Redis', () => {
  const etagKeyPrefix = `glint-test-${randomUUID()}:etag:`;
  let redis: Redis;
  let github: FakeGithub;

  beforeAll(async () => {
    redis = createRedisConnection(redisUrl, 'producer', 'test');
    // A producer connection has no offline queue: commands sent before it is ready fail (and the cache skips them).
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    github = new FakeGithub();
    github.on('GET', '/repos/acme/api', (request) =>
      request.headers['if-none-match'] === '"v1"' ? { status: 304, headers: { etag: '"v1"' } } : { headers: { etag: '"v1"' }, body: { id: 1, name: 'api' } },
    );
    await github.start();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${etagKeyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await github.close();
  });

  it('lets a second pod answer from the body the first one cached', async () => {
    const time = new FakeTime();
    const pod = () =>
      createGithubAccess(
        { auth: { kind: 'token', token: new Secret('ghp_test') }, apiUrl: github.apiUrl, graphqlUrl: '' },
        { redis, etagKeyPrefix, clock: time.clock, sleep: time.sleep },
      );
    const first = pod();
    const second = pod();

    await expect(first.clientFor(1).request('GET /repos/acme/api')).resolves.toEqual({ id: 1, name: 'api' });
    await expect(second.clientFor(1).request('GET /repos/acme/api')).resolves.toEqual({ id: 1, name: 'api' });

    expect(first.stats().notModified).toBe(0);
    expect(second.stats().notModified).toBe(1);
    expect(github.requests.map((request) => request.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    const [key] = await redis.keys(`${etagKeyPrefix}*`);
    expect(key).toMatch(new RegExp(`^${etagKeyPrefix}pat:[0-9a-f]{64}$`));
    expect(await redis.ttl(key)).toBeGreaterThan(7 * 24 * 3600 - 60);
  });
});
