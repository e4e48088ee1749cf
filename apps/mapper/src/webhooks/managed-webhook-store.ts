import type { DataSource } from 'typeorm';

/** What Glint last set on a webhook it manages (table `managed_webhooks`). */
export interface ManagedWebhookRow {
  /** `organization:<login>` or `repository:<owner>/<name>`, lower case. */
  target: string;
  installationId: number;
  hookId: number;
  url: string;
  events: string[];
  secretFingerprint: string;
}

interface StoredRow {
  target: string;
  installation_id: string;
  hook_id: string;
  url: string;
  events: string[];
  secret_fingerprint: string;
}

/** What the reconciler and the sweep need of the table (an in-memory one in unit tests). */
export type ManagedWebhooks = Pick<ManagedWebhookStore, 'withTargetLock' | 'get' | 'all' | 'save'>;

// Two-key advisory lock (class, hashtext(target)); the class is an arbitrary constant owned by this table.
const TARGET_LOCK = 1835164015;

/**
 * The `managed_webhooks` table, and a lock per target: pods that start together reconcile one organization's webhook
 * one after the other, so the second sees the hook the first created instead of creating another.
 */
export class ManagedWebhookStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` while holding the target's lock on a dedicated connection; waits while another session holds it. */
  async withTargetLock<T>(target: string, work: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1, hashtext($2))', [TARGET_LOCK, target]);
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [TARGET_LOCK, target]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  async get(target: string): Promise<ManagedWebhookRow | undefined> {
    const rows = (await this.dataSource.query('SELECT * FROM managed_webhooks WHERE target = $1', [target])) as StoredRow[];
    return rows[0] && toRow(rows[0]);
  }

  async all(): Promise<ManagedWebhookRow[]> {
    const rows = (await this.dataSource.query('SELECT * FROM managed_webhooks ORDER BY target')) as StoredRow[];
    return rows.map(toRow);
  }

  async save(row: ManagedWebhookRow): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO managed_webhooks (target, installation_id, hook_id, url, events, secret_fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (target) DO UPDATE SET installation_id = $2, hook_id = $3, url = $4, events = $5, secret_fingerprint = $6, updated_at = now()`,
      [row.target, row.installationId, row.hookId, row.url, row.events, row.secretFingerprint],
    );
  }
}

function toRow(row: StoredRow): ManagedWebhookRow {
  return {
    target: row.target,
    installationId: Number(row.installation_id),
    hookId: Number(row.hook_id),
    url: row.url,
    events: row.events,
    secretFingerprint: row.secret_fingerprint,
  };
}
