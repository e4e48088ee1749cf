import type { CatalogClient, CatalogEntity, FailedEntity, WriteOwner } from '@glint/catalog-client';
import type { DeadLetteredEntity, PublishChangesJob } from '@glint/queue';
import { chunk, groupBy } from '@glint/runtime';
import { EntityKey, EntityStateStore, StateWrite } from '../state/entity-state-store';
import { NewestChange, newestChanges, planChanges } from './change-plan';
import type { EntityOutcome } from './publisher-metrics';

export interface ChangesReport {
  counts: Record<EntityOutcome, number>;
  /** Entities the catalog refused, dead-lettered with its message. */
  failures: DeadLetteredEntity[];
}

/** Advisory locks share Postgres's lock table (64 per connection by default): lock a bounded number at a time. */
export const LOCKED_ENTITIES_PER_TRANSACTION = 200;

export type DeadLetter = (entities: readonly DeadLetteredEntity[]) => Promise<void>;

/**
 * Applies one job's entity changes to the catalog. The job's entities stay locked from reading their state to
 * recording the new one, so changes to one entity apply one after another across workers and pods; unchanged and
 * outdated ones cost no call. When the catalog is unreachable the call throws, the transaction rolls back and the
 * job is retried: what already landed is rewritten, which an upsert by identifier makes harmless.
 */
export class ChangePublisher {
  constructor(
    private readonly store: EntityStateStore,
    private readonly client: CatalogClient,
    private readonly deadLetter: DeadLetter,
  ) {}

  async publish(job: PublishChangesJob): Promise<ChangesReport> {
    const report: ChangesReport = { counts: { created: 0, updated: 0, unchanged: 0, outdated: 0, deleted: 0, failed: 0 }, failures: [] };
    for (const changes of chunk(newestChanges(job.changes), LOCKED_ENTITIES_PER_TRANSACTION)) {
      const part = await this.publishLocked(job, changes);
      for (const outcome of Object.keys(part.counts) as EntityOutcome[]) report.counts[outcome] += part.counts[outcome];
      report.failures.push(...part.failures);
    }
    return report;
  }

  private async publishLocked(job: PublishChangesJob, changes: NewestChange[]): Promise<ChangesReport> {
    const owner: WriteOwner = { installation: job.installationId, origin: job.origin };
    const keys = changes.map((change) => change.key);
    return this.store.withLockedEntities(keys, async (transaction) => {
      const plan = planChanges(job, changes, await transaction.load(keys));
      const counts: Record<EntityOutcome, number> = { created: 0, updated: 0, unchanged: plan.unchanged.length, outdated: plan.outdated.length, deleted: 0, failed: 0 };
      const writes: StateWrite[] = [];
      const failures: DeadLetteredEntity[] = [];
      const kept: EntityKey[] = [...plan.unchanged];
      const base = { installationId: job.installationId, origin: job.origin, lastSyncId: job.syncId };

      if (plan.upserts.length > 0) {
        const result = await this.client.upsertEntities(
          plan.upserts.map((upsert) => upsert.entity),
          { owner, merge: job.settings.merge, createMissingRelatedEntities: job.settings.createMissingRelatedEntities },
        );
        for (const upserted of result.upserted) {
          const planned = plan.upserts[upserted.index];
          if (!planned) continue;
          counts[upserted.created ? 'created' : 'updated'] += 1;
          writes.push({ ...base, ...planned.key, contentHash: planned.hash, observedAt: planned.observedAt, deleted: false });
        }
        for (const failed of result.failed) {
          const planned = plan.upserts[failed.index];
          if (!planned) continue;
          counts.failed += 1;
          kept.push(planned.key);
          failures.push(deadLettered(job, planned.entity, failed));
        }
      }

      for (const [blueprint, deletes] of groupBy(plan.deletes, (planned) => planned.key.blueprint)) {
        const result = await this.client.deleteEntities(blueprint, deletes.map((planned) => planned.key.identifier), { owner, deleteDependents: job.settings.deleteDependentEntities });
        const deleted = new Set(result.deleted);
        for (const planned of deletes) {
          if (!deleted.has(planned.key.identifier)) continue;
          counts.deleted += 1;
          writes.push({ ...base, ...planned.key, contentHash: null, observedAt: planned.observedAt, deleted: true });
        }
        for (const failed of result.failed) {
          counts.failed += 1;
          failures.push(deadLettered(job, { blueprint, identifier: failed.identifier }, { status: failed.status, error: 'delete_failed', message: failed.message }));
        }
      }

      await transaction.save(writes);
      if (job.syncId) await transaction.markSeen(kept, job.syncId);
      if (failures.length > 0) await this.deadLetter(failures);
      return { counts, failures };
    });
  }
}

function deadLettered(job: PublishChangesJob, entity: CatalogEntity, failed: Pick<FailedEntity, 'status' | 'error' | 'message'>): DeadLetteredEntity {
  return {
    installationId: job.installationId,
    origin: job.origin,
    settings: job.settings,
    entity,
    status: failed.status,
    error: failed.error,
    message: failed.message,
    failedAt: new Date().toISOString(),
  };
}
