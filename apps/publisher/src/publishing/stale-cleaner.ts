import { CatalogClient, ownedBy, StoredEntity, WriteOwner } from '@glint/catalog-client';
import type { CompleteSyncJob } from '@glint/queue';
import { chunk, groupBy } from '@glint/runtime';
import { EntityKey, EntityStateStore, keyText } from '../state/entity-state-store';
import { LOCKED_ENTITIES_PER_TRANSACTION } from './change-publisher';

export type CleanupReport =
  | { outcome: 'skipped-incomplete'; reason: string }
  | { outcome: 'skipped-incremental'; reason: string }
  | { outcome: 'skipped-threshold'; reason: string; owned: number; stale: number }
  | { outcome: 'deleted'; owned: number; stale: number; deleted: number; protectedByRelations: number; failed: Array<{ identifier: string; message: string }>; rewriteNext: number };

/**
 * Deletes what a complete, error-free resync no longer produced: the entities this installation's exporter owns in
 * the catalog (found by datasource) that the sync did not see and nothing wrote after the sync started. Never
 * above `entityDeletionThreshold` of the owned entities, never an entity a kept entity relates to when
 * `createMissingRelatedEntities` is on (it would only be created again, empty). Entities we remember writing that
 * the catalog no longer has get rewritten by the next change.
 */
export class StaleEntityCleaner {
  constructor(
    private readonly store: EntityStateStore,
    private readonly client: CatalogClient,
  ) {}

  async complete(job: CompleteSyncJob, failedPublishJobs: number): Promise<CleanupReport> {
    const problems = [...job.errors];
    if (failedPublishJobs > 0) problems.push(`${failedPublishJobs} publish job(s) of the sync failed`);
    if (job.mode === 'incremental') {
      return { outcome: 'skipped-incremental', reason: 'an incremental resync lists only what changed, so nothing it did not see is stale; nothing is deleted' };
    }
    if (!job.complete || problems.length > 0) {
      return { outcome: 'skipped-incomplete', reason: `the resync did not finish without errors, so nothing is deleted: ${problems.join('; ') || 'it was interrupted'}` };
    }

    const owner: WriteOwner = { installation: job.installationId, origin: 'exporter' };
    const startedAt = new Date(job.startedAt);
    const owned = await this.client.searchEntities(ownedBy(owner), ['identifier', 'blueprint', 'relations']);
    const kept = await this.store.keptBySync(job.installationId, 'exporter', job.syncId, startedAt);

    const inCatalog = new Set(owned.map(keyText));
    const lost = [...kept].filter((text) => !inCatalog.has(text)).map(keyFromText);
    await this.store.forgetContent(lost);

    let stale = owned.filter((entity) => !kept.has(keyText(entity)));
    let protectedByRelations = 0;
    if (job.settings.createMissingRelatedEntities) {
      const targets = relationTargets(owned.filter((entity) => kept.has(keyText(entity))));
      const unprotected = stale.filter((entity) => !targets.has(entity.identifier));
      protectedByRelations = stale.length - unprotected.length;
      stale = unprotected;
    }

    if (owned.length > 0 && stale.length / owned.length > job.entityDeletionThreshold) {
      return {
        outcome: 'skipped-threshold',
        owned: owned.length,
        stale: stale.length,
        reason: `${stale.length} of the ${owned.length} entities this installation owns are stale (${percent(stale.length / owned.length)}), above entityDeletionThreshold ${job.entityDeletionThreshold} (${percent(job.entityDeletionThreshold)}): nothing is deleted`,
      };
    }

    const failed: Array<{ identifier: string; message: string }> = [];
    let deleted = 0;
    for (const part of chunk(stale, LOCKED_ENTITIES_PER_TRANSACTION)) {
      const outcome = await this.deleteUnlessRewritten(part, owner, startedAt, job.settings.deleteDependentEntities);
      deleted += outcome.deleted;
      failed.push(...outcome.failed);
    }
    return { outcome: 'deleted', owned: owned.length, stale: stale.length, deleted, protectedByRelations, failed, rewriteNext: lost.length };
  }

  /** Under the entities' locks, so a live event that writes one of them meanwhile wins over the cleanup. */
  private async deleteUnlessRewritten(entities: StoredEntity[], owner: WriteOwner, startedAt: Date, deleteDependents: boolean): Promise<{ deleted: number; failed: Array<{ identifier: string; message: string }> }> {
    const keys: EntityKey[] = entities.map(({ blueprint, identifier }) => ({ blueprint, identifier }));
    return this.store.withLockedEntities(keys, async (transaction) => {
      const states = await transaction.load(keys);
      const stillStale = keys.filter((key) => {
        const state = states.get(keyText(key));
        return !state || state.deleted || state.observedAt < startedAt;
      });
      const failed: Array<{ identifier: string; message: string }> = [];
      const gone: EntityKey[] = [];
      for (const [blueprint, group] of groupBy(stillStale, (key) => key.blueprint)) {
        const result = await this.client.deleteEntities(blueprint, group.map((key) => key.identifier), { owner, deleteDependents });
        gone.push(...result.deleted.map((identifier) => ({ blueprint, identifier })));
        failed.push(...result.failed.map(({ identifier, message }) => ({ identifier: `${blueprint}/${identifier}`, message })));
      }
      await transaction.save(gone.map((key) => ({ ...key, installationId: owner.installation, origin: owner.origin, contentHash: null, observedAt: startedAt, deleted: true })));
      return { deleted: gone.length, failed };
    });
  }
}

function relationTargets(entities: readonly StoredEntity[]): Set<string> {
  const targets = new Set<string>();
  for (const entity of entities) {
    for (const value of Object.values(entity.relations ?? {})) {
      if (typeof value === 'string') targets.add(value);
      else if (Array.isArray(value)) for (const target of value) if (typeof target === 'string') targets.add(target);
    }
  }
  return targets;
}

function keyFromText(text: string): EntityKey {
  const [blueprint = '', identifier = ''] = text.split('\u0000');
  return { blueprint, identifier };
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
