import type { RateLimitState } from '@glint/github';
import type { SyncStatus } from './sync-status';

/** What a running resync expects to spend, and whether the installation's REST budget covers it before its reset. */
export interface ResyncOutlook {
  /** Units it still needs: the last complete resync of its mode spent this many, or its progress so far says so. */
  unitsStillNeeded: number;
  basis: 'previous-resync' | 'progress';
  /** Present when the budget will not cover it before the reset: says so, and when it expects to finish. */
  message?: string;
  expectedFinishAt?: string;
}

export interface OutlookInputs {
  status: SyncStatus;
  /** Units the last complete resync of the same mode spent; undefined when none has completed. */
  previousUnits: number | undefined;
  budget: RateLimitState | undefined;
  now: Date;
  /** Resync requests wait once this share of the limit is used (the reservation webhooks and actions keep). */
  reservationPercent: number;
  /** GitHub's primary window: an hour. */
  windowMs?: number;
}

const HOUR_MS = 60 * 60 * 1_000;

/** Undefined for a resync that is not running, or whose needs are unknown yet (no previous resync, no kind finished). */
export function resyncOutlook({ status, previousUnits, budget, now, reservationPercent, windowMs = HOUR_MS }: OutlookInputs): ResyncOutlook | undefined {
  if (status.state !== 'running') return undefined;
  const spent = status.units ?? 0;
  const expected = expectedUnits(status, previousUnits);
  if (!expected) return undefined;
  const unitsStillNeeded = Math.max(0, Math.ceil(expected.units - spent));
  const outlook: ResyncOutlook = { unitsStillNeeded, basis: expected.basis };
  if (!budget || budget.resetAt <= now.getTime()) return outlook;

  const perWindow = Math.floor((budget.limit * reservationPercent) / 100);
  const usableNow = Math.max(0, budget.remaining - (budget.limit - perWindow));
  if (unitsStillNeeded <= usableNow) return outlook;

  // What is left after this window's share is spent waits for the reset, then goes at the pace it went so far.
  const elapsedMs = Math.max(1, now.getTime() - Date.parse(status.startedAt));
  const msPerUnit = spent > 0 ? elapsedMs / spent : 0;
  const afterReset = unitsStillNeeded - usableNow;
  const moreWindows = perWindow > 0 ? Math.floor(afterReset / perWindow) : 0;
  const finish = new Date(budget.resetAt + moreWindows * windowMs + (afterReset - moreWindows * perWindow) * msPerUnit);
  return {
    ...outlook,
    expectedFinishAt: finish.toISOString(),
    message:
      `the ~${unitsStillNeeded} rate-limit units this resync still needs are more than the ${usableNow} resyncs may use before the reset at ` +
      `${new Date(budget.resetAt).toISOString()} (${budget.remaining} of ${budget.limit} left, ${100 - reservationPercent}% kept for webhooks and actions); ` +
      `it waits for the reset and expects to finish around ${finish.toISOString()}`,
  };
}

function expectedUnits(status: SyncStatus, previousUnits: number | undefined): { units: number; basis: ResyncOutlook['basis'] } | undefined {
  if (previousUnits !== undefined && previousUnits > 0) return { units: previousUnits, basis: 'previous-resync' };
  const done = status.kinds.filter((kind) => kind.done).length;
  if (status.kinds.length === 0 || done === 0) return undefined;
  return { units: ((status.units ?? 0) * status.kinds.length) / done, basis: 'progress' };
}
