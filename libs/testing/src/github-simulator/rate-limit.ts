import { SimulatedClock } from './clock';

interface Bucket {
  used: number;
  resetAtMs: number;
}

export interface RateLimitStatus {
  limit: number;
  remaining: number;
  used: number;
  resetEpochSeconds: number;
}

/** GitHub's primary limit: `limit` requests per window, the window starting at a bucket's first request. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** After `exhaust()` without a key, buckets created before this instant start empty. */
  private exhaustedAllUntilMs = 0;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  private bucket(key: string): Bucket {
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.resetAtMs <= now) {
      bucket = now < this.exhaustedAllUntilMs ? { used: this.limit, resetAtMs: this.exhaustedAllUntilMs } : { used: 0, resetAtMs: now + this.windowSeconds * 1000 };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  status(key: string): RateLimitStatus {
    const bucket = this.bucket(key);
    return { limit: this.limit, remaining: Math.max(0, this.limit - bucket.used), used: bucket.used, resetEpochSeconds: Math.ceil(bucket.resetAtMs / 1000) };
  }

  consume(key: string): RateLimitStatus {
    this.bucket(key).used += 1;
    return this.status(key);
  }

  /** Empties one bucket (or every bucket, including ones first used later in this window) until its reset. */
  exhaust(key?: string): void {
    if (key !== undefined) {
      this.bucket(key).used = this.limit;
      return;
    }
    for (const bucketKey of this.buckets.keys()) this.bucket(bucketKey).used = this.limit;
    this.exhaustedAllUntilMs = this.clock.now() + this.windowSeconds * 1000;
  }

  reset(): void {
    this.buckets.clear();
    this.exhaustedAllUntilMs = 0;
  }
}

export function rateLimitHeaders(status: RateLimitStatus): Record<string, string> {
  return {
    'x-ratelimit-limit': String(status.limit),
    'x-ratelimit-remaining': String(status.remaining),
    'x-ratelimit-used': String(status.used),
    'x-ratelimit-reset': String(status.resetEpochSeconds),
    'x-ratelimit-resource': 'core',
  };
}
