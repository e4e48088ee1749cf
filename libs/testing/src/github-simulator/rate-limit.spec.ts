import { SimulatedClock } from './clock';
import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('counts per key and starts a new window after the reset', () => {
    const clock = new SimulatedClock();
    const sut = new RateLimiter(clock, 2, 60);
    expect(sut.consume('a')).toMatchObject({ remaining: 1, used: 1 });
    expect(sut.consume('a')).toMatchObject({ remaining: 0, used: 2 });
    expect(sut.status('b')).toMatchObject({ remaining: 2 });
    clock.advance(60_000);
    expect(sut.status('a')).toMatchObject({ remaining: 2, used: 0 });
  });

  it('exhausts one key, or every key including ones first used later in the window', () => {
    const clock = new SimulatedClock();
    const sut = new RateLimiter(clock, 5, 60);
    sut.exhaust('a');
    expect(sut.status('a').remaining).toBe(0);
    expect(sut.status('b').remaining).toBe(5);
    sut.exhaust();
    expect(sut.status('b').remaining).toBe(0);
    expect(sut.status('new').remaining).toBe(0);
    clock.advance(61_000);
    expect(sut.status('new').remaining).toBe(5);
  });
});
