import { isRecord, JsonRecord, numberOf, numbersOf, recordOf, recordsOf, stringOf, stringsOf } from './json-reader';

export interface KindView {
  kind: string;
  repository?: string;
  pages: number;
  objects: number;
  entities: number;
  filtered: number;
  skipped: number;
  mappingIssues: number;
  repositoriesFailed: number;
  units?: number;
  done?: boolean;
  error?: string;
}

export interface BudgetView {
  limit: number;
  remaining: number;
  resetAt: string;
}

export interface ResyncView {
  installationId: string;
  organization: string;
  state: string;
  reason: string;
  mode?: string;
  startedAt: string;
  finishedAt?: string;
  units?: number;
  limitWaitSeconds?: number;
  /** Where the next incremental resync starts: the last complete resync. */
  watermark?: string;
  kinds: KindView[];
  errors: string[];
  budgets: { core?: BudgetView; graphql?: BudgetView };
  outlook?: { unitsStillNeeded: number; message?: string; expectedFinishAt?: string };
  /** The finished resync this one followed. */
  previous?: ResyncView;
}

export interface DeadLetterView {
  source: string;
  id: string;
  subject: string;
  error: string;
  failedAt: string;
}

/** The bridge as the page shows it: the mapper's `GET /status`, read field by field. */
export interface BridgeState {
  resyncs: ResyncView[];
  lagSeconds: number;
  queuedEvents: number;
  publishDepth: number;
  catalogState: string;
  failedJobs: number;
  deadLetterCounts: { events: number; publish: number; jobs: number };
  /** Events finished per minute, the current minute first; absent from a mapper that does not count them. */
  eventsPerMinute?: number[];
  deadLetters?: DeadLetterView[];
}

/** Reads a mapper's status answer; undefined when it is not one. */
export function readBridgeState(body: unknown): BridgeState | undefined {
  if (!isRecord(body) || !Array.isArray(body['resyncs'])) return undefined;
  const queues = recordOf(body, 'queues');
  const deadLetters = queues && recordOf(queues, 'deadLetters');
  const publish = queues && recordOf(queues, 'publish');
  if (!queues || !deadLetters || !publish) return undefined;
  const events = recordOf(body, 'events');
  return {
    resyncs: recordsOf(body, 'resyncs').flatMap((resync) => resyncOf(resync) ?? []),
    lagSeconds: numberOf(queues, 'lagSeconds') ?? 0,
    queuedEvents: recordsOf(queues, 'partitions').reduce((sum, partition) => sum + (numberOf(partition, 'depth') ?? 0), 0),
    publishDepth: numberOf(publish, 'depth') ?? 0,
    catalogState: stringOf(recordOf(publish, 'catalog') ?? {}, 'state') ?? 'unknown',
    failedJobs: numberOf(queues, 'failedJobs') ?? 0,
    deadLetterCounts: { events: numberOf(deadLetters, 'events') ?? 0, publish: numberOf(deadLetters, 'publish') ?? 0, jobs: numberOf(deadLetters, 'jobs') ?? 0 },
    ...(events ? { eventsPerMinute: numbersOf(events, 'perMinute') } : {}),
    ...(Array.isArray(body['deadLetters']) ? { deadLetters: recordsOf(body, 'deadLetters').flatMap((letter) => deadLetterOf(letter) ?? []) } : {}),
  };
}

function resyncOf(resync: JsonRecord): ResyncView | undefined {
  const installationId = stringOf(resync, 'installationId');
  const organization = stringOf(resync, 'organization');
  const state = stringOf(resync, 'state');
  const startedAt = stringOf(resync, 'startedAt');
  if (!installationId || !organization || !state || !startedAt) return undefined;
  const rateLimits = recordOf(resync, 'rateLimits') ?? {};
  const outlook = recordOf(resync, 'outlook');
  const stillNeeded = outlook && numberOf(outlook, 'unitsStillNeeded');
  const previous = recordOf(resync, 'previous');
  const previousView = previous && resyncOf(previous);
  const core = budgetOf(recordOf(rateLimits, 'core'));
  const graphql = budgetOf(recordOf(rateLimits, 'graphql'));
  return {
    installationId,
    organization,
    state,
    reason: stringOf(resync, 'reason') ?? '',
    mode: stringOf(resync, 'mode'),
    startedAt,
    finishedAt: stringOf(resync, 'finishedAt'),
    units: numberOf(resync, 'units'),
    limitWaitSeconds: numberOf(resync, 'limitWaitSeconds'),
    watermark: stringOf(resync, 'watermark'),
    kinds: recordsOf(resync, 'kinds').map(kindOf),
    errors: stringsOf(resync, 'errors'),
    budgets: { ...(core ? { core } : {}), ...(graphql ? { graphql } : {}) },
    ...(outlook && stillNeeded !== undefined ? { outlook: { unitsStillNeeded: stillNeeded, message: stringOf(outlook, 'message'), expectedFinishAt: stringOf(outlook, 'expectedFinishAt') } } : {}),
    ...(previousView ? { previous: previousView } : {}),
  };
}

function kindOf(kind: JsonRecord): KindView {
  const count = (key: string): number => numberOf(kind, key) ?? 0;
  const done = kind['done'];
  return {
    kind: stringOf(kind, 'kind') ?? '?',
    repository: stringOf(kind, 'repository'),
    pages: count('pages'),
    objects: count('objects'),
    entities: count('entities'),
    filtered: count('filtered'),
    skipped: count('objectsSkipped'),
    mappingIssues: count('mappingIssues'),
    repositoriesFailed: count('repositoriesFailed'),
    units: numberOf(kind, 'units'),
    ...(typeof done === 'boolean' ? { done } : {}),
    error: stringOf(kind, 'error'),
  };
}

function budgetOf(budget: JsonRecord | undefined): BudgetView | undefined {
  const limit = budget && numberOf(budget, 'limit');
  const remaining = budget && numberOf(budget, 'remaining');
  const resetAt = budget && stringOf(budget, 'resetAt');
  return limit !== undefined && remaining !== undefined && resetAt !== undefined ? { limit, remaining, resetAt } : undefined;
}

function deadLetterOf(letter: JsonRecord): DeadLetterView | undefined {
  const [source, id, subject, error, failedAt] = ['source', 'id', 'subject', 'error', 'failedAt'].map((key) => stringOf(letter, key));
  return source && id && subject !== undefined && error !== undefined && failedAt ? { source, id, subject, error, failedAt } : undefined;
}
