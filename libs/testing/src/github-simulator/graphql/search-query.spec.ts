import { inRange, parseDateRange, parseSearchQuery } from './search-query';

describe('parseSearchQuery', () => {
  it('reads the qualifiers a listing of changed pull requests uses', () => {
    expect(parseSearchQuery('org:Acme is:pr is:merged updated:>=2024-05-01T10:00:00Z sort:updated-asc')).toEqual({
      orgs: ['acme'],
      repos: [],
      labels: [],
      terms: [],
      kind: 'pr',
      state: 'merged',
      updated: { fromMs: Date.parse('2024-05-01T10:00:00Z') },
      sort: { field: 'updated', direction: 'asc' },
    });
  });

  it('keeps repositories, labels, quoted free text and issue states', () => {
    expect(parseSearchQuery('repo:acme/API is:issue is:open label:"help wanted" "flaky test" created:2024-01-01..2024-01-31')).toMatchObject({
      repos: ['acme/api'],
      kind: 'issue',
      state: 'open',
      labels: ['help wanted'],
      terms: ['flaky test'],
      created: { fromMs: Date.parse('2024-01-01T00:00:00Z'), untilMs: Date.parse('2024-02-01T00:00:00Z') },
    });
  });

  it('names the qualifier to fix when a value is wrong', () => {
    expect(() => parseSearchQuery('updated:>=yesterday')).toThrow('Invalid date "yesterday" in the updated: qualifier');
    expect(() => parseSearchQuery('repo:acme')).toThrow('use repo:OWNER/NAME');
    expect(() => parseSearchQuery('is:spam')).toThrow('Unsupported is:spam');
  });
});

describe('date ranges', () => {
  it('treats a day as the whole UTC day and a time as an instant', () => {
    const day = parseDateRange('>2024-05-01', 'updated');
    expect(inRange('2024-05-01T23:59:59Z', day)).toBe(false);
    expect(inRange('2024-05-02T00:00:00Z', day)).toBe(true);
    const instant = parseDateRange('>2024-05-01T10:00:00Z', 'updated');
    expect(inRange('2024-05-01T10:00:00Z', instant)).toBe(false);
    expect(inRange('2024-05-01T10:00:01Z', instant)).toBe(true);
    expect(inRange('2024-05-01T10:00:00Z', parseDateRange('>=2024-05-01T10:00:00Z', 'updated'))).toBe(true);
    expect(inRange(null, parseDateRange('<2024-05-01', 'closed'))).toBe(false);
  });
});
