import type { BlueprintStore } from '../blueprints/blueprint-store';
import { CatalogError } from '../http/catalog-error';
import type { EntityStore } from './entity-store';

const SHOWN_DEPENDENTS = 5;

/**
 * Deletes entities of one blueprint. Dependents are entities whose *required* relation points at a deleted entity:
 * with `deleteDependents` they are deleted too (and theirs, transitively); without it their existence fails the whole
 * request (409 has_dependents) and nothing is deleted. Optional relations that point at a deleted entity are
 * cleared (a single relation becomes null, a many relation loses the identifier).
 */
export class EntityDeleter {
  constructor(
    private readonly blueprints: BlueprintStore,
    private readonly entities: EntityStore,
  ) {}

  /** The identifiers of `blueprint` that were deleted (those of `identifiers` that existed). */
  async delete(blueprint: string, identifiers: string[] | 'all', deleteDependents: boolean): Promise<string[]> {
    const graph = await this.blueprints.graph();
    if (!graph.blueprint(blueprint)) throw CatalogError.notFound(`Blueprint with identifier "${blueprint}" was not found`);
    const requested = [...new Set(identifiers === 'all' ? [] : identifiers)];
    if (graph.incoming(blueprint).length === 0 && identifiers !== 'all') {
      // Nothing can point at these entities: one statement.
      return this.entities.deleteMany(blueprint, requested);
    }
    const present = await this.entities.identifiersOf(blueprint, identifiers === 'all' ? undefined : requested);
    const doomed = new Map<string, Set<string>>([[blueprint, new Set(present)]]);
    let frontier = new Map(doomed);
    while (frontier.size > 0) {
      const next = new Map<string, Set<string>>();
      for (const [target, ids] of frontier) {
        for (const { source, name, relation } of graph.incoming(target).filter(({ relation }) => relation.required)) {
          const referrers = await this.entities.referrers(source, name, relation.many, [...ids]);
          const fresh = referrers.filter((id) => !doomed.get(source)?.has(id));
          if (fresh.length === 0) continue;
          if (!deleteDependents) {
            const shown = fresh.slice(0, SHOWN_DEPENDENTS).map((id) => `"${id}" (${source}.${name})`).join(', ');
            throw CatalogError.conflict('has_dependents', `Deleting would orphan entities whose required relation points at a deleted entity: ${shown}${fresh.length > SHOWN_DEPENDENTS ? ` and ${fresh.length - SHOWN_DEPENDENTS} more` : ''}; send delete_dependents=true to delete them too`);
          }
          for (const id of fresh) {
            if (!doomed.has(source)) doomed.set(source, new Set());
            doomed.get(source)?.add(id);
            if (!next.has(source)) next.set(source, new Set());
            next.get(source)?.add(id);
          }
        }
      }
      frontier = next;
    }
    return this.entities.transaction(async (manager) => {
      for (const [target, ids] of doomed) {
        if (ids.size === 0) continue;
        for (const { source, name, relation } of graph.incoming(target)) await this.entities.clearReferences(source, name, relation.many, [...ids], manager);
      }
      let deleted: string[] = [];
      for (const [target, ids] of doomed) {
        if (ids.size === 0) continue;
        const gone = await this.entities.deleteMany(target, [...ids], manager);
        if (target === blueprint) deleted = gone;
      }
      return deleted;
    });
  }
}
