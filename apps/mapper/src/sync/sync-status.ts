import type { Redis } from 'ioredis';
import type { ResyncMode } from './resync-watermarks';

export interface KindProgress {
  kind: string;
  /** The repository whose own mapping this resource is; absent for the organization's mapping. */
  repository?: string;
  pages: number;
  objects: number;
  entities: number;
  filtered: number;
  mappingIssues: number;
  error?: string;
  /** Repositories whose listing of this kind failed; the resync then is incomplete and deletes nothing stale. */
  repositoriesFailed?: number;
  /** The first of them (up to 20), each with its error. */
  failedRepositories?: Array<{ repository: string; error: string }>;
  /** Objects that became no entity: their mapping failed or ran into a jq limit, or gave no valid identifier or blueprint. */
  objectsSkipped?: number;
  /** The first of them (up to 20): the object (its GitHub page or name), the mapping path, and the error. */
  skippedObjects?: Array<{ object?: string; path: string; error: string }>;
  /** Rate-limit units this kind's listing spent: REST answers other than 304, GraphQL queries' cost. */
  units?: number;
  /** Seconds its requests waited for rate limits, the resync reservation or the limits shared by pods. */
  limitWaitSeconds?: number;
  /** An incremental resync's entities deleted because their changed object left the resource (a pull request closed). */
  deleted?: number;
  /** The listing finished (with or without errors). */
  done?: boolean;
}

export interface SyncStatus {
  installationId: string;
  organization: string;
  syncId: string;
  reason: string;
  state: 'running' | 'completed' | 'failed';
  startedAt: string;
  finishedAt?: string;
  kinds: KindProgress[];
  errors: string[];
  /** Absent on statuses saved before resyncs had modes, and before the mapping is loaded. */
  mode?: ResyncMode;
  /** Why a resync is full: asked to be, no watermark yet, the mapping changed, the full interval elapsed. */
  modeReason?: string;
  /** An incremental resync lists what changed at or after this ISO time. */
  since?: string;
  /** When the next full resync is due (ISO); the first scheduled resync from then on is full. */
  nextFullResyncAt?: string;
  /** Rate-limit units the whole resync spent, its mapping reads included. */
  units?: number;
  limitWaitSeconds?: number;
  /** Repositories mapped with their own `.github/port-app-config.yml`, and those whose own file could not be used. */
  repositoryMappings?: {
    own: Array<{ repository: string; file: string; ignoredResources?: string[] }>;
    unusable: Array<{ repository: string; file: string; error: string }>;
  };
}

/**
 * The last resync of each installation, in Redis so every mapper pod's `GET /status` tells the same story; and the
 * finished one before it (`<key>:previous`), so a running resync can be shown beside the last complete one.
 */
export class SyncStatusStore {
  constructor(
    private readonly redis: Redis,
    private readonly key = 'glint:resync-status',
  ) {}

  async save(status: SyncStatus): Promise<void> {
    const stored = await this.redis.hget(this.key, status.installationId);
    // One resync of an installation runs at a time, so this read and the writes do not race another pod's.
    if (stored !== null) {
      const replaced = JSON.parse(stored) as SyncStatus;
      if (replaced.syncId !== status.syncId && replaced.state !== 'running') await this.redis.hset(this.previousKey, status.installationId, stored);
    }
    await this.redis.hset(this.key, status.installationId, JSON.stringify(status));
  }

  async all(): Promise<SyncStatus[]> {
    const entries = await this.redis.hgetall(this.key);
    return Object.values(entries).map((text) => JSON.parse(text) as SyncStatus);
  }

  /** The finished resync each installation's last one replaced, by installation id. */
  async previous(): Promise<Map<string, SyncStatus>> {
    const entries = await this.redis.hgetall(this.previousKey);
    return new Map(Object.entries(entries).map(([installationId, text]) => [installationId, JSON.parse(text) as SyncStatus]));
  }

  private get previousKey(): string {
    return `${this.key}:previous`;
  }
}
