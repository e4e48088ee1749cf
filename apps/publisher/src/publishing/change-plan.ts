import { createHash } from 'node:crypto';
import type { CatalogEntity } from '@glint/catalog-client';
import { canonicalJson, EntityChange, entityKeyOf, PublishChangesJob } from '@glint/queue';
import { EntityKey, keyText, StoredState } from '../state/entity-state-store';

export interface PlannedUpsert {
  key: EntityKey;
  entity: CatalogEntity;
  hash: string;
  observedAt: Date;
}

export interface PlannedDelete {
  key: EntityKey;
  observedAt: Date;
}

export interface ChangePlan {
  upserts: PlannedUpsert[];
  deletes: PlannedDelete[];
  /** Same content as last written (or already deleted): no API call. */
  unchanged: EntityKey[];
  /** Older than what was already applied: dropped. */
  outdated: EntityKey[];
  /** Every entity the job names, for the sync's record of what it saw. */
  keys: EntityKey[];
}

export interface NewestChange {
  change: EntityChange;
  key: EntityKey;
  observedAt: Date;
}

/** Per entity only its newest change counts (the later one in the list on a tie). */
export function newestChanges(changes: readonly EntityChange[]): NewestChange[] {
  const newest = new Map<string, NewestChange>();
  for (const change of changes) {
    const key = entityKeyOf(change);
    const observedAt = new Date(change.observedAt);
    const previous = newest.get(keyText(key));
    if (!previous || previous.observedAt <= observedAt) newest.set(keyText(key), { change, key, observedAt });
  }
  return [...newest.values()];
}

/**
 * Decides what must be written: a change observed before the stored state is outdated; an upsert whose content
 * hash equals the stored one, or a delete of an entity already deleted, costs nothing. So does a resync's delete of
 * an entity this publisher never wrote: an incremental resync deletes what it lists and its selector drops (a pull
 * request closed since, an archived repository), most of which were never catalogued; one the catalog holds anyway
 * is stale to the next full resync's cleanup. A live event's delete always goes to the catalog.
 */
export function planChanges(
  job: Pick<PublishChangesJob, 'settings' | 'origin' | 'installationId' | 'syncId'>,
  changes: readonly NewestChange[],
  states: ReadonlyMap<string, StoredState>,
): ChangePlan {
  const plan: ChangePlan = { upserts: [], deletes: [], unchanged: [], outdated: [], keys: [] };
  for (const { change, key, observedAt } of changes) {
    plan.keys.push(key);
    const state = states.get(keyText(key));
    if (state && state.observedAt > observedAt) {
      plan.outdated.push(key);
    } else if (change.type === 'delete') {
      if (state?.deleted || (!state && job.syncId !== undefined)) plan.unchanged.push(key);
      else plan.deletes.push({ key, observedAt });
    } else {
      const hash = contentHash(change.entity, job);
      if (state && !state.deleted && state.contentHash === hash && state.origin === job.origin && state.installationId === job.installationId) plan.unchanged.push(key);
      else plan.upserts.push({ key, entity: change.entity, hash, observedAt });
    }
  }
  return plan;
}

/** What makes a write different: the entity and how it is written (merge, related entities). */
export function contentHash(entity: CatalogEntity, job: Pick<PublishChangesJob, 'settings'>): string {
  const written = { entity, merge: job.settings.merge, createMissingRelatedEntities: job.settings.createMissingRelatedEntities };
  return createHash('sha256').update(canonicalJson(written)).digest('base64url');
}
