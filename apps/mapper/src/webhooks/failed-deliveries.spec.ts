import { DeliveryAttempt, DeliveryGroups, LOOKBACK_MARGIN_MS, MAX_LOOKBACK_MS, sweepWindowStart } from './failed-deliveries';

let nextId = 100;
function attempt(guid: string, status: number, overrides: Partial<DeliveryAttempt> = {}): DeliveryAttempt {
  nextId -= 1;
  return { id: nextId, guid, delivered_at: '2026-01-01T10:00:00Z', status_code: status, event: 'issues', action: 'opened', ...overrides };
}

describe('DeliveryGroups', () => {
  it('finds the events none of whose attempts succeeded, with the newest failed attempt to redeliver', () => {
    const sut = new DeliveryGroups();
    for (const item of [
      attempt('b', 503, { id: 9 }),
      attempt('a', 202, { id: 8 }),
      attempt('b', 0, { id: 7 }),
      attempt('a', 503, { id: 6 }),
      attempt('c', 404, { id: 5, event: 'push', action: null }),
      attempt('d', 200, { id: 4 }),
    ])
      sut.add(item);

    expect(sut.failed()).toEqual([
      { guid: 'b', deliveryId: 9, event: 'issues.opened' },
      { guid: 'c', deliveryId: 5, event: 'push' },
    ]);
  });

  it('treats a redirect or no answer at all as a failure and any 2xx as a success', () => {
    const sut = new DeliveryGroups();
    sut.add(attempt('moved', 301));
    sut.add(attempt('refused', 0));
    sut.add(attempt('created', 201));
    sut.add(attempt('no-content', 204));

    expect(sut.failed().map((failed) => failed.guid)).toEqual(['moved', 'refused']);
  });

  it('counts the attempts and keeps the newest time', () => {
    const sut = new DeliveryGroups();
    sut.add(attempt('a', 200, { delivered_at: '2026-01-01T10:00:05Z' }));
    sut.add(attempt('b', 500, { delivered_at: '2026-01-01T10:00:01Z' }));

    expect(sut.examined).toBe(2);
    expect(sut.newest).toBe(Date.parse('2026-01-01T10:00:05Z'));
  });
});

describe('sweepWindowStart', () => {
  const now = Date.parse('2026-01-10T00:00:00Z');

  it('looks 70 hours back on the first sweep', () => {
    expect(sweepWindowStart(now, undefined)).toBe(now - MAX_LOOKBACK_MS);
  });

  it('starts a margin before the newest delivery the previous sweep saw', () => {
    const previous = now - 5 * 60_000;
    expect(sweepWindowStart(now, previous)).toBe(previous - LOOKBACK_MARGIN_MS);
  });

  it('never looks further back than 70 hours', () => {
    expect(sweepWindowStart(now, now - 100 * 3_600_000)).toBe(now - MAX_LOOKBACK_MS);
  });
});
