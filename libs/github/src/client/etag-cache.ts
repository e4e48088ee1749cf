import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/** The two Redis commands the cache uses; an ioredis `Redis` fits, and so does a small fake in unit tests. */
export interface EtagRedis {
  getBuffer(key: string): Promise<Buffer | null>;
  set(key: string, value: Buffer, expiryMode: 'EX', seconds: number): Promise<unknown>;
}

export interface CachedResponse {
  etag: string;
  body: unknown;
  /** The `Link` header, so a page served from the cache still leads to the next one. */
  link?: string;
}

export const DEFAULT_ETAG_KEY_PREFIX = 'glint:github:etag:';
export const DEFAULT_ETAG_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * Conditional-request cache shared by every pod: GET bodies with their ETag, per scope and URL. A 304 answer does
 * not count against GitHub's rate limit. Redis trouble only costs the saving, never the request. Entries are
 * gzipped: list pages are repetitive JSON (a page of pull requests embeds its repository twice per item), and an
 * organization's worth of them would otherwise take gigabytes of Redis.
 */
export class EtagCache {
  constructor(
    private readonly redis: EtagRedis,
    private readonly keyPrefix = DEFAULT_ETAG_KEY_PREFIX,
    private readonly ttlSeconds = DEFAULT_ETAG_TTL_SECONDS,
  ) {}

  async get(scope: string, url: string): Promise<CachedResponse | undefined> {
    try {
      const raw = await this.redis.getBuffer(this.key(scope, url));
      if (!raw) return undefined;
      const parsed = JSON.parse(gunzipSync(raw).toString('utf8')) as Partial<CachedResponse>;
      return typeof parsed.etag === 'string' ? { etag: parsed.etag, body: parsed.body, link: parsed.link } : undefined;
    } catch {
      return undefined;
    }
  }

  async set(scope: string, url: string, entry: CachedResponse): Promise<void> {
    try {
      await this.redis.set(this.key(scope, url), gzipSync(JSON.stringify(entry), { level: 1 }), 'EX', this.ttlSeconds);
    } catch {
      // The next request simply goes unconditional.
    }
  }

  private key(scope: string, url: string): string {
    return `${this.keyPrefix}${scope}:${createHash('sha256').update(url).digest('hex')}`;
  }
}
