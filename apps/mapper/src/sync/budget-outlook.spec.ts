import { resyncOutlook } from './budget-outlook';
import type { SyncStatus } from './sync-status';

const START = Date.parse('2026-03-01T10:00:00Z');
const MINUTE = 60_000;

function running(units: number, kinds: Array<{ done?: boolean }> = [{}]): SyncStatus {
  return {
    installationId: '7',
    organization: 'acme',
    syncId: 'sync-1',
    reason: 'schedule',
    state: 'running',
    startedAt: new Date(START).toISOString(),
    kinds: kinds.map((kind) => ({ kind: 'pull-request', pages: 0, objects: 0, entities: 0, filtered: 0, mappingIssues: 0, ...kind })),
    errors: [],
    mode: 'full',
    units,
  };
}

describe('resyncOutlook', () => {
  const now = new Date(START + 10 * MINUTE);
  const resetAt = START + 40 * MINUTE;

  it('expects what the last complete resync of the same mode spent, less what this one spent, and says nothing more when the budget covers it', () => {
    const outlook = resyncOutlook({ status: running(100), previousUnits: 300, budget: { limit: 5000, remaining: 1000, resetAt }, now, reservationPercent: 95 });

    expect(outlook).toEqual({ unitsStillNeeded: 200, basis: 'previous-resync' });
  });

  it('says the budget will not cover the rest before the reset, keeping the reservation out, and expects to finish after the reset at the pace so far', () => {
    // 100 units in 10 minutes: 6 s a unit. 200 still needed, 150 - 50 (5% of 1000 kept) = 100 usable now.
    const outlook = resyncOutlook({ status: running(100), previousUnits: 300, budget: { limit: 1000, remaining: 150, resetAt }, now, reservationPercent: 95 });

    expect(outlook).toMatchObject({ unitsStillNeeded: 200, basis: 'previous-resync', expectedFinishAt: new Date(resetAt + 100 * 6_000).toISOString() });
    expect(outlook?.message).toBe(
      `the ~200 rate-limit units this resync still needs are more than the 100 resyncs may use before the reset at ${new Date(resetAt).toISOString()} (150 of 1000 left, 5% kept for webhooks and actions); ` +
        `it waits for the reset and expects to finish around ${new Date(resetAt + 100 * 6_000).toISOString()}`,
    );
  });

  it('counts whole windows when what is still needed is more than one window allows', () => {
    const outlook = resyncOutlook({ status: running(0), previousUnits: 2_500, budget: { limit: 1000, remaining: 50, resetAt }, now, reservationPercent: 95 });

    // Nothing usable now; 950 a window: two more windows after the reset, the last 600 at an unknown pace.
    expect(outlook?.expectedFinishAt).toBe(new Date(resetAt + 2 * 60 * MINUTE).toISOString());
  });

  it('estimates from the kinds finished so far when no resync of the mode completed before', () => {
    const outlook = resyncOutlook({ status: running(40, [{ done: true }, {}, {}, {}]), previousUnits: undefined, budget: undefined, now, reservationPercent: 95 });

    expect(outlook).toEqual({ unitsStillNeeded: 120, basis: 'progress' });
  });

  it('has no outlook for a finished resync, nor for one with nothing to go by', () => {
    expect(resyncOutlook({ status: { ...running(10), state: 'completed' }, previousUnits: 300, budget: undefined, now, reservationPercent: 95 })).toBeUndefined();
    expect(resyncOutlook({ status: running(10), previousUnits: undefined, budget: undefined, now, reservationPercent: 95 })).toBeUndefined();
  });
});
