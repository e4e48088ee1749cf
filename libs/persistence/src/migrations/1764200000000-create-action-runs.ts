import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateActionRuns1764200000000 implements MigrationInterface {
  name = 'CreateActionRuns1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE action_runs (
        run_id text PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('recorded', 'dispatched', 'started', 'finished')),
        result text CHECK (result IN ('SUCCESS', 'FAILURE')),
        reason text,
        message_format text CHECK (message_format IN ('run-message', 'github-v2')),
        org text,
        repo text,
        workflow text,
        ref text,
        installation_id bigint,
        report_workflow_status boolean NOT NULL DEFAULT true,
        github_run_id bigint UNIQUE,
        run_link text,
        external_run_id text,
        kafka_topic text,
        kafka_partition integer,
        kafka_offset bigint,
        produced_at timestamptz,
        dispatch_started_at timestamptz,
        dispatched_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        status_reported_at timestamptz,
        checked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((state = 'finished') = (result IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX action_runs_open ON action_runs (state, checked_at) WHERE state <> 'finished'`);
    await queryRunner.query(`CREATE INDEX action_runs_unreported ON action_runs (finished_at) WHERE state = 'finished' AND status_reported_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE action_runs`);
  }
}
