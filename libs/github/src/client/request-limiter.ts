import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import type { RequestPurpose } from './rate-limit-budget';
import type { LeaseAnswer, LimitReason, LimitsPolicy, SharedLimitsStore } from './shared-limits-store';

/** How a request that held a permit ended, as the shared limits count it. */
export type RequestOutcome = 'answered' | 'not-modified' | 'refused' | 'failed';

export interface RequestPermit {
  /** Milliseconds the request waited for its permit. */
  readonly waitedMs: number;
  /** The answer's headers arrived (or the request failed): GitHub no longer counts it in flight. */
  release(outcome: RequestOutcome): void;
}

/** Admits each request of one scope within GitHub's secondary limits: requests in flight and points a minute. */
export interface RequestLimiter {
  /** Resolves when the request may go out; `pointsApply` when the scope answers with rate-limit headers (GitHub.com). */
  acquire(purpose: RequestPurpose, method: string, pointsApply: boolean): Promise<RequestPermit>;
  /** GitHub answered with a secondary limit: no request of the scope goes out for `waitMs`, and resyncs slow down. */
  slowDown(waitMs: number): Promise<void>;
}

/** What the shared limits did, for metrics and logs. */
export interface LimitsListener {
  /** A request waited `waitedMs` for its scope's limits; `reason` is what held it last. */
  waited?(scope: string, purpose: RequestPurpose, waitedMs: number, reason: LimitReason): void;
  /** A secondary limit paused the scope for `waitMs`; resync requests in flight are now at most `resyncConcurrency`. */
  slowedDown?(scope: string, waitMs: number, resyncConcurrency: number): void;
  /** Redis did not answer: requests go out without the shared limits for a few seconds. */
  unavailable?(scope: string, error: unknown): void;
}

/** GitHub.com's secondary limits per installation (docs.github.com, "About secondary rate limits"). */
export const GITHUB_SECONDARY_LIMITS = { maxInFlight: 100, pointsPerMinute: 900, readPoints: 1, writePoints: 5 } as const;

/** The most `GITHUB_MAX_CONCURRENCY` may be: the rest of GitHub's 100 requests in flight stays with webhooks and actions. */
export const MAX_RESYNC_CONCURRENCY = 80;
/** Resync requests in flight per installation when the configuration does not say (`GITHUB_MAX_CONCURRENCY`'s default). */
export const DEFAULT_RESYNC_CONCURRENCY = 20;
/** Longer than a request may take (60 s timeout), so only a dead pod's leases ever expire. */
export const DEFAULT_LEASE_TTL_MS = 90_000;

/**
 * The limits every pod of an installation keeps to together. Below GitHub's own: a request is counted in flight from
 * before it leaves until its answer arrives, and its points from when it leaves, so small differences from GitHub's
 * accounting (latency jitter, a request GitHub has not yet counted out) never tip it over.
 */
export function limitsPolicy(maxResyncInFlight: number, leaseTtlMs = DEFAULT_LEASE_TTL_MS): LimitsPolicy {
  const { maxInFlight, pointsPerMinute } = GITHUB_SECONDARY_LIMITS;
  return {
    maxInFlight: Math.floor(maxInFlight * 0.9),
    maxResyncInFlight: Math.min(maxResyncInFlight, MAX_RESYNC_CONCURRENCY),
    pointsPerMinute: Math.floor(pointsPerMinute * 0.9),
    resyncPointsPerMinute: Math.floor(pointsPerMinute * 0.8),
    leaseTtlMs,
    pollMs: 25,
  };
}

export function pointsOf(method: string): number {
  return method === 'GET' || method === 'HEAD' ? GITHUB_SECONDARY_LIMITS.readPoints : GITHUB_SECONDARY_LIMITS.writePoints;
}

/** For clients without shared limits (no Redis): every request goes out at once. */
export const unlimitedRequests: RequestLimiter = {
  acquire: async () => ({ waitedMs: 0, release: () => undefined }),
  slowDown: async () => undefined,
};

/** The longest a waiting request goes without asking Redis again (another pod's release frees a slot unannounced). */
const MAX_ASK_INTERVAL_MS = 1_000;
/** After Redis failed to answer, requests go out without the shared limits this long before it is asked again. */
const REDIS_BYPASS_MS = 5_000;

