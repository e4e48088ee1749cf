import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@glint/config';
import { GithubSimulator, testServices } from '@glint/testing';
import { createGithubAccess, type GithubAccess } from './github-access';

const LIMIT = 20;

/**
 * The primary rate limit GitHub reports is the installation's, whichever pod asked: each `GithubAccess` here stands for
 * one mapper pod (its own clients, budgets and Redis connection) and they share only Redis, as pods do.
 */
describe('the rate-limit budget shared by pods through Redis', () => {
  let sim: GithubSimulator;
  let redis: Redis;
  let keyPrefix: string;
  const connections: Redis[] = [];

  beforeAll(() => {
    redis = new Redis(testServices.redisUrl);
  });

  afterAll(() => redis.disconnect());

  beforeEach(async () => {
    sim = await GithubSimulator.start({ seed: 3, organizations: 1, reposPerOrg: 1, latencyMs: 50, rateLimit: { limit: LIMIT, windowSeconds: 3600 } });
    keyPrefix = `glint-test-${randomUUID()}:limits:`;
  });

  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.disconnect();
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await sim.close();
  });

  /** One pod; its waits for the budget are recorded and end the request instead of sleeping for an hour. */
  function pod(waits: number[] = []): GithubAccess {
    const connection = new Redis(testServices.redisUrl);
    connections.push(connection);
    const config = loadConfig({ APP_ID: String(sim.appId), PRIVATE_KEY: sim.appPrivateKeyPem, GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    return createGithubAccess(config.github, {
      limitsRedis: connection,
      limitsKeyPrefix: keyPrefix,
      sleep: async (ms) => {
        waits.push(ms);
        throw new Error('held back by the budget');
      },
    });
  }

  it("holds a pod's resync back at the reservation when another pod spent the budget, before it sent a request of its own", async () => {
    const first = pod();
    const [installation] = await first.installations();
    const organization = installation.accountLogin;
    // 95% of the limit used, by webhooks of the first pod.
    for (let sent = 0; sent < LIMIT - 1; sent += 1) await first.clientFor(installation.id).request('GET /orgs/{org}', { org: organization }, { purpose: 'live', cached: false });
    const waits: number[] = [];
    const second = pod(waits);

    await expect(second.clientFor(installation.id).request('GET /orgs/{org}', { org: organization }, { purpose: 'resync' })).rejects.toThrow('held back by the budget');

    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(3_500_000);
    expect(await second.rateLimits?.(installation.id)).toEqual({ core: { limit: LIMIT, remaining: 1, resetAt: expect.any(Number) } });
  });

  it("lets a pod's webhook request through on the reservation another pod's resyncs leave", async () => {
    const first = pod();
    const [installation] = await first.installations();
    for (let sent = 0; sent < LIMIT - 2; sent += 1) await first.clientFor(installation.id).request('GET /orgs/{org}', { org: installation.accountLogin }, { purpose: 'live', cached: false });
    const second = pod();

    await expect(second.clientFor(installation.id).request('GET /orgs/{org}', { org: installation.accountLogin }, { purpose: 'live' })).resolves.toMatchObject({ login: installation.accountLogin });
  });
});
