import { partitionOf } from './partitioner';

describe('partitionOf', () => {
  it('is stable: the same key always lands in the same partition', () => {
    expect(partitionOf('repo-1/pr-5', 16)).toBe(partitionOf('repo-1/pr-5', 16));
    // Pinned values: a change here would move live groups between partitions on upgrade.
    expect([partitionOf('repo-1/pr-5', 16), partitionOf('repo-2/pr-5', 16), partitionOf('installation-7', 8)]).toEqual([0, 11, 5]);
  });

  it('stays within 0..partitions-1 and spreads keys evenly', () => {
    const counts = new Array<number>(8).fill(0);
    for (let index = 0; index < 8_000; index += 1) counts[partitionOf(`repo-${index % 97}/pr-${index}`, 8)] += 1;

    for (const count of counts) expect(count).toBeGreaterThan(800);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(8_000);
  });

  it('rejects a partition count below 1', () => {
    expect(() => partitionOf('x', 0)).toThrow(RangeError);
  });
});
