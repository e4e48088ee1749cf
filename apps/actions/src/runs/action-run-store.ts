import type { ActionRunRecord } from '@glint/persistence';
import type { DataSource } from 'typeorm';
import type { MessageFormat } from '../messages/run-message';

export type StoredRun = Omit<ActionRunRecord, 'createdAt' | 'updatedAt'>;
export type RunResult = 'SUCCESS' | 'FAILURE';

/** Where a run came from on Kafka, and when it was produced. */
export interface MessageSource {
  topic: string;
  partition: number;
  offset: string;
  producedAt: Date;
}

export interface RunTarget {
  format: MessageFormat;
  org: string;
  repo: string;
  workflow: string;
  ref?: string;
  installationId?: number;
  reportWorkflowStatus: boolean;
}

export interface ConfirmedRun {
  githubRunId: number;
  link: string;
  externalRunId: string;
  dispatchedAt: Date;
}

interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

// Two-key advisory locks: (class, hashtext(key)). The classes are arbitrary constants owned by this table.
const RUN_LOCK = 1633907826;
const WORKFLOW_LOCK = 1633907827;

/**
 * The `action_runs` table. A run being worked on is held by a session-level advisory lock on its id for as long as
 * the work lasts: a `recorded` row whose lock is free therefore belongs to a process that died between recording and
 * confirming, and may be reconciled.
 */
export class ActionRunStore {
  constructor(
    private readonly db: Queryable,
    private readonly dataSource?: DataSource,
  ) {}

  static of(dataSource: DataSource): ActionRunStore {
    return new ActionRunStore(dataSource, dataSource);
  }

  /**
   * Runs `work` on a dedicated connection that holds the run's lock, or answers 'busy' without waiting when another
   * session holds it. The lock ends with the connection, also when the process dies.
   */
  async withRunLock<T>(runId: string, work: (locked: LockedRunStore) => Promise<T>): Promise<T | 'busy'> {
    if (!this.dataSource) throw new Error('withRunLock needs the pool-level store');
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [RUN_LOCK, runId])) as Array<{ locked: boolean }>;
      if (!locked) return 'busy';
      try {
        return await work(new LockedRunStore(runner));
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [RUN_LOCK, runId]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  async get(runId: string): Promise<StoredRun | undefined> {
    return first(await this.db.query('SELECT * FROM action_runs WHERE run_id = $1', [runId]));
  }

  async findByGithubRunId(githubRunId: number): Promise<StoredRun | undefined> {
    return first(await this.db.query('SELECT * FROM action_runs WHERE github_run_id = $1', [githubRunId]));
  }

  /** Whether a run of this repository is recorded but its GitHub run not yet known (a completion may be early). */
  async awaitingRunOf(org: string, repo: string): Promise<boolean> {
    const rows = (await this.db.query(`SELECT 1 FROM action_runs WHERE state = 'recorded' AND lower(org) = lower($1) AND lower(repo) = lower($2) LIMIT 1`, [org, repo])) as unknown[];
    return rows.length > 0;
  }

  async claimedAmong(githubRunIds: readonly number[]): Promise<Set<number>> {
    if (githubRunIds.length === 0) return new Set();
    const rows = (await this.db.query('SELECT github_run_id FROM action_runs WHERE github_run_id = ANY($1::bigint[])', [githubRunIds.map(String)])) as Array<{ github_run_id: string }>;
    return new Set(rows.map((row) => Number(row.github_run_id)));
  }

  /**
   * Finishes a run that is not finished yet and returns it; undefined when it already was (someone else reports it).
   * With `reported`, nothing is left to tell the catalog.
   */
  async finish(runId: string, result: RunResult, reason: string, reported: boolean): Promise<StoredRun | undefined> {
    return first(
      await this.db.query(
        `UPDATE action_runs SET state = 'finished', result = $2, reason = $3, finished_at = now(), status_reported_at = CASE WHEN $4 THEN now() END, updated_at = now()
          WHERE run_id = $1 AND state <> 'finished' RETURNING *`,
        [runId, result, reason, reported],
      ),
    );
  }

  async markStarted(runId: string): Promise<void> {
    await this.db.query(`UPDATE action_runs SET state = 'started', started_at = now(), updated_at = now() WHERE run_id = $1 AND state = 'dispatched'`, [runId]);
  }

  async markChecked(runId: string): Promise<void> {
    await this.db.query('UPDATE action_runs SET checked_at = now() WHERE run_id = $1', [runId]);
  }

  async markStatusReported(runId: string): Promise<void> {
    await this.db.query('UPDATE action_runs SET status_reported_at = now(), updated_at = now() WHERE run_id = $1', [runId]);
  }

  /** Ids of runs recorded but not confirmed: candidates for reconciliation, if no live session holds them. */
  async recordedRunIds(limit: number): Promise<string[]> {
    const rows = (await this.db.query(`SELECT run_id FROM action_runs WHERE state = 'recorded' ORDER BY created_at LIMIT $1`, [limit])) as Array<{ run_id: string }>;
    return rows.map((row) => row.run_id);
  }

  /** Dispatched or started runs not checked against GitHub for `intervalMs`. */
  async dueForCheck(intervalMs: number, limit: number): Promise<StoredRun[]> {
    return rows(
      await this.db.query(
        `SELECT * FROM action_runs WHERE state IN ('dispatched', 'started') AND COALESCE(checked_at, dispatched_at) < now() - make_interval(secs => $1)
          ORDER BY COALESCE(checked_at, dispatched_at) LIMIT $2`,
        [intervalMs / 1000, limit],
      ),
    );
  }

  /** Finished runs whose result the catalog has not taken yet, finished at least `graceMs` ago. */
  async unreported(graceMs: number, limit: number): Promise<StoredRun[]> {
    return rows(
      await this.db.query(
        `SELECT * FROM action_runs WHERE state = 'finished' AND status_reported_at IS NULL AND finished_at < now() - make_interval(secs => $1)
          ORDER BY finished_at LIMIT $2`,
        [graceMs / 1000, limit],
      ),
    );
  }
}

