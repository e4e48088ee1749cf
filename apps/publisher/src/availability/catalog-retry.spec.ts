import { CatalogApiError, CatalogAuthenticationError } from '@glint/catalog-client';
import { CatalogRetry, DEFAULT_CATALOG_RETRY_POLICY, retryDelayMs } from './catalog-retry';

const unavailable = (status: number) => new CatalogApiError(`POST /v1/blueprints/{blueprint}/entities/bulk answered ${status} after 4 attempts`, status, 'POST /v1/blueprints/{blueprint}/entities/bulk');

function setup(random = () => 1) {
  const waits: number[] = [];
  const reported: Array<{ error: string; failures: number; delayMs: number }> = [];
  const retry = new CatalogRetry({
    policy: DEFAULT_CATALOG_RETRY_POLICY,
    onUnavailable: (error, failures, delayMs) => {
      reported.push({ error, failures, delayMs });
    },
    sleep: async (ms) => {
      waits.push(ms);
    },
    now: () => 0,
    random,
  });
  return { retry, waits, reported };
}

describe('CatalogRetry', () => {
  it('keeps trying for as long as the catalog is unavailable, each wait doubling from 1 s up to 60 s', async () => {
    const { retry, waits } = setup();
    const failures = [0, 408, 429, 500, 502, 503, 504, 401];
    let calls = 0;

    // 10,000 tries at 60 s apart would be a week of outage: the same loop production runs, with the clock left out.
    const outcome = await retry.run(async () => {
      calls += 1;
      if (calls <= 10_000) throw unavailable(failures[calls % failures.length] ?? 503);
      return 'published';
    }, new AbortController().signal);

    expect(outcome).toEqual({ done: true, value: 'published' });
    expect(waits).toHaveLength(10_000);
    expect(waits.slice(0, 8)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(Math.max(...waits)).toBe(60_000);
    expect(waits.slice(6).every((wait) => wait === 60_000)).toBe(true);
  });

  it('waits out refused credentials too: they are fixed in the configuration, not in the entity', async () => {
    const { retry, reported } = setup();
    let calls = 0;

    const outcome = await retry.run(async () => {
      calls += 1;
      if (calls === 1) throw new CatalogAuthenticationError('the catalog refused the client credentials (401)', 401, 'POST /v1/auth/access_token');
      return calls;
    }, new AbortController().signal);

    expect(outcome).toEqual({ done: true, value: 2 });
    expect(reported).toEqual([{ error: 'the catalog refused the client credentials (401)', failures: 1, delayMs: 1_000 }]);
  });

  it.each([
    ['a refusal of the request (422)', new CatalogApiError('answered 422: bad body', 422, 'POST /v1/entities/search')],
    ['any other error', new Error('relation "entity_state" does not exist')],
  ])('throws %s at once, for the job\'s own attempts', async (_label, error) => {
    const { retry, waits } = setup();
    let calls = 0;

    await expect(
      retry.run(async () => {
        calls += 1;
        throw error;
      }, new AbortController().signal),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('stops waiting when told to, saying when the next try was due', async () => {
    const stop = new AbortController();
    const retry = new CatalogRetry({
      policy: { ...DEFAULT_CATALOG_RETRY_POLICY, initialDelayMs: 5_000 },
      onUnavailable: () => undefined,
      sleep: async () => {
        stop.abort();
      },
      now: () => 1_000_000,
      random: () => 1,
    });

    const outcome = await retry.run(async () => {
      throw unavailable(503);
    }, stop.signal);

    expect(outcome).toEqual({ done: false, retryAt: 1_005_000, failures: 1 });
  });

  it('goes on at once when another job finds the catalog back, instead of finishing its wait', async () => {
    const listeners = new Set<() => void>();
    const retry = new CatalogRetry({
      policy: DEFAULT_CATALOG_RETRY_POLICY,
      onUnavailable: () => undefined,
      onOutageEnd: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      // A wait that only ends when woken: the test finishes only if the outage's end wakes it.
      sleep: (_ms, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
    });
    let calls = 0;

    const running = retry.run(async () => {
      calls += 1;
      if (calls === 1) throw unavailable(503);
      return 'published';
    }, new AbortController().signal);
    while (listeners.size === 0) await new Promise((resolve) => setImmediate(resolve));
    for (const listener of listeners) listener();

    await expect(running).resolves.toEqual({ done: true, value: 'published' });
    expect(listeners.size).toBe(0);
  });

  it('spreads each wait between half and all of its step, so the jobs of many pods do not try in step', () => {
    const policy = { initialDelayMs: 1_000, maxDelayMs: 60_000 };

    expect(retryDelayMs(policy, 3, () => 0)).toBe(2_000);
    expect(retryDelayMs(policy, 3, () => 1)).toBe(4_000);
    expect(retryDelayMs(policy, 200, () => 0.5)).toBe(45_000);
  });
});
