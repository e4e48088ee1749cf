import type { CatalogEntity } from '@glint/catalog-client';

/** The jobs of the `publish` queue, by BullMQ job name. */
export enum PublishJobName {
  Changes = 'changes',
  CompleteSync = 'complete-sync',
  RawExamples = 'raw-examples',
}

export type PublishOrigin = 'exporter' | 'gitops';

/** The mapping's write settings (port-app-config top-level flags) that travel with each change. */
export interface PublishSettings {
  /** `enableMergeEntity`: update provided fields only instead of replacing the entity. */
  merge: boolean;
  createMissingRelatedEntities: boolean;
  deleteDependentEntities: boolean;
}

/**
 * One entity's new state. `observedAt` is when the mapper read the GitHub object it came from: the publisher never
 * lets an older observation overwrite a newer one, whatever order jobs run in.
 */
export type EntityChange =
  | { type: 'upsert'; entity: CatalogEntity; observedAt: string }
  | { type: 'delete'; blueprint: string; identifier: string; observedAt: string };

export interface PublishChangesJob {
  /** The owner's installation id (the organization id in PAT mode); part of the catalog datasource. */
  installationId: string;
  origin: PublishOrigin;
  /** Set when the changes come from a resync, so its completion can tell what the sync saw. */
  syncId?: string;
  settings: PublishSettings;
  changes: EntityChange[];
}

export interface CompleteSyncJob {
  installationId: string;
  syncId: string;
  /** ISO time the resync started; entities written live after it are never stale. */
  startedAt: string;
  /** False when any kind failed: then nothing is deleted. */
  complete: boolean;
  /** Why the sync is incomplete, for the log and status. */
  errors: string[];
  entityDeletionThreshold: number;
  settings: PublishSettings;
  /**
   * `incremental`: the resync listed only what changed, so every entity it did not see is not stale; nothing is
   * deleted. Absent: full.
   */
  mode?: 'full' | 'incremental';
}

export interface RawExamplesJob {
  installationId: string;
  kind: string;
  examples: unknown[];
}

/** port-app-config's defaults for the write settings (enableMergeEntity, createMissingRelatedEntities, deleteDependentEntities). */
export const DEFAULT_PUBLISH_SETTINGS: PublishSettings = { merge: true, createMissingRelatedEntities: true, deleteDependentEntities: true };

/**
 * An entity the catalog kept refusing, kept with the catalog's reason for inspection and replay. A refused delete
 * has `error: 'delete_failed'` and only the entity's blueprint and identifier.
 */
export interface DeadLetteredEntity {
  installationId: string;
  origin: PublishOrigin;
  /** The job's write settings; a replay uses DEFAULT_PUBLISH_SETTINGS when they were not recorded. */
  settings?: PublishSettings;
  entity: CatalogEntity;
  status: number;
  error: string;
  message: string;
  failedAt: string;
}

export function entityKeyOf(change: EntityChange): { blueprint: string; identifier: string } {
  if (change.type === 'delete') return { blueprint: change.blueprint, identifier: change.identifier };
  return { blueprint: change.entity.blueprint, identifier: identifierText(change.entity.identifier) };
}

/** A search-query identifier has no literal id until the catalog resolves it: its canonical JSON stands in. */
export function identifierText(identifier: CatalogEntity['identifier']): string {
  return typeof identifier === 'string' ? identifier : canonicalJson(identifier);
}

/** JSON with object keys sorted, so equal content always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
