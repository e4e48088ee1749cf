import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateManagedWebhooks1764310000000 implements MigrationInterface {
  name = 'CreateManagedWebhooks1764310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE managed_webhooks (
        target text PRIMARY KEY CHECK (target ~ '^(organization|repository):'),
        installation_id bigint NOT NULL,
        hook_id bigint NOT NULL,
        url text NOT NULL,
        events text[] NOT NULL,
        secret_fingerprint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE managed_webhooks`);
  }
}
