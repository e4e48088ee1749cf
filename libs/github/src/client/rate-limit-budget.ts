import type { Clock, Sleep } from './clock';

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

  constructor(
    readonly scope: string,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    private readonly thresholdPercent: number,
    private readonly listener?: RateLimitListener,
  ) {}

  snapshot(): RateLimitState | undefined {
    return this.state ? { ...this.state } : undefined;
  }

  /** Resolves when a request of this purpose may go out; counts it optimistically. Returns the milliseconds waited. */
  async acquire(purpose: RequestPurpose): Promise<number> {
    let waited = 0;
    for (;;) {
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
  }

  /** A primary rate-limit answer: nothing left until `resetAt` (milliseconds since the epoch). */
  exhaust(resetAt: number, limit?: number): void {
    const knownLimit = limit ?? this.state?.limit ?? 1;
    this.state = { limit: knownLimit, remaining: 0, resetAt: Math.max(resetAt, this.clock.now()) };
    this.notify();
  }

  private usedPercent(state: RateLimitState): number {
    return ((state.limit - state.remaining) / state.limit) * 100;
  }

  private notify(): void {
    if (this.state && this.listener) this.listener(this.scope, { ...this.state });
  }
}
