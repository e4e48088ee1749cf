import type { CatalogAvailabilityState } from '@glint/queue';

export interface AvailabilityLog {
  warn(message: string): void;
  log(message: string): void;
}

export interface CatalogAvailabilityDependencies {
  now: () => number;
  /** While an outage lasts, it is logged again this often. */
  reminderEveryMs: number;
  log: AvailabilityLog;
  /** Shares the state (Redis, for the mapper's `GET /status`); a failure to share is only logged. */
  report?: (state: CatalogAvailabilityState) => Promise<void>;
  /** Publish jobs waiting, for the reminders. */
  backlog?: () => Promise<number>;
}

interface Outage {
  since: number;
  lastError: string;
  /** Tries of publish jobs that found the catalog unavailable during this outage. */
  retries: number;
  lastLoggedAt: number;
}

/**
 * The publisher's view of the catalog. An outage starts when a publish job finds the catalog unavailable after the
 * client's own retries and nothing else got an answer meanwhile (one warning), is logged again every
 * `reminderEveryMs` while jobs keep finding it so (not on every try), and ends at the first answer of an entity or
 * search route that is not an unavailability (one info line with its length). Token requests do not count as
 * answers: an API that issues tokens but refuses them is still out. A job whose requests fail while other requests
 * get answers (a 5xx for one entity) is no outage: that job waits and tries again on its own.
 */
export class CatalogAvailability {
  private outage?: Outage;
  /** Whether an available state was shared since the process started or the last outage ended. */
  private reportedAvailable = false;
  /** When the catalog last answered a request of an entity or search route. */
  private lastAnsweredAt = Number.NEGATIVE_INFINITY;
  private readonly outageEndListeners = new Set<() => void>();

  constructor(private readonly deps: CatalogAvailabilityDependencies) {}

  get available(): boolean {
    return this.outage === undefined;
  }

  /** How long the current outage has lasted; 0 while the catalog is available. */
  outageSeconds(): number {
    return this.outage ? Math.max(0, (this.deps.now() - this.outage.since) / 1000) : 0;
  }

  /** Calls `listener` once when the current outage ends; nothing without an outage. Returns how to stop listening. */
  onOutageEnd(listener: () => void): () => void {
    if (!this.outage) return () => undefined;
    this.outageEndListeners.add(listener);
    return () => this.outageEndListeners.delete(listener);
  }

  /**
   * A publish job that started trying at `triedSince` found the catalog unavailable and will try again after
   * `retryInMs`. `this-request` when other requests were answered meanwhile: not an outage.
   */
  async unavailable(error: string, retryInMs: number, triedSince: number): Promise<'outage' | 'this-request'> {
    if (!this.outage && this.lastAnsweredAt > triedSince) return 'this-request';
    const now = this.deps.now();
    const outage = this.outage;
    if (!outage) {
      this.outage = { since: now, lastError: error, retries: 1, lastLoggedAt: now };
      this.reportedAvailable = false;
      this.deps.log.warn(
        `the catalog is unavailable: ${error}. Publish jobs wait and try again (next in ${seconds(retryInMs)}, the wait doubling up to a cap) for as long as it lasts; ` +
          'nothing is dead-lettered for it and the order of changes is kept',
      );
    } else {
      outage.retries += 1;
      outage.lastError = error;
      if (now - outage.lastLoggedAt >= this.deps.reminderEveryMs) {
        outage.lastLoggedAt = now;
        const waiting = await this.deps.backlog?.().catch(() => undefined);
        this.deps.log.warn(
          `the catalog is still unavailable after ${duration(now - outage.since)} (since ${new Date(outage.since).toISOString()}): ${error}; ` +
            `${waiting === undefined ? 'publish jobs are' : `${waiting} publish job${waiting === 1 ? ' is' : 's are'}`} waiting for it`,
        );
      }
    }
    await this.share();
    return 'outage';
  }

  /** The catalog answered a request of an entity or search route with something other than an unavailability. */
  answered(): void {
    this.lastAnsweredAt = this.deps.now();
    const outage = this.outage;
    if (!outage) {
      if (!this.reportedAvailable) {
        this.reportedAvailable = true;
        void this.share();
      }
      return;
    }
    this.outage = undefined;
    this.reportedAvailable = true;
    const listeners = [...this.outageEndListeners];
    this.outageEndListeners.clear();
    for (const listener of listeners) listener();
    this.deps.log.log(
      `the catalog is available again after ${duration(this.deps.now() - outage.since)} (${outage.retries} tr${outage.retries === 1 ? 'y' : 'ies'} of publish jobs found it unavailable); the waiting publish jobs go on`,
    );
    void this.share();
  }

  private async share(): Promise<void> {
    const outage = this.outage;
    const state: CatalogAvailabilityState = outage ? { available: false, since: outage.since, lastError: outage.lastError, retries: outage.retries } : { available: true, since: this.deps.now() };
    await this.deps.report?.(state).catch((error: unknown) => this.deps.log.warn(`could not share the catalog's availability in Redis: ${error instanceof Error ? error.message : String(error)}`));
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** `5 min 30 s`, `42 s`. */
export function duration(ms: number): string {
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  if (minutes === 0) return `${rest} s`;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
