import { SimulatedClock } from './clock';
import { ConcurrencyLimit, pointsOf, PointsWindow } from './secondary-limits';

const stoppedClock = () => new SimulatedClock(() => Date.UTC(2024, 0, 1));

describe('pointsOf', () => {
  it('costs a read 1 point and a write 5', () => {
    expect(['GET', 'HEAD'].map(pointsOf)).toEqual([1, 1]);
    expect(['POST', 'PATCH', 'PUT', 'DELETE'].map(pointsOf)).toEqual([5, 5, 5, 5]);
  });
});

describe('PointsWindow', () => {
  it('admits 900 points a minute and refuses the 901st', () => {
    const sut = new PointsWindow(stoppedClock());
    for (let i = 0; i < 170; i++) sut.spend('installation:1', 5);
    for (let i = 0; i < 50; i++) sut.spend('installation:1', 1);
    expect(sut.spent('installation:1')).toBe(900);
    expect(sut.waitFor('installation:1', 1)).toBeGreaterThan(0);
    expect(sut.waitFor('installation:2', 5)).toBe(0);
  });

  it('answers how long until the oldest spendings leave the minute and make room', () => {
    const clock = stoppedClock();
    const sut = new PointsWindow(clock);
    sut.spend('a', 5);
    clock.advance(10_000);
    sut.spend('a', 5);
    clock.advance(10_000);
    for (let i = 0; i < 890; i++) sut.spend('a', 1);
    expect(sut.waitFor('a', 1)).toBe(40_000);
    expect(sut.waitFor('a', 6)).toBe(50_000);
    clock.advance(40_000);
    expect(sut.spent('a')).toBe(895);
    expect(sut.waitFor('a', 5)).toBe(0);
    expect(sut.waitFor('a', 6)).toBe(10_000);
  });

  it('frees the whole budget a minute after the last spending', () => {
    const clock = stoppedClock();
    const sut = new PointsWindow(clock);
    for (let i = 0; i < 3_000; i++) {
      if (sut.waitFor('a', 1) > 0) clock.advance(sut.waitFor('a', 1));
      sut.spend('a', 1);
    }
    clock.advance(60_000);
    expect(sut.spent('a')).toBe(0);
    expect(sut.waitFor('a', 900)).toBe(0);
  });
});

describe('ConcurrencyLimit', () => {
  it('refuses a request arriving while 100 of the same token are in flight, until one is answered', () => {
    const sut = new ConcurrencyLimit();
    for (let i = 0; i < 100; i++) expect(sut.tryEnter('installation:1')).toBe(true);
    expect(sut.tryEnter('installation:1')).toBe(false);
    expect(sut.count('installation:1')).toBe(100);
    expect(sut.tryEnter('installation:2')).toBe(true);
    sut.leave('installation:1');
    expect(sut.tryEnter('installation:1')).toBe(true);
    expect(sut.tryEnter('installation:1')).toBe(false);
  });
});
