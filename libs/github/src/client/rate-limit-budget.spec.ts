import { FakeTime } from './fake-github.spec-helper';
import { RateLimitBudget, type RateLimitState } from './rate-limit-budget';
import type { SharedBudget } from './shared-budget-store';

const headers = (limit: number, remaining: number, reset: number) => new Headers({ 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(reset) });

describe('RateLimitBudget', () => {
  let time: FakeTime;
  let seen: RateLimitState[];
  let sut: RateLimitBudget;

  beforeEach(() => {
    time = new FakeTime(1_000_000_000_000);
    seen = [];
    sut = new RateLimitBudget('installation:1', time.clock, time.sleep, 95, (_scope, state) => seen.push(state));
  });

  it('never waits before it has seen rate-limit headers (GHES with limits off)', async () => {
    await expect(sut.acquire('resync')).resolves.toBe(0);
    expect(sut.snapshot()).toBeUndefined();
  });

  const cases: Array<{ remaining: number; purpose: 'resync' | 'live' | 'action'; waits: boolean }> = [
    { remaining: 6, purpose: 'resync', waits: false },
    { remaining: 5, purpose: 'resync', waits: true },
    { remaining: 5, purpose: 'live', waits: false },
    { remaining: 5, purpose: 'action', waits: false },
    { remaining: 2, purpose: 'live', waits: false },
    { remaining: 1, purpose: 'live', waits: true },
    { remaining: 1, purpose: 'action', waits: true },
  ];
  it.each(cases)('with $remaining of 100 left a $purpose request waits: $waits', async ({ remaining, purpose, waits }) => {
    sut.observe(headers(100, remaining, time.seconds(60_000)));

    const waited = await sut.acquire(purpose);

    expect(waited > 0).toBe(waits);
    if (waits) expect(time.sleeps).toEqual([61_000]);
  });

  it('starts a full window after the reset', async () => {
    sut.observe(headers(100, 0, time.seconds(10_000)));
    await sut.acquire('resync');

    expect(sut.snapshot()).toMatchObject({ limit: 100, remaining: 99 });
  });

  it('keeps the lowest remaining of one window when answers arrive out of order, and reports each state', () => {
    sut.observe(headers(5000, 4000, time.seconds(60_000)));
    sut.observe(headers(5000, 4100, time.seconds(60_000)));
    sut.observe(headers(5000, 4999, time.seconds(3_660_000)));

    expect(seen.map((state) => state.remaining)).toEqual([4000, 4000, 4999]);
    expect(seen[0]).toEqual({ limit: 5000, remaining: 4000, resetAt: time.seconds(60_000) * 1_000 });
  });

  it('gives back a request that a 304 answered', async () => {
    sut.observe(headers(100, 50, time.seconds(60_000)));
    await sut.acquire('live');
    sut.refund();

    expect(sut.snapshot()?.remaining).toBe(50);
  });

  describe('shared with other pods', () => {
    class MemoryShare implements SharedBudget {
      state: RateLimitState | undefined;
      reads = 0;
      async publish(state: RateLimitState): Promise<void> {
        this.state = { ...state };
      }
      async read(): Promise<RateLimitState | undefined> {
        this.reads += 1;
        return this.state && { ...this.state };
      }
    }

    it("holds a resync back on the figure another pod saw, before this pod's first answer", async () => {
      const share = new MemoryShare();
      const resetAt = time.clock.now() + 600_000;
      share.state = { limit: 100, remaining: 5, resetAt };
      const waits: number[] = [];
      const sut = new RateLimitBudget('installation:1', time.clock, async (ms) => {
        waits.push(ms);
        time.advance(ms);
      }, 95, undefined, share);

      await sut.acquire('resync');

      expect(waits).toEqual([600_000 + 1_000]);
    });

    it('publishes what its answers say, and reads the shared figure at most once a second', async () => {
      const share = new MemoryShare();
      const sut = new RateLimitBudget('installation:1', time.clock, time.sleep, 95, undefined, share);
      sut.observe(headers(5000, 4000, time.seconds(3_600_000)));
      await Promise.resolve();
      expect(share.state).toEqual({ limit: 5000, remaining: 4000, resetAt: time.seconds(3_600_000) * 1_000 });

      await sut.acquire('live');
      await sut.acquire('live');
      time.advance(1_000);
      await sut.acquire('live');

      expect(share.reads).toBe(2);
    });

    it("takes another pod's lower remaining of the same window, never an older window's", async () => {
      const share = new MemoryShare();
      const sut = new RateLimitBudget('installation:1', time.clock, time.sleep, 95, undefined, share);
      const resetAt = time.seconds(3_600_000) * 1_000;
      sut.observe(headers(5000, 4000, resetAt / 1_000));
      share.state = { limit: 5000, remaining: 100, resetAt };
      time.advance(1_000);
      await sut.acquire('live');
      expect(sut.snapshot()?.remaining).toBe(99);

      share.state = { limit: 5000, remaining: 3, resetAt: resetAt - 3_600_000 };
      time.advance(1_000);
      await sut.acquire('live');
      expect(sut.snapshot()?.remaining).toBe(98);
    });
  });
});
