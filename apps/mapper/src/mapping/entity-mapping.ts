import type { CatalogEntity } from '@glint/catalog-client';
import type { GithubObject } from '@glint/github';
import { JqEngine, MappingIssue, PortAppConfig, ResourceConfig, ResourceMapper } from '@glint/mapping';
import type { EntityChange, PublishSettings } from '@glint/queue';

export interface MappedPage {
  upserts: EntityChange[];
  /** Objects the selector left out. */
  filtered: number;
  issues: MappingIssue[];
  /** The issues that cost an object its entity (its mapping failed, or gave no valid identifier or blueprint). */
  skipped: MappingIssue[];
}

export interface LiveMapping {
  changes: EntityChange[];
  issues: MappingIssue[];
  /** The issues that cost an object its entity; absent from stand-ins that skip nothing. */
  skipped?: MappingIssue[];
}

export function publishSettingsOf(config: PortAppConfig): PublishSettings {
  return { merge: config.enableMergeEntity, createMissingRelatedEntities: config.createMissingRelatedEntities, deleteDependentEntities: config.deleteDependentEntities };
}

/**
 * Runs a mapping's resources over GitHub objects. Mappers are built once per loaded config; the "unfiltered" twin
 * of each ignores the selector, to name the entities an object no longer passing it (or gone from GitHub) had.
 */
export class EntityMapping {
  private readonly mappers = new WeakMap<PortAppConfig, Array<{ selected: ResourceMapper; unfiltered: ResourceMapper }>>();

  constructor(private readonly jq: Pick<JqEngine, 'evaluate'>) {}

  /** A resync page: every entity the resource makes of the objects, as upserts. */
  async mapPage(config: PortAppConfig, resourceIndex: number, objects: readonly GithubObject[], observedAt: string): Promise<MappedPage> {
    const result = await this.mappersOf(config, resourceIndex).selected.map(objects);
    return {
      upserts: result.entities.map((entity) => ({ type: 'upsert', entity: entity as CatalogEntity, observedAt })),
      filtered: result.filtered,
      issues: [...result.skipped, ...result.fieldErrors],
      skipped: result.skipped,
    };
  }

  /**
   * A live change: objects that exist now become upserts when the selector keeps them and deletes when it no longer
   * does; objects that are gone (or that the event's own filters exclude) become deletes of what they mapped to.
   */
  async mapLive(config: PortAppConfig, resourceIndex: number, present: readonly GithubObject[], gone: readonly GithubObject[], observedAt: string): Promise<LiveMapping> {
    const { selected, unfiltered } = this.mappersOf(config, resourceIndex);
    const changes: EntityChange[] = [];
    const issues: MappingIssue[] = [];
    const skipped: MappingIssue[] = [];
    const dropped: GithubObject[] = [...gone];
    for (const object of present) {
      const result = await selected.map([object]);
      issues.push(...result.skipped, ...result.fieldErrors);
      skipped.push(...result.skipped);
      if (result.filtered > 0) dropped.push(object);
      for (const entity of result.entities) changes.push({ type: 'upsert', entity: entity as CatalogEntity, observedAt });
    }
    if (dropped.length > 0) {
      const result = await unfiltered.map(dropped);
      for (const entity of result.entities) {
        if (typeof entity.identifier === 'string') changes.push({ type: 'delete', blueprint: entity.blueprint, identifier: entity.identifier, observedAt });
      }
    }
    return { changes, issues, skipped };
  }

  private mappersOf(config: PortAppConfig, resourceIndex: number): { selected: ResourceMapper; unfiltered: ResourceMapper } {
    let mappers = this.mappers.get(config);
    if (!mappers) {
      mappers = config.resources.map((resource, index) => ({
        selected: new ResourceMapper(resource, index, this.jq),
        unfiltered: new ResourceMapper(withoutSelector(resource), index, this.jq),
      }));
      this.mappers.set(config, mappers);
    }
    const pair = mappers[resourceIndex];
    if (!pair) throw new RangeError(`the mapping has no resources[${resourceIndex}]`);
    return pair;
  }
}

function withoutSelector(resource: ResourceConfig): ResourceConfig {
  return { ...resource, selector: { ...resource.selector, query: 'true' } };
}
