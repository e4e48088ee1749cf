import { createHash } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import type { PublishOrigin } from '@glint/queue';

export interface EntityKey {
  blueprint: string;
  identifier: string;
}

export interface StoredState extends EntityKey {
  installationId: string;
  origin: PublishOrigin;
  contentHash: string | null;
  observedAt: Date;
  lastSyncId: string | null;
  deleted: boolean;
}

export type StateWrite = Omit<StoredState, 'lastSyncId'> & { lastSyncId?: string };

export const keyText = (key: EntityKey): string => `${key.blueprint}\u0000${key.identifier}`;

/**
 * The publisher's memory of what it wrote (table `entity_state`). Changes to the same entities run one after the
 * other: a transaction takes an advisory lock per entity, in one global order so two jobs cannot deadlock, and
 * holds them until its catalog calls and state writes are done.
 */
export class EntityStateStore {
  constructor(private readonly dataSource: DataSource) {}

  async withLockedEntities<T>(keys: readonly EntityKey[], work: (transaction: StateTransaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const lockKeys = [...new Set(keys.map(lockKeyOf))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      await runner.query('SELECT pg_advisory_xact_lock(key) FROM unnest($1::bigint[]) WITH ORDINALITY AS locks(key, position) ORDER BY position', [lockKeys.map(String)]);
      const result = await work(new StateTransaction(runner));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Entities of one owner that a sync saw, or that were written after the sync started (live events). */
  async keptBySync(installationId: string, origin: PublishOrigin, syncId: string, startedAt: Date): Promise<Set<string>> {
    const rows: Array<{ blueprint: string; identifier: string }> = await this.dataSource.query(
      `SELECT blueprint, identifier FROM entity_state
        WHERE installation_id = $1 AND origin = $2 AND NOT deleted AND (last_sync_id = $3 OR observed_at >= $4)`,
      [installationId, origin, syncId, startedAt],
    );
    return new Set(rows.map(keyText));
  }

  /** The catalog no longer has these although we wrote them: forget their content so the next change rewrites them. */
  async forgetContent(keys: readonly EntityKey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.dataSource.query(
      `UPDATE entity_state SET content_hash = NULL, updated_at = now()
        FROM unnest($1::text[], $2::text[]) AS lost(blueprint, identifier)
       WHERE entity_state.blueprint = lost.blueprint AND entity_state.identifier = lost.identifier`,
      [keys.map((key) => key.blueprint), keys.map((key) => key.identifier)],
    );
  }
}

/** State reads and writes inside one locked transaction. */
export class StateTransaction {
  constructor(private readonly runner: QueryRunner) {}

  async load(keys: readonly EntityKey[]): Promise<Map<string, StoredState>> {
    if (keys.length === 0) return new Map();
    const rows: Array<{
      blueprint: string;
      identifier: string;
      installation_id: string;
      origin: PublishOrigin;
      content_hash: string | null;
      observed_at: Date;
      last_sync_id: string | null;
      deleted: boolean;
    }> = await this.runner.query(
      `SELECT s.blueprint, s.identifier, s.installation_id, s.origin, s.content_hash, s.observed_at, s.last_sync_id, s.deleted
         FROM entity_state s JOIN unnest($1::text[], $2::text[]) AS wanted(blueprint, identifier)
           ON s.blueprint = wanted.blueprint AND s.identifier = wanted.identifier`,
      [keys.map((key) => key.blueprint), keys.map((key) => key.identifier)],
    );
    return new Map(
      rows.map((row) => [
        keyText(row),
        {
          blueprint: row.blueprint,
          identifier: row.identifier,
          installationId: row.installation_id,
          origin: row.origin,
          contentHash: row.content_hash,
          observedAt: row.observed_at,
          lastSyncId: row.last_sync_id,
          deleted: row.deleted,
        },
      ]),
    );
  }

  /** Writes whole rows; `lastSyncId` absent keeps the row's current one. */
  async save(states: readonly StateWrite[]): Promise<void> {
    if (states.length === 0) return;
    await this.runner.query(
      `INSERT INTO entity_state (blueprint, identifier, installation_id, origin, content_hash, observed_at, last_sync_id, deleted)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::boolean[])
       ON CONFLICT (blueprint, identifier) DO UPDATE
         SET installation_id = EXCLUDED.installation_id, origin = EXCLUDED.origin, content_hash = EXCLUDED.content_hash,
             observed_at = EXCLUDED.observed_at, last_sync_id = COALESCE(EXCLUDED.last_sync_id, entity_state.last_sync_id),
             deleted = EXCLUDED.deleted, updated_at = now()`,
      [
        states.map((state) => state.blueprint),
        states.map((state) => state.identifier),
        states.map((state) => state.installationId),
        states.map((state) => state.origin),
        states.map((state) => state.contentHash),
        states.map((state) => state.observedAt),
        states.map((state) => state.lastSyncId ?? null),
        states.map((state) => state.deleted),
      ],
    );
  }

  /** Records that a sync saw these entities, changed or not. */
  async markSeen(keys: readonly EntityKey[], syncId: string): Promise<void> {
    if (keys.length === 0) return;
    await this.runner.query(
      `UPDATE entity_state SET last_sync_id = $3
         FROM unnest($1::text[], $2::text[]) AS seen(blueprint, identifier)
        WHERE entity_state.blueprint = seen.blueprint AND entity_state.identifier = seen.identifier`,
      [keys.map((key) => key.blueprint), keys.map((key) => key.identifier), syncId],
    );
  }
}

/** A signed 64-bit advisory lock key per entity. */
function lockKeyOf(key: EntityKey): bigint {
  return createHash('sha1').update(keyText(key)).digest().readBigInt64BE(0);
}