interface Waiter {
  purpose: RequestPurpose;
  resync: boolean;
  points: number;
  since: number;
  reason?: LimitReason;
  resolve(permit: RequestPermit): void;
}

export interface SharedRequestLimiterDependencies {
  store: SharedLimitsStore;
  scope: string;
  clock: Clock;
  listener?: LimitsListener;
}

/**
 * One process's side of a scope's shared limits. Its waiting requests queue here, webhooks' and actions' ahead of
 * resyncs', and only the first asks Redis, so a process adds one Redis call per request however many wait; it asks
 * again when one of its own requests ends, or when Redis said it might succeed. Without Redis it lets requests go.
 */
export class SharedRequestLimiter implements RequestLimiter {
  private readonly urgent: Waiter[] = [];
  private readonly resyncs: Waiter[] = [];
  private readonly leasePrefix = randomUUID();
  private leaseSequence = 0;
  private draining = false;
  private askAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private bypassUntil = 0;

  constructor(private readonly deps: SharedRequestLimiterDependencies) {}

  acquire(purpose: RequestPurpose, method: string, pointsApply: boolean): Promise<RequestPermit> {
    return new Promise((resolve) => {
      const waiter: Waiter = { purpose, resync: purpose === 'resync', points: pointsApply ? pointsOf(method) : 0, since: this.deps.clock.now(), resolve };
      (waiter.resync ? this.resyncs : this.urgent).push(waiter);
      this.pump();
    });
  }

  async slowDown(waitMs: number): Promise<void> {
    const { store, clock, scope, listener } = this.deps;
    try {
      const concurrency = await store.slowDown(clock.now(), waitMs);
      listener?.slowedDown?.(scope, waitMs, concurrency);
    } catch (error) {
      listener?.unavailable?.(scope, error);
    }
  }

  private pump(): void {
    if (this.draining) {
      this.askAgain = true;
      return;
    }
    this.draining = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.drain().finally(() => {
      this.draining = false;
      if (this.askAgain) this.pump();
    });
  }

  /** Admits waiting requests, the most urgent first, until Redis turns one away; then asks again later. */
  private async drain(): Promise<void> {
    const { store, clock, scope, listener } = this.deps;
    for (;;) {
      this.askAgain = false;
      const waiter = this.urgent[0] ?? this.resyncs[0];
      if (!waiter) return;
      if (clock.now() < this.bypassUntil) {
        this.admit(waiter, undefined);
        continue;
      }
      const leaseId = `${this.leasePrefix}:${(this.leaseSequence += 1)}`;
      let answer: LeaseAnswer;
      try {
        answer = await store.acquire({ leaseId, resync: waiter.resync, points: waiter.points, now: clock.now() });
      } catch (error) {
        // Requests still go out: holding every GitHub call up while Redis is away would stop webhooks too.
        this.bypassUntil = clock.now() + REDIS_BYPASS_MS;
        listener?.unavailable?.(scope, error);
        continue;
      }
      if (answer.granted) {
        this.admit(waiter, { leaseId, second: answer.second });
        continue;
      }
      // Every request queued behind it waits for the same reason (its own would be no better).
      for (const queued of [...this.urgent, ...this.resyncs]) queued.reason = answer.reason;
      // A request of this process ended, or a more urgent one arrived, while Redis answered.
      if (this.askAgain) continue;
      this.timer = setTimeout(() => this.pump(), Math.min(answer.retryInMs, MAX_ASK_INTERVAL_MS));
      return;
    }
  }

  private admit(waiter: Waiter, lease: { leaseId: string; second: number } | undefined): void {
    const queue = waiter.resync ? this.resyncs : this.urgent;
    queue.splice(queue.indexOf(waiter), 1);
    const waitedMs = Math.max(0, this.deps.clock.now() - waiter.since);
    if (waiter.reason) this.deps.listener?.waited?.(this.deps.scope, waiter.purpose, waitedMs, waiter.reason);
    let released = false;
    waiter.resolve({
      waitedMs: waiter.reason ? waitedMs : 0,
      release: (outcome) => {
        if (released || !lease) return;
        released = true;
        this.deps.store
          .release({ ...lease, resync: waiter.resync, points: waiter.points }, outcome)
          // The lease expires by itself.
          .catch(() => undefined)
          .finally(() => this.pump());
      },
    });
  }
}
