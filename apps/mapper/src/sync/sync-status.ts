import type { Redis } from 'ioredis';

export interface KindProgress {
  kind: string;
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
}

/** The last resync of each installation, in Redis so every mapper pod's `GET /status` tells the same story. */
export class SyncStatusStore {
  constructor(
    private readonly redis: Redis,
    private readonly key = 'glint:resync-status',
  ) {}

  async save(status: SyncStatus): Promise<void> {
    await this.redis.hset(this.key, status.installationId, JSON.stringify(status));
  }

  async all(): Promise<SyncStatus[]> {
    const entries = await this.redis.hgetall(this.key);
    return Object.values(entries).map((text) => JSON.parse(text) as SyncStatus);
  }
}
