import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

const bigintNumber = { to: (value: number | null) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

export type ActionRunState = 'recorded' | 'dispatched' | 'started' | 'finished';

/**
 * One self-service action run the actions service took from Kafka (table `action_runs`). The unique `run_id` is what
 * makes a dispatch happen at most once: `recorded` is written before the workflow is dispatched, `dispatched` once
 * GitHub's run is known, `started` when it runs, `finished` with the result Glint reported (or will report, while
 * `status_reported_at` is null).
 */
@Entity({ name: 'action_runs' })
export class ActionRunRecord {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  @Column({ type: 'text' })
  state!: ActionRunState;

  @Column({ type: 'text', nullable: true })
  result!: 'SUCCESS' | 'FAILURE' | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'message_format', type: 'text', nullable: true })
  messageFormat!: 'run-message' | 'github-v2' | null;

  @Column({ type: 'text', nullable: true })
  org!: string | null;

  @Column({ type: 'text', nullable: true })
  repo!: string | null;

  @Column({ type: 'text', nullable: true })
  workflow!: string | null;

  @Column({ type: 'text', nullable: true })
  ref!: string | null;

  @Column({ name: 'installation_id', type: 'bigint', nullable: true, transformer: bigintNumber })
  installationId!: number | null;

  @Column({ name: 'report_workflow_status', type: 'boolean', default: true })
  reportWorkflowStatus!: boolean;

  @Column({ name: 'github_run_id', type: 'bigint', nullable: true, unique: true, transformer: bigintNumber })
  githubRunId!: number | null;

  @Column({ name: 'run_link', type: 'text', nullable: true })
  runLink!: string | null;

  @Column({ name: 'external_run_id', type: 'text', nullable: true })
  externalRunId!: string | null;

  @Column({ name: 'kafka_topic', type: 'text', nullable: true })
  kafkaTopic!: string | null;

  @Column({ name: 'kafka_partition', type: 'integer', nullable: true })
  kafkaPartition!: number | null;

  @Column({ name: 'kafka_offset', type: 'bigint', nullable: true, transformer: bigintNumber })
  kafkaOffset!: number | null;

  /** The Kafka message's timestamp: produce-to-dispatch latency is `dispatched_at - produced_at`. */
  @Column({ name: 'produced_at', type: 'timestamptz', nullable: true })
  producedAt!: Date | null;

  /** Just before the dispatch request: GitHub's runs created after it are the candidates when the id is unknown. */
  @Column({ name: 'dispatch_started_at', type: 'timestamptz', nullable: true })
  dispatchStartedAt!: Date | null;

  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'status_reported_at', type: 'timestamptz', nullable: true })
  statusReportedAt!: Date | null;

  /** The last time the watchdog asked GitHub about this open run. */
  @Column({ name: 'checked_at', type: 'timestamptz', nullable: true })
  checkedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
