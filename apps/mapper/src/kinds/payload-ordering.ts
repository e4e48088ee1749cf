import { createHash } from 'node:crypto';

interface Seen {
  updatedAt: string;
  fingerprint: string;
}

/**
 * Remembers the last state taken from a payload for each object, so that two different states with the same
 * `updated_at` (GitHub's times have whole seconds) are told apart: the order of such a pair is unknown, and the object
 * is read from GitHub instead. Kept per process for the newest `capacity` objects; a partition's events usually meet
 * one process, and another process that never saw the first state orders by `updated_at` alone.
 */
export class PayloadOrdering {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly capacity = 20_000) {}

  /** Whether this state can be ordered by its `updated_at`; records it either way. */
  orderable(objectKey: string, updatedAt: string, object: unknown): boolean {
    const fingerprint = createHash('sha1').update(JSON.stringify(object)).digest('base64');
    const previous = this.seen.get(objectKey);
    this.seen.delete(objectKey);
    this.seen.set(objectKey, { updatedAt, fingerprint });
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return !previous || previous.updatedAt !== updatedAt || previous.fingerprint === fingerprint;
  }
}

/**
 * When a state stamped `updatedAt` (whole seconds) held at the latest: the end of its second (less a millisecond, which
 * a removal stamped in the same second takes: see `removedAtOf`), never later than now. Undefined when the stamp is no
 * time, or later than now: GitHub's clock is then ahead of this machine's, and the stamp cannot be compared with this
 * machine's observations.
 */
export function observedAtOf(updatedAt: string, nowMs: number): string | undefined {
  const second = secondOf(updatedAt, nowMs);
  return second === undefined ? undefined : new Date(Math.min(second + 998, nowMs)).toISOString();
}

/**
 * When a removal (deleted, archived, transferred) happened at the latest, as far as this machine can order it: when the
 * gateway received its event, and never before the end of the second its payload's `updated_at` names, so that a
 * state of the same second arriving later (another process, a late delivery) never brings the object back.
 */
export function removedAtOf(receivedAtMs: number, updatedAt: unknown, nowMs: number): string {
  const second = typeof updatedAt === 'string' ? secondOf(updatedAt, nowMs) : undefined;
  return new Date(Math.min(Math.max(receivedAtMs, second === undefined ? 0 : second + 999), nowMs)).toISOString();
}

function secondOf(updatedAt: string, nowMs: number): number | undefined {
  const stamped = Date.parse(updatedAt);
  return Number.isNaN(stamped) || stamped > nowMs ? undefined : Math.floor(stamped / 1000) * 1000;
}
