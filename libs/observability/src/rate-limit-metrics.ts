import { Gauge } from 'prom-client';
import type { MetricsRegistry } from './metrics-registry';

/** What GitHub's `x-ratelimit-*` headers said last, for one scope. */
export interface RateLimitReading {
  limit: number;
  remaining: number;
  /** Milliseconds since the epoch. */
  resetAt: number;
}

/**
 * A listener for the GitHub layer's rate-limit readings (`createGithubAccess(…, { onRateLimit })`) that keeps
 * `glint_github_rate_limit_remaining{scope}` and `glint_github_rate_limit_limit{scope}`, where the scope is
 * `installation:<id>` in App mode, `pat` with a token, `app` for App JWT calls.
 */
export function rateLimitRecorder({ registry }: MetricsRegistry): (scope: string, reading: RateLimitReading) => void {
  const gauge = (name: string, help: string) =>
    (registry.getSingleMetric(name) as Gauge<'scope'> | undefined) ?? new Gauge({ name, help, labelNames: ['scope'], registers: [registry] });
  const remaining = gauge('glint_github_rate_limit_remaining', 'Requests left in the current GitHub rate-limit window, per installation (scope)');
  const limit = gauge('glint_github_rate_limit_limit', 'Requests allowed per GitHub rate-limit window, per installation (scope)');
  const resetAt = gauge('glint_github_rate_limit_reset_timestamp_seconds', 'When the current GitHub rate-limit window ends (Unix time), per installation (scope)');
  return (scope, reading) => {
    remaining.set({ scope }, reading.remaining);
    limit.set({ scope }, reading.limit);
    resetAt.set({ scope }, Math.round(reading.resetAt / 1000));
  };
}
