import { SimulatedClock } from './clock';

export const GITHUB_COM_WINDOW_SECONDS = 3600;

/**
 * GitHub.com's primary limits for REST, requests per hour (docs.github.com, "Rate limits for the REST API"). GraphQL
 * has its own budget of the same sizes, in points ("Rate limits and query limits for the GraphQL API").
 */
export const GITHUB_COM_HOURLY_LIMITS = {
  personalAccessToken: 5_000,
  appJwt: 5_000,
  installation: { base: 5_000, perRepositoryOrUserAbove: 50, threshold: 20, max: 12_500 },
} as const;

/** An App installation's hourly limit: 50 more for each repository and each organization member above 20, capped. */
export function installationHourlyLimit(repositories: number, users: number): number {
  const { base, perRepositoryOrUserAbove, threshold, max } = GITHUB_COM_HOURLY_LIMITS.installation;
  const above = Math.max(0, repositories - threshold) + Math.max(0, users - threshold);
  return Math.min(max, base + perRepositoryOrUserAbove * above);
}

/** One caller's primary limit: its bucket, and the limit a new window of it starts with. */
export interface RateLimitScope {
  key: string;
  limit: number;
}

interface Bucket {
  limit: number;
  used: number;
  resetAtMs: number;
}

export interface RateLimitStatus {
  limit: number;
  remaining: number;
  used: number;
  resetEpochSeconds: number;
}

/**
 * GitHub's primary limit: a scope's limit per window, the window starting at a bucket's first request. The limit is
 * taken when a window starts, so an installation that gains repositories gets its higher limit at the next reset.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** After `exhaust()` without a scope, buckets created before this instant start empty. */
  private exhaustedAllUntilMs = 0;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly windowSeconds: number,
  ) {}

  private bucket({ key, limit }: RateLimitScope): Bucket {
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.resetAtMs <= now) {
      bucket = now < this.exhaustedAllUntilMs ? { limit, used: limit, resetAtMs: this.exhaustedAllUntilMs } : { limit, used: 0, resetAtMs: now + this.windowSeconds * 1000 };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  status(scope: RateLimitScope): RateLimitStatus {
    const bucket = this.bucket(scope);
    return { limit: bucket.limit, remaining: Math.max(0, bucket.limit - bucket.used), used: bucket.used, resetEpochSeconds: Math.ceil(bucket.resetAtMs / 1000) };
  }

  consume(scope: RateLimitScope, amount = 1): RateLimitStatus {
    this.bucket(scope).used += amount;
    return this.status(scope);
  }

  /** Empties one bucket (or every bucket, including ones first used later in this window) until its reset. */
  exhaust(scope?: RateLimitScope): void {
    if (scope !== undefined) {
      const bucket = this.bucket(scope);
      bucket.used = bucket.limit;
      return;
    }
    for (const bucket of this.buckets.values()) if (bucket.resetAtMs > this.clock.now()) bucket.used = bucket.limit;
    this.exhaustedAllUntilMs = this.clock.now() + this.windowSeconds * 1000;
  }

  reset(): void {
    this.buckets.clear();
    this.exhaustedAllUntilMs = 0;
  }
}

/** `resource`: `core` for REST, `graphql` for the GraphQL budget. */
export function rateLimitHeaders(status: RateLimitStatus | undefined, resource: 'core' | 'graphql' = 'core'): Record<string, string> {
  if (!status) return {};
  return {
    'x-ratelimit-limit': String(status.limit),
    'x-ratelimit-remaining': String(status.remaining),
    'x-ratelimit-used': String(status.used),
    'x-ratelimit-reset': String(status.resetEpochSeconds),
    'x-ratelimit-resource': resource,
  };
}
