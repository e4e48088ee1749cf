import { CreateCatalog1764100000000 } from './migrations/1764100000000-create-catalog';
import { NotifyEntityChanges1764900000000 } from './migrations/1764900000000-notify-entity-changes';

/**
 * The catalog's own tables (catalog_blueprints, catalog_entities, catalog_action_runs, catalog_action_run_logs,
 * catalog_seeds). They are read and written with set-based SQL (one INSERT … ON CONFLICT per bulk upsert), so no
 * TypeORM entity classes are mapped; TypeORM runs the migrations.
 */
export const CATALOG_ENTITIES = [];
export const CATALOG_MIGRATIONS = [CreateCatalog1764100000000, NotifyEntityChanges1764900000000];
