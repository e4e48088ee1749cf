import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** `full`: every object, then stale cleanup. `incremental`: what changed since the watermark, no cleanup. */
export type ResyncMode = 'full' | 'incremental';
/** What a resync is asked to be: `full`, or `auto` (incremental when the watermark allows, else full). */
export type RequestedMode = 'full' | 'auto';

/** What the last complete resyncs of an installation leave for the next. */
export interface ResyncWatermark {
  /** ISO time: the next incremental resync lists what changed at or after it (the last complete resync's start, less clock skew). */
  since: string;
  /** The mapping the watermark was taken with (`mappingHash`): another mapping needs a full resync. */
  mappingHash: string;
  /** ISO start of the last complete full resync. */
  lastFullAt: string;
  /** Rate-limit units the last complete resync of each mode spent: what a running one of that mode expects to need. */
  units: Partial<Record<ResyncMode, number>>;
  /**
   * The repositories that had a `.github/port-app-config.yml` of their own (valid or not) at that resync: with those
   * changed since, all an incremental resync reads to know every repository's mapping.
   */
  ownMappingRepositories?: string[];
}

/** Watermarks by installation, in Redis so every mapper pod decides alike. */
export class ResyncWatermarkStore {
  constructor(
    private readonly redis: Redis,
    private readonly key = 'glint:resync-watermarks',
  ) {}

  async get(installationId: string): Promise<ResyncWatermark | undefined> {
    const text = await this.redis.hget(this.key, installationId);
    return text ? (JSON.parse(text) as ResyncWatermark) : undefined;
  }

  /** Every installation's watermark, by installation id: one read for all of them (`GET /status`). */
  async all(): Promise<Map<string, ResyncWatermark>> {
    const entries = await this.redis.hgetall(this.key);
    return new Map(Object.entries(entries).map(([installationId, text]) => [installationId, JSON.parse(text) as ResyncWatermark]));
  }

  async save(installationId: string, watermark: ResyncWatermark): Promise<void> {
    await this.redis.hset(this.key, installationId, JSON.stringify(watermark));
  }
}

/** A mapping's identity (the organization's with the repositories' own): the same mappings give the same hash on every pod. */
export function mappingHash(mappings: unknown): string {
  return createHash('sha256').update(JSON.stringify(mappings)).digest('hex').slice(0, 16);
}

export interface ModeDecision {
  mode: ResyncMode;
  /** Why a resync asked to be `auto` is full; absent for an incremental one. */
  why?: string;
  /** When the next full resync is due (the first scheduled resync at or after it is full). */
  nextFullAt?: Date;
}

/** Incremental only when asked (`auto`), with a watermark of the same mapping and a full resync not yet due. */
export function decideMode(requested: RequestedMode, watermark: ResyncWatermark | undefined, hash: string, now: Date, fullIntervalMs: number): ModeDecision {
  const nextFullAt = watermark ? new Date(Date.parse(watermark.lastFullAt) + fullIntervalMs) : undefined;
  if (requested === 'full') return { mode: 'full', why: 'requested', nextFullAt };
  if (!watermark) return { mode: 'full', why: 'no complete resync yet' };
  if (watermark.mappingHash !== hash) return { mode: 'full', why: 'the mapping changed since the last complete resync', nextFullAt };
  if (nextFullAt && now.getTime() >= nextFullAt.getTime()) return { mode: 'full', why: 'the full resync interval elapsed', nextFullAt };
  return { mode: 'incremental', nextFullAt };
}
