import type { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '../db';
import { SqlParams } from '../search/sql-params';
import type { EntityRecord, ResolvedEntity } from './entity.types';

interface EntityRow {
  blueprint: string;
  identifier: string;
  title: string | null;
  icon: string | null;
  team: string[] | null;
  properties: Record<string, unknown>;
  relations: Record<string, string | string[] | null>;
  datasource: string | null;
  created_at: Date;
  updated_at: Date;
  created_by: string;
  updated_by: string;
  created?: boolean;
}

export interface ExistingEntity {
  /** Properties and relations that hold a non-null value (for `required` checks on merge). */
  filledProperties: Set<string>;
  filledRelations: Set<string>;
}

export interface WriteContext {
  datasource: string | null;
  actor: string;
}

export interface SearchPage {
  condition: string;
  params: SqlParams;
  withProperties?: boolean;
  withRelations?: boolean;
  /** Keyset pagination by (blueprint, identifier). */
  after?: { blueprint: string; identifier: string };
  limit?: number;
  /** Another order than (blueprint, identifier), paginated by `offset` (the UI's sortable columns). */
  order?: EntityOrder;
  offset?: number;
}

/** A sort key: a meta column, or a property or relation by name (JSONB order: numbers as numbers); empty values last. */
export interface EntityOrder {
  by: { meta: 'identifier' | 'title' | 'createdAt' | 'updatedAt' } | { property: string } | { relation: string };
  descending: boolean;
}

const META_COLUMNS = { identifier: 'e.identifier', title: 'e.title', createdAt: 'e.created_at', updatedAt: 'e.updated_at' } as const;

const pairKey = (blueprint: string, identifier: string): string => JSON.stringify([blueprint, identifier]);

/** Entity rows in `catalog_entities`, read and written set-wise. */
export class EntityStore {
  constructor(private readonly db: DataSource) {}

  async get(blueprint: string, identifier: string): Promise<EntityRecord | undefined> {
    const rows: EntityRow[] = await this.db.query('SELECT * FROM catalog_entities WHERE blueprint = $1 AND identifier = $2', [blueprint, identifier]);
    return rows[0] && toRecord(rows[0]);
  }

  async count(blueprint?: string): Promise<number> {
    const rows: Array<{ count: string }> = blueprint
      ? await this.db.query('SELECT count(*) AS count FROM catalog_entities WHERE blueprint = $1', [blueprint])
      : await this.db.query('SELECT count(*) AS count FROM catalog_entities');
    return Number(rows[0].count);
  }

  async countsByBlueprint(): Promise<Map<string, number>> {
    const rows: Array<{ blueprint: string; count: string }> = await this.db.query('SELECT blueprint, count(*) AS count FROM catalog_entities GROUP BY blueprint');
    return new Map(rows.map((row) => [row.blueprint, Number(row.count)]));
  }

  async search(page: SearchPage): Promise<EntityRecord[]> {
    const { params } = page;
    const columns = [
      'e.blueprint, e.identifier, e.title, e.icon, e.team, e.datasource, e.created_at, e.updated_at, e.created_by, e.updated_by',
      page.withProperties === false ? `'{}'::jsonb AS properties` : 'e.properties',
      page.withRelations === false ? `'{}'::jsonb AS relations` : 'e.relations',
    ];
    const after = page.after ? ` AND (e.blueprint, e.identifier) > (${params.add(page.after.blueprint)}, ${params.add(page.after.identifier)})` : '';
    const order = page.order ? `${orderExpression(page.order, params)} ${page.order.descending ? 'DESC' : 'ASC'} NULLS LAST, e.blueprint, e.identifier` : 'e.blueprint, e.identifier';
    const limit = page.limit !== undefined ? ` LIMIT ${params.add(page.limit)}` : '';
    const offset = page.offset ? ` OFFSET ${params.add(page.offset)}` : '';
    const rows: EntityRow[] = await this.db.query(`SELECT ${columns.join(', ')} FROM catalog_entities e WHERE ${page.condition}${after} ORDER BY ${order}${limit}${offset}`, params.values);
    return rows.map(toRecord);
  }

  async countWhere(condition: string, params: SqlParams): Promise<number> {
    const rows: Array<{ count: string }> = await this.db.query(`SELECT count(*) AS count FROM catalog_entities e WHERE ${condition}`, params.values);
    return Number(rows[0].count);
  }

  /** How many entities matching `condition` hold each value of a property (its JSON text; empty ones left out), most first. */
  async valueCounts(condition: string, params: SqlParams, property: string, limit: number): Promise<Array<{ value: string; count: number }>> {
    const name = params.add(property);
    const rows: Array<{ value: string; count: string }> = await this.db.query(
      `SELECT e.properties ->> ${name} AS value, count(*) AS count FROM catalog_entities e
        WHERE ${condition} AND jsonb_typeof(e.properties -> ${name}) IN ('string', 'number', 'boolean')
        GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map((row) => ({ value: row.value, count: Number(row.count) }));
  }

  async identifiersMatching(condition: string, params: SqlParams, limit: number): Promise<string[]> {
    const rows: Array<{ identifier: string }> = await this.db.query(`SELECT e.identifier FROM catalog_entities e WHERE ${condition} ORDER BY e.identifier LIMIT ${params.add(limit)}`, params.values);
    return rows.map((row) => row.identifier);
  }

  /** Which of `identifiers` exist in `blueprint`, with their filled properties and relations. */
  async existing(blueprint: string, identifiers: string[]): Promise<Map<string, ExistingEntity>> {
    if (identifiers.length === 0) return new Map();
    const rows: Array<{ identifier: string; properties: string[]; relations: string[] }> = await this.db.query(
      `SELECT identifier,
              ARRAY(SELECT key FROM jsonb_each(properties) WHERE value <> 'null'::jsonb) AS properties,
              ARRAY(SELECT key FROM jsonb_each(relations) WHERE value <> 'null'::jsonb) AS relations
         FROM catalog_entities WHERE blueprint = $1 AND identifier = ANY($2::text[])`,
      [blueprint, identifiers],
    );
    return new Map(rows.map((row) => [row.identifier, { filledProperties: new Set(row.properties), filledRelations: new Set(row.relations) }]));
  }

  /** The subset of (blueprint, identifier) pairs that exist, as `pairKey`s. */
  async existingPairs(pairs: Array<{ blueprint: string; identifier: string }>): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const rows: Array<{ blueprint: string; identifier: string }> = await this.db.query(
      `SELECT e.blueprint, e.identifier FROM catalog_entities e
         JOIN unnest($1::text[], $2::text[]) AS wanted (blueprint, identifier) ON e.blueprint = wanted.blueprint AND e.identifier = wanted.identifier`,
      [pairs.map((pair) => pair.blueprint), pairs.map((pair) => pair.identifier)],
    );
    return new Set(rows.map((row) => pairKey(row.blueprint, row.identifier)));
  }

  /**
   * One statement for a whole batch: the bare related entities to create (if any) and one INSERT … ON CONFLICT for
   * the entities. `merge` updates only the given fields (properties and relations merge by key, an absent or null
   * title, icon or team keeps the stored one); otherwise an existing entity is replaced. `createOnly` leaves existing
   * entities alone (they are not returned).
   */
  async upsert(blueprint: string, entities: ResolvedEntity[], mode: 'merge' | 'replace' | 'createOnly', bare: Array<{ blueprint: string; identifier: string }>, context: WriteContext, manager?: EntityManager): Promise<Map<string, { record: EntityRecord; created: boolean }>> {
    if (entities.length === 0 && bare.length === 0) return new Map();
    const keep = (column: string): string => (mode === 'merge' ? `COALESCE(EXCLUDED.${column}, e.${column})` : `EXCLUDED.${column}`);
    const merged = (column: string): string => (mode === 'merge' ? `e.${column} || EXCLUDED.${column}` : `EXCLUDED.${column}`);
    const onConflict =
      mode === 'createOnly'
        ? 'DO NOTHING'
        : `DO UPDATE SET title = ${keep('title')}, icon = ${keep('icon')}, team = ${keep('team')}, properties = ${merged('properties')},
             relations = ${merged('relations')}, datasource = EXCLUDED.datasource, updated_at = now(), updated_by = EXCLUDED.updated_by`;
    const rows = entities.map((entity) => ({
      identifier: entity.identifier,
      title: entity.title ?? null,
      icon: entity.icon ?? null,
      team: entity.team ?? null,
      properties: entity.properties ?? {},
      relations: entity.relations ?? {},
    }));
    const result: EntityRow[] = await (manager ?? this.db).query(
      `WITH bare AS (
         INSERT INTO catalog_entities (blueprint, identifier, datasource, created_by, updated_by)
         SELECT b.blueprint, b.identifier, $3, $4, $4 FROM jsonb_to_recordset($5::jsonb) AS b (blueprint text, identifier text)
         ON CONFLICT DO NOTHING
       )
       INSERT INTO catalog_entities AS e (blueprint, identifier, title, icon, team, properties, relations, datasource, created_by, updated_by)
       SELECT $1, x.identifier, x.title, x.icon, x.team, x.properties, x.relations, $3, $4, $4
         FROM jsonb_to_recordset($2::jsonb) AS x (identifier text, title text, icon text, team jsonb, properties jsonb, relations jsonb)
       ON CONFLICT (blueprint, identifier) ${onConflict}
       RETURNING e.*, (e.xmax = 0) AS created`,
      [blueprint, JSON.stringify(rows), context.datasource, context.actor, JSON.stringify(bare)],
    );
    return new Map(result.map((row) => [row.identifier, { record: toRecord(row), created: row.created === true }]));
  }

  async rename(blueprint: string, from: string, to: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE catalog_entities SET identifier = $3 WHERE blueprint = $1 AND identifier = $2', [blueprint, from, to]);
  }

  /** Identifiers of `source` entities whose relation `name` points at one of `targets`. */
  async referrers(source: string, name: string, many: boolean, targets: string[], manager?: EntityManager): Promise<string[]> {
    const rows: Array<{ identifier: string }> = await (manager ?? this.db).query(
      'SELECT identifier FROM catalog_entities WHERE blueprint = $1 AND relations @> ANY($2::jsonb[])',
      [source, containments(name, many, targets)],
    );
    return rows.map((row) => row.identifier);
  }

  /** Removes `targets` from relation `name` of every `source` entity that points at them (a single relation becomes null). */
  async clearReferences(source: string, name: string, many: boolean, targets: string[], manager: EntityManager): Promise<void> {
    const value = many
      ? `COALESCE((SELECT jsonb_agg(item) FROM jsonb_array_elements(relations -> $3) AS item WHERE NOT ((item #>> '{}') = ANY($4::text[]))), '[]'::jsonb)`
      : `'null'::jsonb`;
    await manager.query(`UPDATE catalog_entities SET relations = jsonb_set(relations, ARRAY[$3], ${value}) WHERE blueprint = $1 AND relations @> ANY($2::jsonb[])`, [
      source,
      containments(name, many, targets),
      name,
      ...(many ? [targets] : []),
    ]);
  }

  async deleteMany(blueprint: string, identifiers: string[], manager?: EntityManager): Promise<string[]> {
    const rows = await rowsOf<{ identifier: string }>(manager ?? this.db, 'DELETE FROM catalog_entities WHERE blueprint = $1 AND identifier = ANY($2::text[]) RETURNING identifier', [blueprint, identifiers]);
    return rows.map((row) => row.identifier);
  }

  async identifiersOf(blueprint: string, identifiers?: string[]): Promise<string[]> {
    const rows: Array<{ identifier: string }> = identifiers
      ? await this.db.query('SELECT identifier FROM catalog_entities WHERE blueprint = $1 AND identifier = ANY($2::text[])', [blueprint, identifiers])
      : await this.db.query('SELECT identifier FROM catalog_entities WHERE blueprint = $1', [blueprint]);
    return rows.map((row) => row.identifier);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

export { pairKey };

/** `{relation: id}` (or `{relation: [id]}` for many) per target: JSONB containment the GIN index answers. */
function containments(name: string, many: boolean, targets: string[]): string[] {
  return targets.map((target) => JSON.stringify({ [name]: many ? [target] : target }));
}

function orderExpression(order: EntityOrder, params: SqlParams): string {
  const { by } = order;
  if ('meta' in by) return META_COLUMNS[by.meta];
  // A JSON null sorts as empty, like an absent key.
  const [column, name] = 'property' in by ? ['properties', by.property] : ['relations', by.relation];
  return `NULLIF(e.${column} -> ${params.add(name)}, 'null'::jsonb)`;
}

function toRecord(row: EntityRow): EntityRecord {
  return {
    blueprint: row.blueprint,
    identifier: row.identifier,
    title: row.title,
    icon: row.icon,
    team: row.team,
    properties: row.properties,
    relations: row.relations,
    datasource: row.datasource,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
  };
}
