import { Counter, Gauge } from 'prom-client';
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
 * `glint_github_rate_limit_remaining{scope,resource}` and `glint_github_rate_limit_limit{scope,resource}`, where the
 * scope is `installation:<id>` in App mode, `pat` with a token, `app` for App JWT calls, and the resource `core`
 * (REST) or `graphql` (a GraphQL budget's scope ends in `:graphql`).
 */
export function rateLimitRecorder({ registry }: MetricsRegistry): (scope: string, reading: RateLimitReading) => void {
  const gauge = (name: string, help: string) =>
    (registry.getSingleMetric(name) as Gauge<'scope' | 'resource'> | undefined) ?? new Gauge({ name, help, labelNames: ['scope', 'resource'], registers: [registry] });
  const remaining = gauge('glint_github_rate_limit_remaining', 'Requests left in the current GitHub rate-limit window, per installation (scope)');
  const limit = gauge('glint_github_rate_limit_limit', 'Requests allowed per GitHub rate-limit window, per installation (scope)');
  const resetAt = gauge('glint_github_rate_limit_reset_timestamp_seconds', 'When the current GitHub rate-limit window ends (Unix time), per installation (scope)');
  return (budgetScope, reading) => {
    const graphql = budgetScope.endsWith(GRAPHQL_SUFFIX);
    const labels = { scope: graphql ? budgetScope.slice(0, -GRAPHQL_SUFFIX.length) : budgetScope, resource: graphql ? 'graphql' : 'core' };
    remaining.set(labels, reading.remaining);
    limit.set(labels, reading.limit);
    resetAt.set(labels, Math.round(reading.resetAt / 1000));
  };
}

const GRAPHQL_SUFFIX = ':graphql';

/** What the GitHub layer's shared limits report (`createGithubAccess(…, { onLimits })`). */
export interface GithubLimitsRecorder {
  waited(scope: string, purpose: string, waitedMs: number, reason: string): void;
  slowedDown(scope: string, waitMs: number, resyncConcurrency: number): void;
  unavailable(scope: string, error: unknown): void;
}

/**
 * Counts the waits GitHub's shared limits impose (`glint_github_limit_waits_total{purpose,reason}` and their
 * seconds), the secondary-limit answers that slowed every pod down, and the times Redis could not be asked; logs the
 * last two, which an operator should hear about.
 */
export function githubLimitsRecorder({ registry }: MetricsRegistry, log: { warn(message: string): void }): GithubLimitsRecorder {
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
  const waits = counter('glint_github_limit_waits_total', 'GitHub requests that waited for the limits shared by every pod (reason: in-flight, points, paused), by purpose', ['purpose', 'reason']);
  const waitSeconds = counter('glint_github_limit_wait_seconds_total', 'Time GitHub requests waited for the limits shared by every pod, by purpose', ['purpose']);
  const secondary = counter('glint_github_secondary_limits_total', 'GitHub secondary rate-limit answers that paused every request of the scope', ['scope']);
  const unavailable = counter('glint_github_limits_unavailable_total', 'Times Redis did not answer for the shared GitHub limits (requests went out without them for a few seconds)', ['scope']);
  return {
    waited: (_scope, purpose, waitedMs, reason) => {
      waits.inc({ purpose, reason });
      waitSeconds.inc({ purpose }, waitedMs / 1000);
    },
    slowedDown: (scope, waitMs, resyncConcurrency) => {
      secondary.inc({ scope });
      log.warn(`GitHub answered with a secondary rate limit: every request of ${scope} waits ${Math.ceil(waitMs / 1000)} s, resyncs go on with at most ${resyncConcurrency} request(s) in flight`);
    },
    unavailable: (scope, error) => {
      unavailable.inc({ scope });
      log.warn(`Redis did not answer for the shared GitHub limits of ${scope}; requests go out without them for a few seconds: ${error instanceof Error ? error.message : String(error)}`);
    },
  };
}
