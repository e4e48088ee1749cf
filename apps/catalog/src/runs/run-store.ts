import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { rowsOf } from '../db';
import { isObject } from '../blueprints/blueprint-rules';
import { CatalogError } from '../http/catalog-error';

export type RunStatus = 'IN_PROGRESS' | 'SUCCESS' | 'FAILURE';

interface RunRow {
  id: string;
  action: string;
  blueprint: string | null;
  entity: string | null;
  properties: Record<string, unknown>;
  status: RunStatus;
  status_label: string | null;
  link: string[] | null;
  summary: string | null;
  external_run_id: string | null;
  source: string;
  created_by: string;
  updated_by: string;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

interface LogRow {
  id: string;
  run_id: string;
  message: string;
  termination_status: 'SUCCESS' | 'FAILURE' | null;
  status_label: string | null;
  created_by: string;
  created_at: Date;
}

/** An action run as the API serves it (the spec's run object; unset optional fields are left out). */
export interface RunView {
  id: string;
  action: { identifier: string };
  blueprint?: { identifier: string };
  entity?: { identifier: string };
  properties: Record<string, unknown>;
  status: RunStatus;
  statusLabel: string | null;
  link?: string[];
  summary?: string;
  externalRunId?: string;
  source: string;
  requiredApproval: boolean;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  endedAt?: string;
}

export interface RunLogView {
  id: string;
  runId: string;
  message: string;
  terminationStatus?: 'SUCCESS' | 'FAILURE';
  statusLabel?: string;
  createdBy: string;
  createdAt: string;
}

export interface RunFilter {
  externalRunId?: string;
  entity?: string;
  blueprint?: string;
  action?: string;
  active?: boolean;
  limit: number;
}

const PATCH_KEYS = new Set(['status', 'statusLabel', 'link', 'summary', 'externalRunId', 'message']);
const LOG_KEYS = new Set(['message', 'terminationStatus', 'statusLabel']);
const TERMINAL = ['SUCCESS', 'FAILURE'];

/**
 * Self-service action runs and their logs. A run starts IN_PROGRESS; a PATCH with a status, or a log with a
 * terminationStatus, ends it, after which changes are refused (409 run_finished), except a repeat of what is
 * already stored, so a client that retries after a lost answer is not failed.
 */
export class RunStore {
  constructor(private readonly db: DataSource) {}

  async create(action: string, body: unknown, actor: string): Promise<RunView> {
    if (!isObject(body) || !isObject(body['properties'])) throw CatalogError.invalid('body must be {properties: {...}, entity?: "<identifier>"}');
    const extra = Object.keys(body).filter((key) => key !== 'properties' && key !== 'entity');
    if (extra.length > 0) throw CatalogError.invalid(`body must NOT have additional properties (${extra.join(', ')})`);
    const entity = body['entity'];
    if (entity !== undefined && typeof entity !== 'string') throw CatalogError.invalid('body/entity must be an entity identifier');
    let blueprint: string | null = null;
    if (entity !== undefined) {
      const owners: Array<{ blueprint: string }> = await this.db.query('SELECT blueprint FROM catalog_entities WHERE identifier = $1 LIMIT 2', [entity]);
      if (owners.length === 0) throw CatalogError.notFound(`Entity "${entity}" was not found`);
      if (owners.length === 1) blueprint = owners[0].blueprint;
    }
    const rows: RunRow[] = await this.db.query(
      `INSERT INTO catalog_action_runs (id, action, blueprint, entity, properties, status, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, 'IN_PROGRESS', $6, $6) RETURNING *`,
      [`r_${randomBytes(12).toString('base64url')}`, action, blueprint, entity ?? null, body['properties'], actor],
    );
    return toRunView(rows[0]);
  }

  async get(id: string): Promise<RunView> {
    return toRunView(await this.row(id));
  }

  async list(filter: RunFilter): Promise<RunView[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const where = (column: string, value: unknown): void => {
      values.push(value);
      conditions.push(`${column} = $${values.length}`);
    };
    if (filter.externalRunId !== undefined) where('external_run_id', filter.externalRunId);
    if (filter.entity !== undefined) where('entity', filter.entity);
    if (filter.blueprint !== undefined) where('blueprint', filter.blueprint);
    if (filter.action !== undefined) where('action', filter.action);
    if (filter.active !== undefined) conditions.push(filter.active ? `status = 'IN_PROGRESS'` : `status <> 'IN_PROGRESS'`);
    values.push(filter.limit);
    const rows: RunRow[] = await this.db.query(
      `SELECT * FROM catalog_action_runs ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT $${values.length}`,
      values,
    );
    return rows.map(toRunView);
  }

