import type { ResourceConfig } from '@glint/mapping';

/** A jq program that is one string literal, e.g. `"githubRepository"`. */
const STRING_LITERAL = /^\s*"((?:[^"\\]|\\.)*)"\s*$/;

/**
 * The mapping's resources (their indexes) in lanes a resync may run side by side: one lane per blueprint, its
 * resources in mapping order, so where two resources map the same entity the later one still writes last, as when
 * every resource ran one after another. A blueprint that is not a plain string, or a search query (which finds
 * entities other resources may still be writing), puts every resource in one lane.
 */
export function resourceLanes(resources: readonly ResourceConfig[]): number[][] {
  const lanes = new Map<string, number[]>();
  for (const [index, resource] of resources.entries()) {
    const { mappings } = resource.port.entity;
    const blueprint = STRING_LITERAL.exec(mappings.blueprint)?.[1];
    const searches = typeof mappings.identifier !== 'string' || typeof mappings.team === 'object' || Object.values(mappings.relations ?? {}).some((relation) => typeof relation !== 'string');
    if (blueprint === undefined || searches) return [resources.map((_, each) => each)];
    lanes.set(blueprint, [...(lanes.get(blueprint) ?? []), index]);
  }
  return [...lanes.values()];
}
