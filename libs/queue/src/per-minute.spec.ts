import { perMinute, sumSeries } from './per-minute';

const minute = (n: number, seconds = 0): number => n * 60_000 + seconds * 1000;

describe('perMinute', () => {
  it('puts the running count in the minute of the last finished job and the written minutes before it', () => {
    const metrics = { meta: { count: 17, prevTS: minute(100, 5), prevCount: 12 }, data: [4, 0, 9] };

    expect(perMinute(metrics, minute(100, 30), 5)).toEqual([5, 4, 0, 9, 0]);
  });

  it('counts the minutes since the last finished job as 0', () => {
    const metrics = { meta: { count: 17, prevTS: minute(100, 5), prevCount: 12 }, data: [4, 0, 9] };

    expect(perMinute(metrics, minute(102, 1), 4)).toEqual([0, 0, 5, 4]);
  });

  it('is all zeros for a queue that never finished a job', () => {
    expect(perMinute({ meta: { count: 0, prevTS: 0, prevCount: 0 }, data: [] }, minute(5), 3)).toEqual([0, 0, 0]);
  });
});

describe('sumSeries', () => {
  it('adds several queues minute by minute', () => {
    expect(sumSeries([[1, 2, 3], [10, 0, 1]], 3)).toEqual([11, 2, 4]);
  });
});
