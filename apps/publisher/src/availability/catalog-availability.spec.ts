import type { CatalogAvailabilityState } from '@glint/queue';
import { CatalogAvailability } from './catalog-availability';

const MINUTE = 60_000;

function setup() {
  let now = Date.parse('2026-01-31T12:00:00Z');
  const lines: Array<{ level: 'warn' | 'info'; message: string }> = [];
  const shared: CatalogAvailabilityState[] = [];
  const sut = new CatalogAvailability({
    now: () => now,
    reminderEveryMs: 5 * MINUTE,
    log: { warn: (message) => lines.push({ level: 'warn', message }), log: (message) => lines.push({ level: 'info', message }) },
    report: async (state) => {
      shared.push(state);
    },
    backlog: async () => 3,
  });
  return { sut, lines, shared, advance: (ms: number) => (now += ms), now: () => now };
}

describe('CatalogAvailability', () => {
  it('logs one warning when an outage starts, a reminder every five minutes while tries keep failing, and one info line when it ends', async () => {
    const { sut, lines, advance, now } = setup();
    const error = 'POST /v1/blueprints/{blueprint}/entities/bulk could not reach the catalog at http://catalog:3004: fetch failed (connect ECONNREFUSED) after 4 attempts';

    await sut.unavailable(error, 1_000, now());
    for (let minute = 1; minute <= 11; minute += 1) {
      advance(30_000);
      await sut.unavailable(error, 60_000, now());
      advance(30_000);
      await sut.unavailable(error, 60_000, now());
    }
    advance(30_000);
    sut.answered();
    sut.answered();

    expect(lines.map((line) => line.level)).toEqual(['warn', 'warn', 'warn', 'info']);
    expect(lines[0]?.message).toBe(
      `the catalog is unavailable: ${error}. Publish jobs wait and try again (next in 1 s, the wait doubling up to a cap) for as long as it lasts; nothing is dead-lettered for it and the order of changes is kept`,
    );
    expect(lines[1]?.message).toBe(`the catalog is still unavailable after 5 min (since 2026-01-31T12:00:00.000Z): ${error}; 3 publish jobs are waiting for it`);
    expect(lines[2]?.message).toMatch(/^the catalog is still unavailable after 10 min /);
    expect(lines[3]?.message).toBe('the catalog is available again after 11 min 30 s (23 tries of publish jobs found it unavailable); the waiting publish jobs go on');
  });

  it('is what the metrics read: unavailable and for how long, then available with no outage', async () => {
    const { sut, advance, now } = setup();
    expect([sut.available, sut.outageSeconds()]).toEqual([true, 0]);

    await sut.unavailable('answered 503', 1_000, now());
    advance(330_000);

    expect([sut.available, sut.outageSeconds()]).toEqual([false, 330]);
    sut.answered();
    expect([sut.available, sut.outageSeconds()]).toEqual([true, 0]);
  });

  it('shares each change for the mapper\'s status: available once, the outage with its last error at each try, available again', async () => {
    const { sut, shared, advance, now } = setup();
    const start = now();

    sut.answered();
    sut.answered();
    await sut.unavailable('answered 502', 1_000, now());
    advance(2_000);
    await sut.unavailable('answered 503', 2_000, now());
    advance(1_000);
    sut.answered();
    await Promise.resolve();

    expect(shared).toEqual([
      { available: true, since: start },
      { available: false, since: start, lastError: 'answered 502', retries: 1 },
      { available: false, since: start, lastError: 'answered 503', retries: 2 },
      { available: true, since: start + 3_000 },
    ]);
  });

  it('takes a job whose requests fail while other requests get answers for that job\'s trouble, not an outage', async () => {
    const { sut, lines, shared, advance, now } = setup();
    const triedSince = now();
    advance(500);
    sut.answered();
    advance(1_500);

    expect(await sut.unavailable('answered 500 for this entity', 1_000, triedSince)).toBe('this-request');
    expect(sut.available).toBe(true);
    expect(lines).toEqual([]);
    expect(shared).toEqual([{ available: true, since: triedSince + 500 }]);
  });

  it('wakes the jobs waiting for the catalog when its outage ends, and no one without an outage', async () => {
    const { sut, now } = setup();
    const woken: string[] = [];
    sut.onOutageEnd(() => woken.push('before any outage'));
    await sut.unavailable('connect ECONNREFUSED', 1_000, now());
    sut.onOutageEnd(() => woken.push('first'));
    const stopListening = sut.onOutageEnd(() => woken.push('stopped listening'));
    sut.onOutageEnd(() => woken.push('second'));
    stopListening();

    sut.answered();
    sut.answered();

    expect(woken).toEqual(['first', 'second']);
  });
});
