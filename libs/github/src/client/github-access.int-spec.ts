import { randomUUID } from 'node:crypto';
import { loadConfig } from '@glint/config';
import { createRedisConnection } from '@glint/queue';
import { GithubSimulator, testServices } from '@glint/testing';
import type { Redis } from 'ioredis';
import { createGithubAccess } from './github-access';

const MINUTE = 60_000;

/** Moves Date.now() (and so the simulator's clock, auth-app's JWTs and the client's token cache) without waiting. */
function useMovableClock(): { advance: (ms: number) => void; sleeps: number[] } {
  jest.useFakeTimers({
    doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'queueMicrotask', 'hrtime', 'performance'],
  });
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms) => {
      sleeps.push(ms);
      jest.setSystemTime(Date.now() + ms);
    },
  };
}

async function appAccess(simulator: GithubSimulator, extra: Parameters<typeof createGithubAccess>[1] = {}) {
  const config = loadConfig(
    { APP_ID: String(simulator.appId), PRIVATE_KEY: simulator.appPrivateKeyPem, GHE_HOST: new URL(simulator.url).host, GHE_PROTOCOL: 'http' },
    ['mapper'],
  );
  const access = createGithubAccess(config.github, extra);
  const [installation] = await access.installations();
  return { access, installation, client: access.clientFor(installation.id) };
}

async function count(pages: AsyncIterable<unknown[]>): Promise<number> {
  let items = 0;
  for await (const page of pages) items += page.length;
  return items;
}

describe('GitHub access against the simulator', () => {
  let simulator: GithubSimulator;

  afterEach(async () => {
    jest.useRealTimers();
    await simulator?.close();
  });

  it('renews the installation token before it expires, with the clock moved past expiry', async () => {
    const clock = useMovableClock();
    simulator = await GithubSimulator.start({ seed: 3, reposPerOrg: 3 });
    const { client, installation } = await appAccess(simulator);
    const tokenRequests = () => simulator.stats().byRoute['POST /app/installations/{id}/access_tokens'] ?? 0;

    await client.request('GET /orgs/{org}', { org: installation.accountLogin });
    await client.request('GET /orgs/{org}', { org: installation.accountLogin });
    expect(tokenRequests()).toBe(1);

    clock.advance(56 * MINUTE);
    await client.request('GET /orgs/{org}', { org: installation.accountLogin });
    expect(tokenRequests()).toBe(2);

    clock.advance(61 * MINUTE);
    expect(await count(client.paginate('GET /orgs/{org}/repos', { org: installation.accountLogin }))).toBe(4);
    expect(tokenRequests()).toBe(3);
  });

  it('waits out an exhausted rate limit and resumes without an error', async () => {
    const clock = useMovableClock();
    simulator = await GithubSimulator.start({ seed: 3, reposPerOrg: 3, rateLimit: { limit: 100, windowSeconds: 3600 } });
    const { access, client, installation } = await appAccess(simulator, { sleep: async (ms) => clock.advance(ms) });
    await client.request('GET /orgs/{org}', { org: installation.accountLogin });

    simulator.exhaustRateLimit();
    const organization = await client.request<{ login: string }>('GET /orgs/{org}', { org: installation.accountLogin });

    expect(organization.login).toBe(installation.accountLogin);
    expect(access.stats().rateLimitWaits).toBeGreaterThanOrEqual(1);
    expect(Math.max(...clock.sleeps)).toBeGreaterThan(MINUTE);
  });

  it('waits for retry-after on a secondary rate limit', async () => {
    const clock = useMovableClock();
    simulator = await GithubSimulator.start({ seed: 3, reposPerOrg: 3 });
    const { client, installation } = await appAccess(simulator, { sleep: async (ms) => clock.advance(ms) });
    await client.request('GET /orgs/{org}', { org: installation.accountLogin });

    simulator.secondaryRateLimit(2, 30);
    await client.request('GET /orgs/{org}', { org: installation.accountLogin });

    expect(clock.sleeps.filter((ms) => ms === 30_000)).toHaveLength(2);
  });

  it('holds resync traffic back at the reservation threshold while a webhook-path request still goes through', async () => {
    const clock = useMovableClock();
    simulator = await GithubSimulator.start({ seed: 3, reposPerOrg: 3, rateLimit: { limit: 40, windowSeconds: 3600 } });
    const { client, installation } = await appAccess(simulator, { sleep: async (ms) => clock.advance(ms), reservationThresholdPercent: 90 });
    const org = { org: installation.accountLogin };
    while (clock.sleeps.length === 0) await client.request('GET /orgs/{org}', org, { purpose: 'resync' });
    const resyncWaitedFor = clock.sleeps[0];
    const usedBeforeLive = simulator.stats().requests;

    const live = await client.request<{ login: string }>('GET /orgs/{org}', org, { purpose: 'live' });

    expect(resyncWaitedFor).toBeGreaterThan(30 * MINUTE);
    expect(live.login).toBe(installation.accountLogin);
    expect(clock.sleeps).toHaveLength(1);
    expect(simulator.stats().requests).toBe(usedBeforeLive + 1);
  });

  it('recovers from a burst of 5xx answers, shrinking the page instead of skipping items', async () => {
    const clock = useMovableClock();
    simulator = await GithubSimulator.start({ seed: 3, reposPerOrg: 120 });
    const { access, client, installation } = await appAccess(simulator, { sleep: async (ms) => clock.advance(ms) });
    await client.request('GET /orgs/{org}', { org: installation.accountLogin });

    simulator.injectFaults({ status: 502, count: 3, routePattern: /\/repos\?/ });
    const names: string[] = [];
    for await (const page of client.paginate<{ name: string }>('GET /orgs/{org}/repos', { org: installation.accountLogin, sort: 'full_name' })) {
      names.push(...page.map((repository) => repository.name));
    }

    expect(names).toHaveLength(121);
    expect(new Set(names).size).toBe(121);
    expect(access.stats()).toMatchObject({ serverRetries: 3 });
    expect(access.stats().pageShrinks).toBeGreaterThanOrEqual(1);
  });

  describe('with the ETag cache in Redis', () => {
    let redis: Redis;

    beforeAll(async () => {
      redis = createRedisConnection(testServices.redisUrl, 'worker', 'etag-test');
    });

    afterAll(() => redis?.disconnect());

    it('answers an unchanged second listing from 304s, shared by a second client as another pod would be', async () => {
      simulator = await GithubSimulator.start({ seed: 3, reposPerOrg: 250 });
      const etagKeyPrefix = `glint-test-${randomUUID()}:etag:`;
      const first = await appAccess(simulator, { redis, etagKeyPrefix });
      expect(await count(first.client.paginate('GET /orgs/{org}/repos', { org: first.installation.accountLogin }))).toBe(251);

      simulator.resetStats();
      const secondPod = await appAccess(simulator, { redis, etagKeyPrefix });
      expect(await count(secondPod.client.paginate('GET /orgs/{org}/repos', { org: secondPod.installation.accountLogin }))).toBe(251);

      expect(simulator.stats().byRoute['GET /orgs/{org}/repos']).toBe(3);
      // The three repository pages, and the App's installation list.
      expect(secondPod.access.stats().notModified).toBe(4);
      expect(simulator.stats().notModified).toBe(4);
      const keys = await redis.keys(`${etagKeyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    });
  });
});
