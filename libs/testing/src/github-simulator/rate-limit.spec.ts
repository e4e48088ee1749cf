import { SimulatedClock } from './clock';
import { installationHourlyLimit, RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('counts per key and starts a new window after the reset', () => {
    const clock = new SimulatedClock();
    const sut = new RateLimiter(clock, 60);
    const a = { key: 'a', limit: 2 };
    expect(sut.consume(a)).toMatchObject({ limit: 2, remaining: 1, used: 1 });
    expect(sut.consume(a)).toMatchObject({ remaining: 0, used: 2 });
    expect(sut.status({ key: 'b', limit: 2 })).toMatchObject({ remaining: 2 });
    clock.advance(60_000);
    expect(sut.status(a)).toMatchObject({ remaining: 2, used: 0 });
  });

  it('exhausts one key, or every key including ones first used later in the window', () => {
    const clock = new SimulatedClock();
    const sut = new RateLimiter(clock, 60);
    const scope = (key: string) => ({ key, limit: 5 });
    sut.exhaust(scope('a'));
    expect(sut.status(scope('a')).remaining).toBe(0);
    expect(sut.status(scope('b')).remaining).toBe(5);
    sut.exhaust();
    expect(sut.status(scope('b')).remaining).toBe(0);
    expect(sut.status(scope('new')).remaining).toBe(0);
    clock.advance(61_000);
    expect(sut.status(scope('new')).remaining).toBe(5);
  });

  it('keeps the limit a window started with until its reset, then takes the new one', () => {
    const clock = new SimulatedClock();
    const sut = new RateLimiter(clock, 3600);
    sut.consume({ key: 'installation:1', limit: 5_000 });
    expect(sut.status({ key: 'installation:1', limit: 5_050 })).toMatchObject({ limit: 5_000, remaining: 4_999 });
    clock.advance(3_600_000);
    expect(sut.status({ key: 'installation:1', limit: 5_050 })).toMatchObject({ limit: 5_050, remaining: 5_050 });
  });
});

describe('installationHourlyLimit', () => {
  it('is 5,000 an hour for an installation with at most 20 repositories and 20 members', () => {
    expect(installationHourlyLimit(0, 0)).toBe(5_000);
    expect(installationHourlyLimit(20, 20)).toBe(5_000);
  });

  it('adds 50 an hour for each repository and each member above 20', () => {
    expect(installationHourlyLimit(21, 1)).toBe(5_050);
    expect(installationHourlyLimit(3, 25)).toBe(5_250);
    expect(installationHourlyLimit(60, 30)).toBe(5_000 + 50 * 40 + 50 * 10);
  });

  it('never exceeds 12,500 an hour', () => {
    expect(installationHourlyLimit(170, 20)).toBe(12_500);
    expect(installationHourlyLimit(171, 20)).toBe(12_500);
    expect(installationHourlyLimit(10_001, 500)).toBe(12_500);
  });
});
