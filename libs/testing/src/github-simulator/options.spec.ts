import { resolveOptions } from './options';

describe('resolveOptions', () => {
  const now = Date.UTC(2024, 0, 1);

  it('keeps a fixed 5,000-an-hour primary limit for every token and no secondary limits when no mode is given', () => {
    expect(resolveOptions({}, now).limits).toEqual({ primary: { kind: 'fixed', limit: 5000, windowSeconds: 3600 }, secondary: false });
  });

  it('turns every rate limit off in ghes mode', () => {
    expect(resolveOptions({ limits: 'ghes' }, now).limits).toEqual({ primary: { kind: 'none' }, secondary: false });
  });

  it("applies GitHub.com's per-token primary limits and its secondary limits in github.com mode", () => {
    expect(resolveOptions({ limits: 'github.com' }, now).limits).toEqual({ primary: { kind: 'github.com' }, secondary: true });
  });

  it('lets rateLimit set a fixed primary limit in any mode, leaving the secondary limits to the mode', () => {
    const rateLimit = { limit: 1_000_000, windowSeconds: 3600 };
    expect(resolveOptions({ rateLimit }, now).limits).toEqual({ primary: { kind: 'fixed', ...rateLimit }, secondary: false });
    expect(resolveOptions({ limits: 'ghes', rateLimit }, now).limits).toEqual({ primary: { kind: 'fixed', ...rateLimit }, secondary: false });
    expect(resolveOptions({ limits: 'github.com', rateLimit }, now).limits).toEqual({ primary: { kind: 'fixed', ...rateLimit }, secondary: true });
  });

  it('refuses a latency jitter larger than the latency it spreads', () => {
    expect(() => resolveOptions({ latencyMs: 100, latencyJitterMs: 101 }, now)).toThrow(/latencyJitterMs/);
    expect(() => resolveOptions({ latencyJitterMs: -1 }, now)).toThrow(/latencyJitterMs/);
    expect(resolveOptions({ latencyMs: 100, latencyJitterMs: 20 }, now)).toMatchObject({ latencyMs: 100, latencyJitterMs: 20 });
  });
});
