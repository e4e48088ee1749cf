import type { KindProgress, SyncStatus } from '@glint/mapper';
import type { QueueSummary } from '@glint/queue';

/** What `glint status` shows: the mapper's `GET /status` answer, plus the resync queue when read from Redis. */
export interface BridgeState {
  resyncs: SyncStatus[];
  queues: QueueSummary;
  /** Resync jobs waiting or running; absent when the state came from a mapper's `GET /status`. */
  resyncQueue?: { waiting: number; running: number };
}

/** Whether a resync failed or something is dead-lettered: `glint status` then exits 1. */
export function needsAttention(state: BridgeState): boolean {
  const { events, publish, jobs } = state.queues.deadLetters;
  return state.resyncs.some((resync) => resync.state === 'failed') || events + publish + jobs > 0;
}

export function formatBridgeState(state: BridgeState, now: Date): string[] {
  const lines: string[] = ['Resyncs'];
  if (state.resyncs.length === 0) lines.push('  none yet: a mapper resyncs every installation when it starts');
  for (const resync of [...state.resyncs].sort((a, b) => a.organization.localeCompare(b.organization))) lines.push(...formatResync(resync, now));
  if (state.resyncQueue) lines.push(`  resync queue: ${state.resyncQueue.running} running, ${state.resyncQueue.waiting} waiting`);

  const { queues } = state;
  const eventDepth = queues.partitions.reduce((sum, partition) => sum + partition.depth, 0);
  lines.push('', 'Queues');
  lines.push(`  events   ${eventDepth} queued over ${queues.partitions.length} partition${queues.partitions.length === 1 ? '' : 's'}, lag ${seconds(queues.lagSeconds)}`);
  for (const partition of queues.partitions.filter((candidate) => candidate.depth > 0)) {
    lines.push(`    partition ${partition.partition}: ${partition.depth} queued, oldest waiting ${seconds(partition.oldestWaitingSeconds)}`);
  }
  const catalog = queues.publish.catalog;
  const catalogText =
    catalog.state === 'unavailable' ? `catalog unavailable for ${seconds(catalog.outageSeconds ?? 0)}${catalog.lastError ? `: ${catalog.lastError}` : ''}` : catalog.state === 'available' ? 'catalog available' : 'catalog not reported yet';
  lines.push(`  publish  ${queues.publish.depth} queued, oldest waiting ${seconds(queues.publish.oldestWaitingSeconds)}; ${catalogText}`);
  if (queues.failedJobs > 0) lines.push(`  failed   ${queues.failedJobs} failed job${queues.failedJobs === 1 ? '' : 's'} not yet moved to a dead-letter queue`);

  const { events, publish, jobs } = queues.deadLetters;
  lines.push('', 'Dead letters');
  lines.push(`  events ${events}, publish ${publish}, jobs ${jobs}${events + publish + jobs > 0 ? '  (glint dlq list shows them)' : ''}`);
  return lines;
}

const KIND_COLUMNS = ['kind', 'pages', 'objects', 'entities', 'filtered', 'skipped', 'mapping issues', 'failed repositories', 'error'] as const;

function formatResync(resync: SyncStatus, now: Date): string[] {
  const finished = resync.finishedAt ? `, finished ${resync.finishedAt} after ${seconds((Date.parse(resync.finishedAt) - Date.parse(resync.startedAt)) / 1000)}` : `, for ${seconds((now.getTime() - Date.parse(resync.startedAt)) / 1000)} so far`;
  const mode = resync.mode ? ` ${resync.mode}` : '';
  const lines = [`  ${resync.organization} (installation ${resync.installationId}):${mode} ${resync.state}, ${resync.reason}; started ${resync.startedAt}${finished}`];
  if (resync.kinds.length > 0) lines.push(...table([[...KIND_COLUMNS], ...resync.kinds.map(kindRow)]).map((line) => `    ${line}`));
  for (const kind of resync.kinds) for (const failed of kind.failedRepositories ?? []) lines.push(`    ${kind.kind} of ${failed.repository} failed: ${failed.error}`);
  for (const unusable of resync.repositoryMappings?.unusable ?? []) lines.push(`    ${unusable.file} of ${unusable.repository} unusable: ${unusable.error}`);
  for (const error of resync.errors) lines.push(`    error: ${error}`);
  return lines;
}

const kindRow = (kind: KindProgress): string[] => [
  kind.repository ? `${kind.kind} (${kind.repository}'s mapping)` : kind.kind,
  String(kind.pages),
  String(kind.objects),
  String(kind.entities),
  String(kind.filtered),
  String(kind.objectsSkipped ?? 0),
  String(kind.mappingIssues),
  String(kind.repositoriesFailed ?? 0),
  kind.error ?? '',
];

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
}

function seconds(value: number): string {
  const rounded = Math.max(0, Math.round(value));
  if (rounded < 120) return `${rounded} s`;
  if (rounded < 7200) return `${Math.round(rounded / 60)} min`;
  return `${Math.round(rounded / 3600)} h`;
}

/** The shape of a mapper's `GET /status` answer, checked before it is shown. */
export function isBridgeState(value: unknown): value is BridgeState {
  if (!isRecord(value) || !Array.isArray(value['resyncs']) || !isRecord(value['queues'])) return false;
  const queues = value['queues'];
  return (
    value['resyncs'].every((resync) => isRecord(resync) && typeof resync['organization'] === 'string' && typeof resync['state'] === 'string' && Array.isArray(resync['kinds']) && Array.isArray(resync['errors'])) &&
    Array.isArray(queues['partitions']) &&
    isRecord(queues['deadLetters']) &&
    isRecord(queues['publish']) &&
    isRecord(queues['publish']['catalog'])
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
