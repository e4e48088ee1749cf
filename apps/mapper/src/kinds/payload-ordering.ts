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

/** When a state stamped `updatedAt` (whole seconds) held at the latest: the end of its second, never later than now. */
export function observedAtOf(updatedAt: string, nowMs: number): string | undefined {
  const stamped = Date.parse(updatedAt);
  if (Number.isNaN(stamped)) return undefined;
  return new Date(Math.min(Math.floor(stamped / 1000) * 1000 + 999, nowMs)).toISOString();
}
