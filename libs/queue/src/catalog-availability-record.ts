import type { Redis } from 'ioredis';
import { DEFAULT_QUEUE_PREFIX } from './event-queue-options';

/** What the publisher last reported about the catalog, as `GET /status` shows it. */
export interface CatalogAvailabilityReport {
  /** `unknown`: no publisher has reported (none ran yet, or the one that saw an outage stopped reporting). */
  state: 'available' | 'unavailable' | 'unknown';
  /** When the current state began (ISO time). */
  since?: string;
  /** While unavailable: for how long so far. */
  outageSeconds?: number;
  /** While unavailable: the last error, e.g. `could not reach the catalog at …: connect ECONNREFUSED`. */
  lastError?: string;
  /** Publish jobs that found the catalog unavailable and wait to try again (as last reported). */
  retries?: number;
  reportedAt?: string;
}

export interface CatalogAvailabilityState {
  available: boolean;
  /** Epoch ms when the current state began. */
  since: number;
  lastError?: string;
  retries?: number;
}

/**
 * An outage report lapses when no publisher renews it for this long (each failed attempt renews it, at most a
 * minute or so apart), so a publisher that stopped during an outage does not leave it reported for ever.
 */
export const UNAVAILABLE_REPORT_TTL_SECONDS = 15 * 60;

/** The publisher's view of the catalog, shared through Redis so the mapper's `GET /status` can show it. */
export class CatalogAvailabilityRecord {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix = DEFAULT_QUEUE_PREFIX,
  ) {
    this.key = `${prefix}:catalog-availability`;
  }

  async write(state: CatalogAvailabilityState, now = Date.now()): Promise<void> {
    const value = JSON.stringify({ ...state, reportedAt: now });
    if (state.available) await this.redis.set(this.key, value);
    else await this.redis.set(this.key, value, 'EX', UNAVAILABLE_REPORT_TTL_SECONDS);
  }

  async read(now = Date.now()): Promise<CatalogAvailabilityReport> {
    const text = await this.redis.get(this.key);
    const state = text === null ? undefined : parseState(text);
    if (!state) return { state: 'unknown' };
    return {
      state: state.available ? 'available' : 'unavailable',
      since: new Date(state.since).toISOString(),
      ...(state.available ? {} : { outageSeconds: Math.max(0, Math.round((now - state.since) / 1000)), lastError: state.lastError, retries: state.retries }),
      reportedAt: new Date(state.reportedAt).toISOString(),
    };
  }
}

function parseState(text: string): (CatalogAvailabilityState & { reportedAt: number }) | undefined {
  try {
    const value = JSON.parse(text) as Partial<CatalogAvailabilityState & { reportedAt: number }>;
    if (typeof value.available !== 'boolean' || typeof value.since !== 'number' || typeof value.reportedAt !== 'number') return undefined;
    return {
      available: value.available,
      since: value.since,
      reportedAt: value.reportedAt,
      lastError: typeof value.lastError === 'string' ? value.lastError : undefined,
      retries: typeof value.retries === 'number' ? value.retries : undefined,
    };
  } catch {
    return undefined;
  }
}
