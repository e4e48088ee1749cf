import { BridgeState, formatBridgeState, isBridgeState, needsAttention } from './bridge-state';

const quiet: BridgeState = {
  resyncs: [],
  queues: { lagSeconds: 0, deadLetters: { events: 0, publish: 0, jobs: 0 }, failedJobs: 0, partitions: [{ partition: 0, depth: 0, oldestWaitingSeconds: 0 }], publish: { depth: 0, oldestWaitingSeconds: 0, catalog: { state: 'available' } } },
};

const busy: BridgeState = {
  resyncs: [
    {
      installationId: '4242',
      organization: 'acme',
      syncId: 's-1',
      reason: 'schedule',
      state: 'running',
      mode: 'full',
      startedAt: '2026-01-01T00:00:00.000Z',
      kinds: [
        { kind: 'repository', pages: 3, objects: 250, entities: 248, filtered: 2, mappingIssues: 0 },
        { kind: 'repository', repository: 'web', pages: 1, objects: 1, entities: 0, filtered: 0, objectsSkipped: 1, mappingIssues: 1 },
        { kind: 'pull-request', pages: 1, objects: 10, entities: 10, filtered: 0, mappingIssues: 1, repositoriesFailed: 1, failedRepositories: [{ repository: 'api', error: 'GET /repos/acme/api/pulls answered 403' }] },
      ],
      errors: [],
    },
    { installationId: '7', organization: 'Globex', syncId: 's-2', reason: 'start', state: 'failed', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:30.000Z', kinds: [], errors: ['the catalog refused the blueprint service'], repositoryMappings: { own: [], unusable: [{ repository: 'docs', file: '.github/port-app-config.yml', error: 'resources[0].kind is required' }] } },
  ],
  queues: {
    lagSeconds: 95,
    deadLetters: { events: 2, publish: 0, jobs: 1 },
    failedJobs: 1,
    partitions: [
      { partition: 0, depth: 0, oldestWaitingSeconds: 0 },
      { partition: 1, depth: 40, oldestWaitingSeconds: 95 },
    ],
    publish: { depth: 12, oldestWaitingSeconds: 600, catalog: { state: 'unavailable', outageSeconds: 600, lastError: 'connect ECONNREFUSED' } },
  },
  resyncQueue: { waiting: 1, running: 1 },
};

describe('formatBridgeState', () => {
  it('shows each resync with its progress by kind, the backlogs and the dead letters', () => {
    expect(formatBridgeState(busy, new Date('2026-01-01T00:02:00.000Z'))).toEqual([
      'Resyncs',
      '  acme (installation 4242): full running, schedule; started 2026-01-01T00:00:00.000Z, for 2 min so far',
      '    kind                        pages  objects  entities  filtered  skipped  mapping issues  failed repositories  error',
      '    repository                  3      250      248       2         0        0               0',
      "    repository (web's mapping)  1      1        0         0         1        1               0",
      '    pull-request                1      10       10        0         0        1               1',
      '    pull-request of api failed: GET /repos/acme/api/pulls answered 403',
      '  Globex (installation 7): failed, start; started 2026-01-01T00:00:00.000Z, finished 2026-01-01T00:00:30.000Z after 30 s',
      '    .github/port-app-config.yml of docs unusable: resources[0].kind is required',
      '    error: the catalog refused the blueprint service',
      '  resync queue: 1 running, 1 waiting',
      '',
      'Queues',
      '  events   40 queued over 2 partitions, lag 95 s',
      '    partition 1: 40 queued, oldest waiting 95 s',
      '  publish  12 queued, oldest waiting 10 min; catalog unavailable for 10 min: connect ECONNREFUSED',
      '  failed   1 failed job not yet moved to a dead-letter queue',
      '',
      'Dead letters',
      '  events 2, publish 0, jobs 1  (glint dlq list shows them)',
    ]);
  });

  it('says when no resync ran yet', () => {
    expect(formatBridgeState(quiet, new Date())).toEqual(expect.arrayContaining(['  none yet: a mapper resyncs every installation when it starts', '  events 0, publish 0, jobs 0']));
  });
});

describe('needsAttention', () => {
  it('is false when nothing failed and nothing is dead-lettered', () => {
    expect(needsAttention(quiet)).toBe(false);
  });

  it('is true for a failed resync or a dead letter', () => {
    expect(needsAttention({ ...quiet, resyncs: [busy.resyncs[1]] })).toBe(true);
    expect(needsAttention({ ...quiet, queues: { ...quiet.queues, deadLetters: { events: 0, publish: 1, jobs: 0 } } })).toBe(true);
  });
});

describe('isBridgeState', () => {
  it("accepts a mapper's status answer and refuses other JSON", () => {
    expect(isBridgeState(JSON.parse(JSON.stringify(busy)))).toBe(true);
    expect(isBridgeState({ status: 'ok' })).toBe(false);
    expect(isBridgeState({ resyncs: [{}], queues: quiet.queues })).toBe(false);
  });
});
