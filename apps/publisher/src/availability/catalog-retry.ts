import { isCatalogUnavailable } from '@glint/catalog-client';
import { errorText } from '@glint/queue';
import { abortableSleep } from '@glint/runtime';

/** How a publish job waits for a catalog that is unavailable. Production uses the defaults; tests compress them. */
export interface CatalogRetryPolicy {
  /** The wait after the first try that found the catalog unavailable; each further wait doubles… */
  initialDelayMs: number;
  /** …up to this, for as long as the outage lasts. */
  maxDelayMs: number;
  /** While an outage lasts, it is logged again this often. */
  reminderEveryMs: number;
}

export const DEFAULT_CATALOG_RETRY_POLICY: CatalogRetryPolicy = { initialDelayMs: 1_000, maxDelayMs: 60_000, reminderEveryMs: 5 * 60_000 };

/** The wait before try `failures + 1`: exponential, capped, with equal jitter so the jobs of many pods spread out. */
export function retryDelayMs(policy: Pick<CatalogRetryPolicy, 'initialDelayMs' | 'maxDelayMs'>, failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export type RetryOutcome<T> = { done: true; value: T } | { done: false; retryAt: number; failures: number };

export interface CatalogRetryDependencies {
  policy: CatalogRetryPolicy;
  /** Told about each try that found the catalog unavailable, and when that try began (logs, metrics, the status the mapper shows). */
  onUnavailable: (error: string, failures: number, delayMs: number, triedSince: number) => Promise<void> | void;
  /**
   * Calls `listener` once the catalog outage under way ends (another job got through); returns how to stop listening.
   * The jobs waiting for it then go on at once instead of finishing their waits.
   */
  onOutageEnd?: (listener: () => void) => () => void;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/**
 * Runs a publish job's catalog work until the catalog takes it, however long it is unavailable (no answer, 401 after a
 * token renewal, 408, 429, 5xx): the job keeps its place and its attempts, waiting in between with capped exponential
 * backoff. Any other error (the catalog refusing an entity is not one: it comes back as a result) is thrown to the
 * caller, where the job's own attempts apply. Work that fails part-way is run again whole: each job's writes are
 * idempotent (upserts by identifier, newest observation wins).
 *
 * When `stop` aborts (the publisher shuts down) during a wait, it returns `done: false` with the time the next try was
 * due, so the caller can hand the job back to the queue for another process.
 */
export class CatalogRetry {
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: CatalogRetryDependencies) {
    this.sleep = deps.sleep ?? abortableSleep;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  async run<T>(work: () => Promise<T>, stop: AbortSignal): Promise<RetryOutcome<T>> {
    for (let failures = 1; ; failures += 1) {
      const triedSince = this.now();
      try {
        return { done: true, value: await work() };
      } catch (error) {
        if (!isCatalogUnavailable(error)) throw error;
        const delayMs = retryDelayMs(this.deps.policy, failures, this.random);
        const retryAt = this.now() + delayMs;
        await this.deps.onUnavailable(errorText(error.message), failures, delayMs, triedSince);
        if (stop.aborted) return { done: false, retryAt, failures };
        await this.waitBeforeNextTry(delayMs, stop);
        if (stop.aborted) return { done: false, retryAt, failures };
      }
    }
  }

  private async waitBeforeNextTry(delayMs: number, stop: AbortSignal): Promise<void> {
    const wake = new AbortController();
    const wakeUp = () => wake.abort();
    stop.addEventListener('abort', wakeUp);
    const stopListening = this.deps.onOutageEnd?.(wakeUp);
    try {
      await this.sleep(delayMs, wake.signal);
    } finally {
      stop.removeEventListener('abort', wakeUp);
      stopListening?.();
    }
  }
}
