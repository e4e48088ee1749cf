import type { Clock, Sleep } from './clock';
import type { SharedBudget } from './shared-budget-store';

export type RequestPurpose = 'resync' | 'live' | 'action';

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Milliseconds since the epoch. */
  resetAt: number;
}

export type RateLimitListener = (scope: string, state: RateLimitState) => void;

export const DEFAULT_RESERVATION_THRESHOLD_PERCENT = 95;

/** GitHub's reset header has one-second resolution; waking a little late avoids a wasted 403. */
const RESET_MARGIN_MS = 1_000;
/** How often a process takes the figure other pods shared; its own answers keep it current in between. */
export const SHARED_BUDGET_REFRESH_MS = 1_000;

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * The primary rate limit of one scope (`installation:<id>`, `pat`, `app`), learnt from `x-ratelimit-*` headers.
 * Before each request `acquire` waits when the window is spent, and a 'resync' request also waits once the
 * reserved share is reached, so webhooks ('live') and self-service actions keep quota. Scopes that never send the
 * headers (GHES with rate limiting off) are never held back.
 */
export class RateLimitBudget {
  private state: RateLimitState | undefined;
  private sharedReadAt = Number.NEGATIVE_INFINITY;

  /** `shared`: the installation's figure as every pod saw it (Redis); without it the budget is this process's own. */
  constructor(
    readonly scope: string,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    private readonly thresholdPercent: number,
    private readonly listener?: RateLimitListener,
    private readonly shared?: SharedBudget,
  ) {}

  snapshot(): RateLimitState | undefined {
    return this.state ? { ...this.state } : undefined;
  }

  /** Resolves when a request of this purpose may go out; counts it optimistically. Returns the milliseconds waited. */
  async acquire(purpose: RequestPurpose): Promise<number> {
    let waited = 0;
    for (;;) {
      await this.takeShared();
      const now = this.clock.now();
      const state = this.state;
      if (!state) return waited;
      if (now >= state.resetAt) {
        // A new window: assume it is full until the next response says otherwise.
        state.remaining = state.limit;
        state.resetAt = Number.POSITIVE_INFINITY;
      }
      if (state.remaining > 1 && !(purpose === 'resync' && this.usedPercent(state) >= this.thresholdPercent)) {
        state.remaining -= 1;
        return waited;
      }
      if (!Number.isFinite(state.resetAt)) return waited;
      const delay = state.resetAt - now + RESET_MARGIN_MS;
      waited += delay;
      await this.sleep(delay);
    }
  }

  /** A 304 costs nothing; give back what `acquire` took. */
  refund(): void {
    if (this.state) this.state.remaining = Math.min(this.state.limit, this.state.remaining + 1);
  }

  observe(headers: HeaderSource): void {
    // The search API's own limit (30 a minute) says nothing of the REST budget this one tracks.
    if (!countsAgainstCore(headers)) return;
    const limit = Number(headers.get('x-ratelimit-limit'));
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (!headers.get('x-ratelimit-limit') || !Number.isFinite(limit) || limit <= 0 || !Number.isFinite(remaining) || !Number.isFinite(reset)) return;
    const resetAt = reset * 1_000;
    const current = this.state;
    // Answers arrive out of order: within one window the lowest remaining is the truest.
    if (!current || !Number.isFinite(current.resetAt) || resetAt > current.resetAt || remaining < current.remaining || limit !== current.limit) {
      this.state = { limit, remaining, resetAt };
    }
    this.notify();
    this.share();
  }

  /** A primary rate-limit answer: nothing left until `resetAt` (milliseconds since the epoch). */
  exhaust(resetAt: number, limit?: number): void {
    const knownLimit = limit ?? this.state?.limit ?? 1;
    this.state = { limit: knownLimit, remaining: 0, resetAt: Math.max(resetAt, this.clock.now()) };
    this.notify();
    this.share();
  }

  /** What other pods saw, at most every `SHARED_BUDGET_REFRESH_MS`: a lower remaining, or a later window. */
  private async takeShared(): Promise<void> {
    const now = this.clock.now();
    if (!this.shared || now - this.sharedReadAt < SHARED_BUDGET_REFRESH_MS) return;
    this.sharedReadAt = now;
    let seen: RateLimitState | undefined;
    try {
      seen = await this.shared.read();
    } catch {
      // Redis away: this process's own figure still holds resyncs back.
      return;
    }
    const current = this.state;
    if (!seen || seen.resetAt <= this.clock.now()) return;
    if (!current || !Number.isFinite(current.resetAt) || seen.resetAt > current.resetAt || (seen.resetAt === current.resetAt && seen.remaining < current.remaining)) {
      this.state = { ...seen };
    }
  }

  private share(): void {
    if (this.shared && this.state) void this.shared.publish({ ...this.state }).catch(() => undefined);
  }

  private usedPercent(state: RateLimitState): number {
    return ((state.limit - state.remaining) / state.limit) * 100;
  }

  private notify(): void {
    if (this.state && this.listener) this.listener(this.scope, { ...this.state });
  }
}

/** Whether an answer's `x-ratelimit-*` headers are the REST (`core`) limit's: absent `x-ratelimit-resource` means they are. */
export function countsAgainstCore(headers: HeaderSource): boolean {
  const resource = headers.get('x-ratelimit-resource');
  return resource === null || resource === '' || resource === 'core';
}
