import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInstallations1763700000000 implements MigrationInterface {
  name = 'CreateInstallations1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE installations (
        id bigint PRIMARY KEY,
        account_login text NOT NULL,
        account_type text NOT NULL CHECK (account_type IN ('Organization', 'User')),
        suspended_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX installations_account_login ON installations (lower(account_login))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE installations`);
  }
}
