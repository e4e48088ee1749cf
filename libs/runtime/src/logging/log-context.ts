import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Fields every log line written inside a unit of work carries: which service, which webhook delivery, group,
 * installation, resync or action run it belongs to. Values are plain so they print as they are.
 */
export interface LogFields {
  service?: string;
  deliveryId?: string;
  groupKey?: string;
  installationId?: string | number;
  syncId?: string;
  runId?: string;
  event?: string;
  [field: string]: string | number | boolean | undefined;
}

interface Scope {
  fields: LogFields;
  /** A unit of work (a job, a request) may add fields as it learns them; a service's root scope may not. */
  extensible: boolean;
}

const storage = new AsyncLocalStorage<Scope>();
/** The scope of a process that runs one service: no AsyncLocalStorage needed to name it (see setProcessLogContext). */
let processScope: Scope | undefined;

/**
 * Names the service of a process that runs only that one: every line outside a unit of work's scope carries it, and
 * `withServiceLogContext` runs its work as it is. Using AsyncLocalStorage only for units of work matters for speed:
 * once it is used, Node 20 tracks every promise the process makes (a sixth of the gateway's CPU per webhook).
 */
export function setProcessLogContext(service: string): void {
  processScope = { fields: { service }, extensible: false };
}

/**
 * Runs `work` with `fields` added to the current log context: every log line written by it, and by anything it
 * starts (awaited calls, timers, callbacks), carries them. Nested scopes inherit and may override fields.
 */
export function withLogContext<T>(fields: LogFields, work: () => T): T {
  return storage.run({ fields: { ...currentLogContext(), ...definedOnly(fields) }, extensible: true }, work);
}

/**
 * Adds fields to the innermost `withLogContext` scope, for what a unit of work learns once it runs (the sync id a
 * resync creates). Outside such a scope it does nothing, so a field can never leak into a whole service's lines.
 */
export function addLogContext(fields: LogFields): void {
  const scope = storage.getStore();
  if (scope?.extensible) Object.assign(scope.fields, definedOnly(fields));
}

/** The fields of the current scope (empty outside any). */
export function currentLogContext(): Readonly<LogFields> {
  return storage.getStore()?.fields ?? processScope?.fields ?? {};
}

/**
 * The scope a service runs in: its name on every line, but closed to `addLogContext`. In a process that runs one
 * service (setProcessLogContext), the process's scope already names it, and `work` runs as it is.
 */
export function withServiceLogContext<T>(service: string, work: () => T): T {
  if (processScope) return work();
  return storage.run({ fields: { service }, extensible: false }, work);
}

/**
 * For a BullMQ processor: runs `work` with the ids found in the job's data (`deliveryId`, `installationId`, `syncId`,
 * `runId`), so a processor needs one wrapper line: `(job) => withJobLogContext(job, () => process(job))`.
 */
export function withJobLogContext<T>(job: { id?: string; name: string; data: unknown }, work: () => T): T {
  const data = typeof job.data === 'object' && job.data !== null ? (job.data as Record<string, unknown>) : {};
  const fields: Record<string, string | number | undefined> = { jobId: job.id, job: job.name };
  for (const key of ['deliveryId', 'installationId', 'syncId', 'runId']) {
    const value = data[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return withLogContext(fields, work);
}

function definedOnly(fields: LogFields): LogFields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
