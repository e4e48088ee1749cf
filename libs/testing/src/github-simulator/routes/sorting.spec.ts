import { dateQualifier, sortedBy } from './sorting';

describe('dateQualifier', () => {
  it.each([
    ['>=2026-01-10', '2026-01-10T00:00:00Z', true],
    ['>=2026-01-10', '2026-01-09T23:59:59Z', false],
    ['>2026-01-10', '2026-01-10T12:00:00Z', false],
    ['>2026-01-10', '2026-01-11T00:00:00Z', true],
    ['<2026-01-10', '2026-01-09T23:59:59Z', true],
    ['<=2026-01-10', '2026-01-10T23:00:00Z', true],
    ['2026-01-10', '2026-01-10T08:00:00Z', true],
    ['2026-01-10', '2026-01-11T00:00:00Z', false],
    ['2026-01-01..2026-01-10', '2026-01-10T20:00:00Z', true],
    ['2026-01-01..*', '2027-01-01T00:00:00Z', true],
  ])('%s against %s is %s', (qualifier, date, expected) => {
    expect(dateQualifier(qualifier)?.(date)).toBe(expected);
  });

  it('is undefined without a qualifier', () => {
    expect(dateQualifier(null)).toBeUndefined();
  });
});

describe('sortedBy', () => {
  it('sorts by key, then by the tie breaker in the same direction', () => {
    const items = [{ k: 'b', n: 1 }, { k: 'a', n: 2 }, { k: 'b', n: 3 }];
    expect(sortedBy(items, (item) => item.k, 'desc', (item) => item.n).map((item) => item.n)).toEqual([3, 1, 2]);
    expect(sortedBy(items, (item) => item.k, 'asc', (item) => item.n).map((item) => item.n)).toEqual([2, 1, 3]);
  });
});
