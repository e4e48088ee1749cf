import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog's tables. Entities keep Port's JSON as JSONB (properties, relations, team) beside the columns the
 * routes filter on. Relations are only in `relations`; the GIN index answers "who points at X" (relatedTo
 * downstream, dependents on delete) with containment queries.
 */
export class CreateCatalog1764100000000 implements MigrationInterface {
  name = 'CreateCatalog1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE catalog_blueprints (
        identifier text PRIMARY KEY,
        definition jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        updated_by text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE catalog_entities (
        blueprint text NOT NULL REFERENCES catalog_blueprints (identifier),
        identifier text NOT NULL,
        title text,
        icon text,
        team jsonb,
        properties jsonb NOT NULL DEFAULT '{}',
        relations jsonb NOT NULL DEFAULT '{}',
        datasource text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        updated_by text NOT NULL,
        PRIMARY KEY (blueprint, identifier)
      )`);
    await queryRunner.query(`CREATE INDEX catalog_entities_datasource ON catalog_entities (datasource, blueprint)`);
    await queryRunner.query(`CREATE INDEX catalog_entities_relations ON catalog_entities USING gin (relations jsonb_path_ops)`);
    await queryRunner.query(`
      CREATE TABLE catalog_action_runs (
        id text PRIMARY KEY,
        action text NOT NULL,
        blueprint text,
        entity text,
        properties jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL CHECK (status IN ('IN_PROGRESS', 'SUCCESS', 'FAILURE')),
        status_label text,
        link jsonb,
        summary text,
        external_run_id text,
        source text NOT NULL DEFAULT 'API',
        created_by text NOT NULL,
        updated_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX catalog_action_runs_created ON catalog_action_runs (created_at DESC)`);
    await queryRunner.query(`CREATE INDEX catalog_action_runs_external ON catalog_action_runs (external_run_id) WHERE external_run_id IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE catalog_action_run_logs (
        id text PRIMARY KEY,
        run_id text NOT NULL REFERENCES catalog_action_runs (id) ON DELETE CASCADE,
        message text NOT NULL,
        termination_status text CHECK (termination_status IN ('SUCCESS', 'FAILURE')),
        status_label text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await queryRunner.query(`CREATE INDEX catalog_action_run_logs_run ON catalog_action_run_logs (run_id, created_at)`);
    await queryRunner.query(`CREATE TABLE catalog_seeds (name text PRIMARY KEY, seeded_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['catalog_seeds', 'catalog_action_run_logs', 'catalog_action_runs', 'catalog_entities', 'catalog_blueprints']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