/** The store on the connection that holds a run's lock: the writes that must happen under it. */
export class LockedRunStore extends ActionRunStore {
  constructor(private readonly session: Queryable) {
    super(session);
  }

  /** Runs `work` while holding the workflow's lock (waiting for it): dispatches of one workflow are then told apart. */
  async withWorkflowLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    await this.session.query('SELECT pg_advisory_lock($1, hashtext($2))', [WORKFLOW_LOCK, key.toLowerCase()]);
    try {
      return await work();
    } finally {
      await this.session.query('SELECT pg_advisory_unlock($1, hashtext($2))', [WORKFLOW_LOCK, key.toLowerCase()]).catch(() => undefined);
    }
  }

  /** A run that ends before anything is dispatched (invalid message, refused target): finished at once. */
  async recordFinished(runId: string, target: Partial<RunTarget>, source: MessageSource, reason: string): Promise<StoredRun | undefined> {
    return first(
      await this.session.query(
        `INSERT INTO action_runs (run_id, state, result, reason, finished_at, message_format, org, repo, workflow, ref, installation_id, report_workflow_status,
                                  kafka_topic, kafka_partition, kafka_offset, produced_at)
         VALUES ($1, 'finished', 'FAILURE', $2, now(), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (run_id) DO NOTHING RETURNING *`,
        [runId, reason, ...targetValues(target), ...sourceValues(source)],
      ),
    );
  }

  /** The intent, written before the dispatch request: from here on the run is never dispatched again. */
  async recordIntent(runId: string, target: RunTarget, source: MessageSource, dispatchStartedAt: Date): Promise<void> {
    await this.session.query(
      `INSERT INTO action_runs (run_id, state, dispatch_started_at, message_format, org, repo, workflow, ref, installation_id, report_workflow_status,
                                kafka_topic, kafka_partition, kafka_offset, produced_at)
       VALUES ($1, 'recorded', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [runId, dispatchStartedAt, ...targetValues(target), ...sourceValues(source)],
    );
  }

  /** GitHub's run is this one; false when another action run already claimed it. */
  async confirm(runId: string, confirmed: ConfirmedRun): Promise<boolean> {
    try {
      await this.session.query(
        `UPDATE action_runs SET state = 'dispatched', github_run_id = $2, run_link = $3, external_run_id = $4, dispatched_at = $5, updated_at = now()
          WHERE run_id = $1 AND state = 'recorded'`,
        [runId, confirmed.githubRunId, confirmed.link, confirmed.externalRunId, confirmed.dispatchedAt],
      );
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return false;
      throw error;
    }
  }
}

function targetValues(target: Partial<RunTarget>): unknown[] {
  return [target.format ?? null, target.org ?? null, target.repo ?? null, target.workflow ?? null, target.ref ?? null, target.installationId ?? null, target.reportWorkflowStatus ?? true];
}

function sourceValues(source: MessageSource): unknown[] {
  return [source.topic, source.partition, source.offset, source.producedAt];
}

interface RunRow {
  run_id: string;
  state: StoredRun['state'];
  result: StoredRun['result'];
  reason: string | null;
  message_format: StoredRun['messageFormat'];
  org: string | null;
  repo: string | null;
  workflow: string | null;
  ref: string | null;
  installation_id: string | null;
  report_workflow_status: boolean;
  github_run_id: string | null;
  run_link: string | null;
  external_run_id: string | null;
  kafka_topic: string | null;
  kafka_partition: number | null;
  kafka_offset: string | null;
  produced_at: Date | null;
  dispatch_started_at: Date | null;
  dispatched_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  status_reported_at: Date | null;
  checked_at: Date | null;
}

function toRun(row: RunRow): StoredRun {
  const number = (value: string | null) => (value === null ? null : Number(value));
  return {
    runId: row.run_id,
    state: row.state,
    result: row.result,
    reason: row.reason,
    messageFormat: row.message_format,
    org: row.org,
    repo: row.repo,
    workflow: row.workflow,
    ref: row.ref,
    installationId: number(row.installation_id),
    reportWorkflowStatus: row.report_workflow_status,
    githubRunId: number(row.github_run_id),
    runLink: row.run_link,
    externalRunId: row.external_run_id,
    kafkaTopic: row.kafka_topic,
    kafkaPartition: row.kafka_partition,
    kafkaOffset: number(row.kafka_offset),
    producedAt: row.produced_at,
    dispatchStartedAt: row.dispatch_started_at,
    dispatchedAt: row.dispatched_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    statusReportedAt: row.status_reported_at,
    checkedAt: row.checked_at,
  };
}

/** `query` answers an array of rows for SELECT and INSERT … RETURNING, and [rows, count] for UPDATE … RETURNING. */
function rows(answer: unknown): StoredRun[] {
  const list = Array.isArray(answer) && answer.length === 2 && Array.isArray(answer[0]) && typeof answer[1] === 'number' ? answer[0] : answer;
  return (list as RunRow[]).map(toRun);
}

function first(answer: unknown): StoredRun | undefined {
  return rows(answer)[0];
}
