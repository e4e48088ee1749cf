import { mapWithConcurrency, settleWithin } from './concurrency';

describe('mapWithConcurrency', () => {
  it('keeps the input order with at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([30, 10, 20, 5], 2, async (ms) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, ms));
      inFlight -= 1;
      return ms * 2;
    });

    expect(results).toEqual([60, 20, 40, 10]);
    expect(most).toBe(2);
  });
});

describe('settleWithin', () => {
  it('says settled when the work resolves or rejects in time', async () => {
    expect(await settleWithin(Promise.resolve('done'), 1_000)).toBe('settled');
    expect(await settleWithin(Promise.reject(new Error('refused')), 1_000)).toBe('settled');
  });

  it('says timed-out when the work is still running at the deadline, without waiting for it', async () => {
    const started = Date.now();
    expect(await settleWithin(new Promise(() => undefined), 50)).toBe('timed-out');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
