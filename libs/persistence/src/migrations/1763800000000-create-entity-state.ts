import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEntityState1763800000000 implements MigrationInterface {
  name = 'CreateEntityState1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE entity_state (
        blueprint text NOT NULL,
        identifier text NOT NULL,
        installation_id text NOT NULL,
        origin text NOT NULL CHECK (origin IN ('exporter', 'gitops')),
        content_hash text,
        observed_at timestamptz NOT NULL,
        last_sync_id text,
        deleted boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (blueprint, identifier)
      )`);
    await queryRunner.query(`CREATE INDEX entity_state_owner_sync ON entity_state (installation_id, origin, last_sync_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE entity_state`);
  }
}
