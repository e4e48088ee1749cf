import type { BlueprintStore } from '../blueprints/blueprint-store';
import type { EntityOrder, EntityStore } from '../entities/entity-store';
import { needsField, project, Projection, toView } from '../entities/entity-view';
import type { EntityRecord, EntityView } from '../entities/entity.types';
import { CatalogError } from '../http/catalog-error';
import { RelationGraph, searchCondition } from './search-sql';
import { SqlParams } from './sql-params';

export interface SortedPageRequest {
  order: EntityOrder;
  offset: number;
  limit: number;
}

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

  /** The SQL condition of a search within one blueprint, with its own parameters. */
  async condition(blueprint: string, query: unknown): Promise<{ condition: string; params: SqlParams }> {
    return this.conditionIn(await this.graphFor(query), blueprint, query);
  }

  /** The UI's table: one page in any order, and how many entities match the query in all. */
  async sorted(blueprint: string, query: unknown, request: SortedPageRequest): Promise<{ records: EntityRecord[]; total: number }> {
    const graph = await this.graphFor(query);
    // Two parameter lists: the page's gains its limit and offset.
    const [page, counted] = [this.conditionIn(graph, blueprint, query), this.conditionIn(graph, blueprint, query)];
    const [records, total] = await Promise.all([this.store.search({ ...page, order: request.order, offset: request.offset, limit: request.limit }), this.store.countWhere(counted.condition, counted.params)]);
    return { records, total };
  }

  /** Per property, how many entities matching the query hold each of its values (the UI's filter counts). */
  async valueCounts(blueprint: string, query: unknown, properties: string[], limit: number): Promise<Map<string, Array<{ value: string; count: number }>>> {
    const graph = await this.graphFor(query);
    const counts = await Promise.all(
      properties.map(async (property) => {
        const { condition, params } = this.conditionIn(graph, blueprint, query);
        return [property, await this.store.valueCounts(condition, params, property, limit)] as const;
      }),
    );
    return new Map(counts);
  }

  /** The blueprints' relation graph a query's rules resolve against: read once per search, and not at all without a query. */
  private async graphFor(query: unknown): Promise<RelationGraph | undefined> {
    return query === undefined ? undefined : this.blueprints.graph();
  }

  private conditionIn(graph: RelationGraph | undefined, blueprint: string, query: unknown): { condition: string; params: SqlParams } {
    const params = new SqlParams();
    const filter = query === undefined || graph === undefined ? 'TRUE' : searchCondition(query, { params, graph, now: this.now() }, '/query');
    return { condition: `e.blueprint = ${params.add(blueprint)} AND ${filter}`, params };
  }

  async page(blueprint: string, query: unknown, request: PageRequest): Promise<{ entities: Array<Partial<EntityView>>; next?: string }> {
    const { condition, params } = await this.condition(blueprint, query);
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
