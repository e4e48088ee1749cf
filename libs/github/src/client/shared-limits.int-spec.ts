import { randomUUID } from 'node:crypto';
import { createRedisConnection } from '@glint/queue';
import { testServices, waitFor } from '@glint/testing';
import { Redis } from 'ioredis';
import type { RequestPurpose } from './rate-limit-budget';
import { type LimitsListener, type RequestPermit, SharedRequestLimiter } from './request-limiter';
import { type LimitsPolicy, SharedLimitsStore } from './shared-limits-store';

const SCOPE = 'installation:7';

/** A policy small enough to reach in a test; every limiter of one test shares it, as the pods of one deployment do. */
const POLICY: LimitsPolicy = { maxInFlight: 6, maxResyncInFlight: 4, pointsPerMinute: 10, resyncPointsPerMinute: 6, leaseTtlMs: 90_000, pollMs: 10 };

/** A request asked for: whether (and with what permit) it was let through yet. */
interface Asked {
  purpose: RequestPurpose;
  permit?: RequestPermit;
}

/**
 * GitHub's secondary limits shared through the real Redis: each limiter stands for one pod, with its own connection, and
 * every limiter of a test reads the same test clock, which only the test moves.
 */
describe('the GitHub limits shared by pods through Redis', () => {
  const connections: Redis[] = [];
  let cleaner: Redis;
  let keyPrefix: string;
  let now: number;
  const clock = { now: () => now };

  beforeAll(() => {
    cleaner = new Redis(testServices.redisUrl);
  });

  afterAll(() => cleaner.disconnect());

  beforeEach(() => {
    keyPrefix = `glint-test-${randomUUID()}:limits:`;
    now = Date.parse('2026-03-01T10:00:00.250Z');
  });

  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.disconnect();
    const keys = await cleaner.keys(`${keyPrefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
  });

  async function pod(policy: Partial<LimitsPolicy> = {}, listener?: LimitsListener): Promise<SharedRequestLimiter> {
    const connection = createRedisConnection(testServices.redisUrl, 'producer', 'limits-test');
    connections.push(connection);
    if (connection.status !== 'ready') await new Promise((resolve) => connection.once('ready', resolve));
    return new SharedRequestLimiter({ store: new SharedLimitsStore(connection, SCOPE, { ...POLICY, ...policy }, keyPrefix), scope: SCOPE, clock, listener });
  }

  function ask(limiter: SharedRequestLimiter, purpose: RequestPurpose, times = 1, method = 'GET'): Asked[] {
    return Array.from({ length: times }, () => {
      const asked: Asked = { purpose };
      void limiter.acquire(purpose, method, true).then((permit) => (asked.permit = permit));
      return asked;
    });
  }

  const through = (asked: Asked[]) => asked.filter((request) => request.permit !== undefined);
  /** Waits until exactly `count` of the requests went through, and gives the limiters time to let one more go wrongly. */
  async function expectThrough(asked: Asked[], count: number): Promise<void> {
    await waitFor(`${count} requests through`, async () => (through(asked).length >= count ? true : undefined), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(through(asked)).toHaveLength(count);
  }

  it('lets at most maxResyncInFlight resync requests of all pods go at once, and the next one as soon as one is answered', async () => {
    const pods = await Promise.all([pod(), pod(), pod()]);
    const asked = pods.flatMap((limiter) => ask(limiter, 'resync', 3));

    await expectThrough(asked, 4);
    through(asked)[0].permit?.release('answered');
    await expectThrough(asked, 5);
  });

  it("reports the wait of every request held back, not only of the first in its pod's queue", async () => {
    const waits: Array<{ purpose: RequestPurpose; reason: string }> = [];
    const limiter = await pod({}, { waited: (_scope, purpose, _waitedMs, reason) => waits.push({ purpose, reason }) });
    const asked = ask(limiter, 'resync', 6);
    await expectThrough(asked, 4);
    expect(waits).toEqual([]);

    for (const request of through(asked).slice(0, 2)) request.permit?.release('answered');
    await expectThrough(asked, 6);

    expect(waits).toEqual([
      { purpose: 'resync', reason: 'in-flight' },
      { purpose: 'resync', reason: 'in-flight' },
    ]);
  });

  it('lets webhook and action requests past resyncs at their limit, up to maxInFlight for all purposes together', async () => {
    const [first, second] = await Promise.all([pod(), pod()]);
    const resyncs = ask(first, 'resync', 5);
    await expectThrough(resyncs, 4);

    const urgent = [...ask(second, 'live', 2), ...ask(first, 'action', 1)];

    await expectThrough(urgent, 2);
    expect(through(resyncs)).toHaveLength(4);
  });

  it('keeps resync requests to their share of the points a minute and the others to the whole, until a minute after they were spent', async () => {
    const [first, second] = await Promise.all([pod(), pod()]);
    const resyncs = ask(first, 'resync', 8);
    // Each answered at once: the points stay spent, the requests in flight do not.
    await waitFor('4 resync requests through', async () => (through(resyncs).length >= 4 ? true : undefined));
    for (const request of through(resyncs)) request.permit?.release('answered');
    await expectThrough(resyncs, 6);
    for (const request of through(resyncs)) request.permit?.release('answered');

    // Webhook and action requests go on to the whole budget: 4 more reads; then a write (5 points) waits.
    const reads = ask(second, 'live', 5);
    await expectThrough(reads, 4);
    for (const request of through(reads)) request.permit?.release('answered');
    const writes = ask(second, 'action', 1, 'POST');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(through(writes)).toHaveLength(0);

    now += 61_000;
    await expectThrough(reads, 5);
    await expectThrough(writes, 1);
  });

  it('gives back the points of a request answered 304 (GitHub charges nothing for it)', async () => {
    const limiter = await pod({ maxInFlight: 20, maxResyncInFlight: 20 });
    const cached = ask(limiter, 'live', 10);
    await expectThrough(cached, 10);
    for (const request of cached) request.permit?.release('not-modified');

    await expectThrough(ask(limiter, 'live', 12), 10);
  });

  it('holds every pod back for the retry-after of a secondary limit, halving the resync concurrency once per breach and growing it back by one per that many answers', async () => {
    const slowedDown: Array<[number, number]> = [];
    const first = await pod({ maxResyncInFlight: 8, maxInFlight: 20, pointsPerMinute: 1_000, resyncPointsPerMinute: 1_000 }, { slowedDown: (_scope, waitMs, concurrency) => slowedDown.push([waitMs, concurrency]) });
    const second = await pod({ maxResyncInFlight: 8, maxInFlight: 20, pointsPerMinute: 1_000, resyncPointsPerMinute: 1_000 });

    // Two refusals of one breach (requests in flight when it began): one pause, one halving.
    await first.slowDown(2_000);
    await first.slowDown(2_000);
    expect(slowedDown).toEqual([
      [2_000, 4],
      [2_000, 4],
    ]);
    const paused = [...ask(second, 'live'), ...ask(second, 'resync', 6)];
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(through(paused)).toHaveLength(0);

    now += 2_000;
    await expectThrough(paused, 5);
    expect(through(paused).filter((request) => request.purpose === 'resync')).toHaveLength(4);

    // Four answers grow the resync concurrency from 4 to 5.
    const resyncs = through(paused).filter((request) => request.purpose === 'resync');
    for (const request of resyncs) request.permit?.release('answered');
    await expectThrough(paused, 7);
    const waiting = ask(second, 'resync', 5);
    await expectThrough(waiting, 3);
  });

  it('frees the leases of a pod that died mid-request once they expired', async () => {
    const dying = await pod({ leaseTtlMs: 30_000 });
    await expectThrough(ask(dying, 'resync', 4), 4);
    connections[0].disconnect();

    const survivor = await pod({ leaseTtlMs: 30_000 });
    const asked = ask(survivor, 'resync', 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(through(asked)).toHaveLength(0);

    now += 30_001;
    await expectThrough(asked, 2);
  });

  it('lets requests go, and says so, when Redis does not answer', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    unreachable.on('error', () => undefined);
    const problems: unknown[] = [];
    const limiter = new SharedRequestLimiter({
      store: new SharedLimitsStore(unreachable, SCOPE, POLICY, keyPrefix),
      scope: SCOPE,
      clock,
      listener: { unavailable: (_scope, error) => problems.push(error) },
    });

    await expect(limiter.acquire('resync', 'GET', true)).resolves.toMatchObject({ waitedMs: 0 });
    expect(problems).toEqual([expect.any(Error)]);
    unreachable.disconnect();
  });
});
