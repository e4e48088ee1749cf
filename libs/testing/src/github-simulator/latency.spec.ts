import { ResponseDelay } from './latency';

describe('ResponseDelay', () => {
  it('adds exactly the latency when there is no jitter', () => {
    const sut = new ResponseDelay(100, 0, 1);
    expect([sut.nextMs(), sut.nextMs()]).toEqual([100, 100]);
  });

  it('spreads delays over latency ± jitter, the same sequence on every run', () => {
    const draw = () => {
      const sut = new ResponseDelay(100, 20, 7);
      return Array.from({ length: 1_000 }, () => sut.nextMs());
    };
    const delays = draw();
    expect(draw()).toEqual(delays);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...delays)).toBeLessThanOrEqual(120);
    expect(Math.min(...delays)).toBeLessThan(85);
    expect(Math.max(...delays)).toBeGreaterThan(115);
    expect(new ResponseDelay(100, 20, 8).nextMs()).not.toBe(delays[0]);
  });
});
