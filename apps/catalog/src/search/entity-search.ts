import type { BlueprintStore } from '../blueprints/blueprint-store';
import type { EntityStore } from '../entities/entity-store';
import { needsField, project, Projection, toView } from '../entities/entity-view';
import type { EntityView } from '../entities/entity.types';
import { CatalogError } from '../http/catalog-error';
import { searchCondition } from './search-sql';
import { SqlParams } from './sql-params';

export interface PageRequest extends Projection {
  limit?: number;
  /** The `next` of the previous page. */
  from?: string;
}

/** Port's two searches: across blueprints (everything at once) and within one blueprint (paginated by `next`). */
export class EntitySearch {
  constructor(
    private readonly blueprints: BlueprintStore,
    private readonly store: EntityStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async all(query: unknown, projection: Projection): Promise<{ entities: Array<Partial<EntityView>>; matchingBlueprints: string[] }> {
    const params = new SqlParams();
    const condition = searchCondition(query, { params, graph: await this.blueprints.graph(), now: this.now() });
    const records = await this.store.search({ condition, params, withProperties: needsField(projection, 'properties'), withRelations: needsField(projection, 'relations') });
    return {
      entities: records.map((record) => project(toView(record), projection)),
      matchingBlueprints: [...new Set(records.map((record) => record.blueprint))],
    };
  }

  async page(blueprint: string, query: unknown, request: PageRequest): Promise<{ entities: Array<Partial<EntityView>>; next?: string }> {
    const params = new SqlParams();
    const filter = query === undefined ? 'TRUE' : searchCondition(query, { params, graph: await this.blueprints.graph(), now: this.now() }, '/query');
    const condition = `e.blueprint = ${params.add(blueprint)} AND ${filter}`;
    const after = request.from !== undefined ? { blueprint, identifier: decodeCursor(request.from) } : undefined;
    const limit = request.limit;
    const records = await this.store.search({
      condition,
      params,
      after,
      limit: limit === undefined ? undefined : limit + 1,
      withProperties: needsField(request, 'properties'),
      withRelations: needsField(request, 'relations'),
    });
    const more = limit !== undefined && records.length > limit;
    const shown = more ? records.slice(0, limit) : records;
    return {
      entities: shown.map((record) => project(toView(record), request)),
      ...(more ? { next: encodeCursor(shown[shown.length - 1].identifier) } : {}),
    };
  }
}

function encodeCursor(identifier: string): string {
  return Buffer.from(JSON.stringify([identifier])).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const [identifier] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof identifier === 'string') return identifier;
  } catch {
    // reported below
  }
  throw CatalogError.invalid('body/from must be the "next" value of the previous page');
}
