import type { GitopsEntity } from './port-yml';

export interface GitopsDiff {
  /** New or changed entities. */
  upserts: GitopsEntity[];
  /** Entities a file no longer declares, by (blueprint, identifier). */
  deletes: Array<{ blueprint: string; identifier: string }>;
}

const keyOf = (entity: { blueprint: string; identifier: string }) => `${entity.blueprint}\u0000${entity.identifier}`;

/**
 * What a change of `port.yml` files means for the catalog: upsert what is new or changed, delete what was
 * removed, except (with createMissingRelatedEntities) entities that a kept or upserted entity relates to,
 * which the catalog would otherwise recreate empty or refuse.
 */
export function diffGitops(before: readonly GitopsEntity[], after: readonly GitopsEntity[], options: { createMissingRelatedEntities: boolean }): GitopsDiff {
  const previous = new Map(before.map((entity) => [keyOf(entity), entity]));
  const current = new Map(after.map((entity) => [keyOf(entity), entity]));
  const upserts = after.filter((entity) => {
    const old = previous.get(keyOf(entity));
    return !old || JSON.stringify(canonical(old)) !== JSON.stringify(canonical(entity));
  });
  const relatedTargets = new Set(after.flatMap((entity) => Object.values(entity.relations).flatMap((value) => (value === null ? [] : Array.isArray(value) ? value : [value]))));
  const deletes = before
    .filter((entity) => !current.has(keyOf(entity)))
    .filter((entity) => !(options.createMissingRelatedEntities && relatedTargets.has(entity.identifier)))
    .map(({ blueprint, identifier }) => ({ blueprint, identifier }));
  return { upserts, deletes };
}

/** Key order does not make an entity different. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([key, child]) => [key, canonical(child)]));
}