  async patch(id: string, body: unknown, actor: string): Promise<RunView> {
    if (!isObject(body)) throw CatalogError.invalid('body must be an object');
    const extra = Object.keys(body).filter((key) => !PATCH_KEYS.has(key));
    if (extra.length > 0) throw CatalogError.invalid(`body must NOT have additional properties (${extra.join(', ')})`);
    const { status, statusLabel, link, summary, externalRunId } = body;
    if (status !== undefined && !TERMINAL.includes(status as string)) throw CatalogError.invalid('body/status must be SUCCESS or FAILURE');
    for (const [key, value] of Object.entries({ statusLabel, summary, externalRunId })) if (value !== undefined && typeof value !== 'string') throw CatalogError.invalid(`body/${key} must be a string`);
    const links = link === undefined ? undefined : typeof link === 'string' ? [link] : link;
    if (links !== undefined && (!Array.isArray(links) || !links.every((item) => typeof item === 'string'))) throw CatalogError.invalid('body/link must be a string or an array of strings');

    const changes: Array<[column: string, value: unknown]> = [];
    if (status !== undefined) changes.push(['status', status]);
    if (statusLabel !== undefined) changes.push(['status_label', statusLabel]);
    if (links !== undefined) changes.push(['link', JSON.stringify(links)]);
    if (summary !== undefined) changes.push(['summary', summary]);
    if (externalRunId !== undefined) changes.push(['external_run_id', externalRunId]);
    const current = await this.row(id);
    if (current.status !== 'IN_PROGRESS') {
      const repeat = changes.every(([column, value]) => (column === 'link' ? JSON.stringify(current.link) === value : current[column as keyof RunRow] === value));
      if (repeat) return toRunView(current);
      throw CatalogError.conflict('run_finished', `Run ${id} already ended with ${current.status} and can no longer be modified`);
    }
    if (changes.length === 0) return toRunView(current);
    const values = changes.map(([, value]) => value);
    const assignments = changes.map(([column], index) => `${column} = $${index + 3}`);
    const rows = await rowsOf<RunRow>(
      this.db,
      `UPDATE catalog_action_runs SET ${assignments.join(', ')}, updated_by = $2, updated_at = now()${status !== undefined ? ', ended_at = now()' : ''}
       WHERE id = $1 AND status = 'IN_PROGRESS' RETURNING *`,
      [id, actor, ...values],
    );
    if (rows.length === 0) throw CatalogError.conflict('run_finished', `Run ${id} ended while this change was made; it can no longer be modified`);
    return toRunView(rows[0]);
  }

  async addLog(runId: string, body: unknown, actor: string): Promise<RunLogView> {
    if (!isObject(body)) throw CatalogError.invalid('body must be an object with a message');
    const extra = Object.keys(body).filter((key) => !LOG_KEYS.has(key));
    if (extra.length > 0) throw CatalogError.invalid(`body must NOT have additional properties (${extra.join(', ')})`);
    const { message, terminationStatus, statusLabel } = body;
    if (typeof message !== 'string') throw CatalogError.invalid('body/message must be a string');
    if (terminationStatus !== undefined && !TERMINAL.includes(terminationStatus as string)) throw CatalogError.invalid('body/terminationStatus must be SUCCESS or FAILURE');
    if (statusLabel !== undefined && typeof statusLabel !== 'string') throw CatalogError.invalid('body/statusLabel must be a string');
    return this.db.transaction(async (manager) => {
      const runs: RunRow[] = await manager.query('SELECT * FROM catalog_action_runs WHERE id = $1 FOR UPDATE', [runId]);
      if (runs.length === 0) throw CatalogError.notFound(`Action run "${runId}" was not found`);
      if (terminationStatus !== undefined) {
        if (runs[0].status !== 'IN_PROGRESS') throw CatalogError.conflict('run_finished', `Run ${runId} already ended with ${runs[0].status}; a terminationStatus can be sent once`);
        await manager.query(
          `UPDATE catalog_action_runs SET status = $2, status_label = COALESCE($3, status_label), ended_at = now(), updated_at = now(), updated_by = $4 WHERE id = $1`,
          [runId, terminationStatus, statusLabel ?? null, actor],
        );
      } else if (statusLabel !== undefined && runs[0].status === 'IN_PROGRESS') {
        await manager.query('UPDATE catalog_action_runs SET status_label = $2, updated_at = now(), updated_by = $3 WHERE id = $1', [runId, statusLabel, actor]);
      }
      const logs: LogRow[] = await manager.query(
        `INSERT INTO catalog_action_run_logs (id, run_id, message, termination_status, status_label, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [`rl_${randomBytes(12).toString('base64url')}`, runId, message, terminationStatus ?? null, statusLabel ?? null, actor],
      );
      return toLogView(logs[0]);
    });
  }

  async logs(runId: string, limit: number, offset: number): Promise<RunLogView[]> {
    await this.row(runId);
    const rows: LogRow[] = await this.db.query('SELECT * FROM catalog_action_run_logs WHERE run_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3', [runId, limit, offset]);
    return rows.map(toLogView);
  }

  private async row(id: string): Promise<RunRow> {
    const rows: RunRow[] = await this.db.query('SELECT * FROM catalog_action_runs WHERE id = $1', [id]);
    if (rows.length === 0) throw CatalogError.notFound(`Action run "${id}" was not found`);
    return rows[0];
  }
}

function toRunView(row: RunRow): RunView {
  return {
    id: row.id,
    action: { identifier: row.action },
    ...(row.blueprint !== null ? { blueprint: { identifier: row.blueprint } } : {}),
    ...(row.entity !== null ? { entity: { identifier: row.entity } } : {}),
    properties: row.properties,
    status: row.status,
    statusLabel: row.status_label,
    ...(row.link !== null ? { link: row.link } : {}),
    ...(row.summary !== null ? { summary: row.summary } : {}),
    ...(row.external_run_id !== null ? { externalRunId: row.external_run_id } : {}),
    source: row.source,
    requiredApproval: false,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(row.ended_at !== null ? { endedAt: row.ended_at.toISOString() } : {}),
  };
}

function toLogView(row: LogRow): RunLogView {
  return {
    id: row.id,
    runId: row.run_id,
    message: row.message,
    ...(row.termination_status !== null ? { terminationStatus: row.termination_status } : {}),
    ...(row.status_label !== null ? { statusLabel: row.status_label } : {}),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}
