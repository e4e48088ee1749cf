import { humaneTime, timeElement } from './humane-time';

const now = new Date('2026-12-03T12:00:00.000Z');
const before = (milliseconds: number): Date => new Date(now.getTime() - milliseconds);

describe('humaneTime', () => {
  it.each([
    [20_000, 'just now'],
    [60_000, '1 minute ago'],
    [3 * 60_000 + 59_000, '3 minutes ago'],
    [2 * 3_600_000, '2 hours ago'],
    [30 * 3_600_000, '1 day ago'],
    [-5 * 60_000, 'in 5 minutes'],
  ])('says %d ms before now is "%s"', (milliseconds, expected) => {
    expect(humaneTime(before(milliseconds), now)).toBe(expected);
  });

  it('gives a readable date past a week', () => {
    expect(humaneTime(new Date('2026-01-05T07:04:00.000Z'), now)).toBe('5 Jan 2026, 07:04 UTC');
  });
});

describe('timeElement', () => {
  it('keeps the ISO value in the title and datetime attributes', () => {
    expect(timeElement('2026-12-03T11:57:00Z', now).value).toBe('<time datetime="2026-12-03T11:57:00.000Z" title="2026-12-03T11:57:00.000Z">3 minutes ago</time>');
  });

  it('shows a value that is not a date as escaped text', () => {
    expect(timeElement('<b>soon</b>', now).value).toBe('&lt;b&gt;soon&lt;/b&gt;');
  });
});
