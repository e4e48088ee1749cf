import type { DataSource } from 'typeorm';
import { rowsOf } from '../db';
import { CatalogError } from '../http/catalog-error';
import { RelationGraph } from '../search/search-sql';
import { applyBlueprintPatch, checkBlueprint } from './blueprint-rules';
import type { BlueprintDefinition, StoredBlueprint } from './blueprint.types';

interface BlueprintRow {
  identifier: string;
  definition: BlueprintDefinition;
  created_at: Date;
  updated_at: Date;
  created_by: string;
  updated_by: string;
}

const DEFAULTS_SEED = 'default-blueprints';

/** Blueprints in `catalog_blueprints`, their definition as JSONB. */
export class BlueprintStore {
  constructor(private readonly db: DataSource) {}

  async list(): Promise<StoredBlueprint[]> {
    const rows: BlueprintRow[] = await this.db.query('SELECT * FROM catalog_blueprints ORDER BY identifier');
    return rows.map(toStored);
  }

  async find(identifier: string): Promise<StoredBlueprint | undefined> {
    const rows: BlueprintRow[] = await this.db.query('SELECT * FROM catalog_blueprints WHERE identifier = $1', [identifier]);
    return rows[0] && toStored(rows[0]);
  }

  async require(identifier: string): Promise<StoredBlueprint> {
    const blueprint = await this.find(identifier);
    if (!blueprint) throw CatalogError.notFound(`Blueprint with identifier "${identifier}" was not found`);
    return blueprint;
  }

  async graph(): Promise<RelationGraph> {
    return new RelationGraph(await this.list());
  }

  async create(body: unknown, actor: string): Promise<StoredBlueprint> {
    const blueprint = checkBlueprint(body);
    await this.checkRelationTargets(blueprint);
    const rows: BlueprintRow[] = await this.db.query(
      `INSERT INTO catalog_blueprints (identifier, definition, created_by, updated_by) VALUES ($1, $2, $3, $3)
       ON CONFLICT (identifier) DO NOTHING RETURNING *`,
      [blueprint.identifier, blueprint, actor],
    );
    if (rows.length === 0) throw CatalogError.conflict('identifier_taken', `A blueprint with identifier "${blueprint.identifier}" already exists`);
    return toStored(rows[0]);
  }

  /** PUT: the body replaces the definition (`identifier` may be left out, it is the path's). */
  async replace(identifier: string, body: unknown, actor: string): Promise<StoredBlueprint> {
    const stored = await this.require(identifier);
    const withIdentifier = typeof body === 'object' && body !== null && !Array.isArray(body) ? { identifier, ...body } : body;
    return this.save(stored, checkBlueprint(withIdentifier, stored), actor);
  }

  async patch(identifier: string, body: unknown, actor: string): Promise<StoredBlueprint> {
    const stored = await this.require(identifier);
    return this.save(stored, checkBlueprint(applyBlueprintPatch(definitionOf(stored), body), stored), actor);
  }

  /** Refused while entities of the blueprint exist (as Port) or another blueprint's relation targets it. */
  async delete(identifier: string): Promise<void> {
    await this.require(identifier);
    const [{ count }]: Array<{ count: string }> = await this.db.query('SELECT count(*) AS count FROM catalog_entities WHERE blueprint = $1', [identifier]);
    if (Number(count) > 0) throw CatalogError.conflict('has_entities', `Blueprint "${identifier}" still has ${count} entities; delete them first (DELETE /v1/blueprints/${identifier}/all-entities)`);
    const referrers = (await this.graph()).incoming(identifier).filter(({ source }) => source !== identifier);
    if (referrers.length > 0) {
      throw CatalogError.conflict('has_relations', `Blueprint "${identifier}" is the target of ${referrers.map(({ source, name }) => `${source}.${name}`).join(', ')}; remove those relations first`);
    }
    await this.db.query('DELETE FROM catalog_blueprints WHERE identifier = $1', [identifier]);
  }

  /**
   * Stores `blueprints` the first time any catalog starts on this database, and never again (a deleted default
   * stays deleted). Pods starting together agree through the `catalog_seeds` row inserted in the same transaction.
   */
  async seedOnce(blueprints: unknown[], actor: string): Promise<string[]> {
    const checked = blueprints.map((blueprint) => checkBlueprint(blueprint));
    return this.db.transaction(async (manager) => {
      const claimed: unknown[] = await manager.query(`INSERT INTO catalog_seeds (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING name`, [DEFAULTS_SEED]);
      if (claimed.length === 0) return [];
      const rows: Array<{ identifier: string }> = await manager.query(
        `INSERT INTO catalog_blueprints (identifier, definition, created_by, updated_by)
         SELECT definition ->> 'identifier', definition, $2, $2 FROM jsonb_array_elements($1::jsonb) AS definition
         ON CONFLICT (identifier) DO NOTHING RETURNING identifier`,
        [JSON.stringify(checked), actor],
      );
      return rows.map((row) => row.identifier);
    });
  }

  private async save(stored: StoredBlueprint, blueprint: BlueprintDefinition, actor: string): Promise<StoredBlueprint> {
    if (blueprint.identifier !== stored.identifier) throw CatalogError.invalid(`/identifier cannot change (from "${stored.identifier}" to "${blueprint.identifier}")`);
    await this.checkRelationTargets(blueprint);
    const rows = await rowsOf<BlueprintRow>(
      this.db,
      `UPDATE catalog_blueprints SET definition = $2, updated_by = $3, updated_at = now() WHERE identifier = $1 RETURNING *`,
      [stored.identifier, blueprint, actor],
    );
    if (rows.length === 0) throw CatalogError.notFound(`Blueprint with identifier "${stored.identifier}" was not found`);
    return toStored(rows[0]);
  }

  private async checkRelationTargets(blueprint: BlueprintDefinition): Promise<void> {
    const targets = [...new Set(Object.values(blueprint.relations).map((relation) => relation.target))].filter((target) => target !== blueprint.identifier);
    if (targets.length === 0) return;
    const rows: Array<{ identifier: string }> = await this.db.query('SELECT identifier FROM catalog_blueprints WHERE identifier = ANY($1)', [targets]);
    const known = new Set(rows.map((row) => row.identifier));
    const missing = Object.entries(blueprint.relations).filter(([, relation]) => relation.target !== blueprint.identifier && !known.has(relation.target));
    if (missing.length > 0) throw CatalogError.invalid(missing.map(([name, relation]) => `/relations/${name}/target names blueprint "${relation.target}", which does not exist`).join('; '));
  }
}

function toStored(row: BlueprintRow): StoredBlueprint {
  return {
    ...row.definition,
    identifier: row.identifier,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
  };
}

function definitionOf(stored: StoredBlueprint): BlueprintDefinition {
  const { createdAt: _createdAt, updatedAt: _updatedAt, createdBy: _createdBy, updatedBy: _updatedBy, ...definition } = stored;
  return definition;
}
