import { readBridgeState } from './bridge-state';

const queues = { lagSeconds: 4, deadLetters: { events: 1, publish: 2, jobs: 0 }, failedJobs: 0, partitions: [{ partition: 0, depth: 3 }, { partition: 1, depth: 2 }], publish: { depth: 7, catalog: { state: 'available' } } };

describe('readBridgeState', () => {
  it("reads a mapper's status answer: resyncs by kind, budgets, outlook, events per minute and dead letters", () => {
    const state = readBridgeState({
      resyncs: [
        {
          installationId: '7',
          organization: 'acme',
          state: 'running',
          reason: 'start',
          mode: 'full',
          startedAt: '2026-01-01T00:00:00.000Z',
          units: 40,
          kinds: [{ kind: 'repository', pages: 1, objects: 2, entities: 2, filtered: 0, mappingIssues: 0, objectsSkipped: 1, done: false }],
          errors: ['boom'],
          rateLimits: { core: { limit: 5000, remaining: 10, resetAt: '2026-01-01T01:00:00.000Z' }, graphql: { limit: 'lots' } },
          outlook: { unitsStillNeeded: 60, basis: 'progress' },
        },
      ],
      queues,
      events: { perMinute: [1, 2, 'x', 3] },
      deadLetters: [{ source: 'publish', id: 'p-1', subject: 'upsert service/api', error: '422 invalid', failedAt: '2026-01-01T00:00:00.000Z' }, { id: 'incomplete' }],
    });

    expect(state).toEqual({
      resyncs: [
        {
          installationId: '7',
          organization: 'acme',
          state: 'running',
          reason: 'start',
          mode: 'full',
          startedAt: '2026-01-01T00:00:00.000Z',
          finishedAt: undefined,
          units: 40,
          limitWaitSeconds: undefined,
          watermark: undefined,
          kinds: [{ kind: 'repository', repository: undefined, pages: 1, objects: 2, entities: 2, filtered: 0, skipped: 1, mappingIssues: 0, repositoriesFailed: 0, units: undefined, done: false, error: undefined }],
          errors: ['boom'],
          budgets: { core: { limit: 5000, remaining: 10, resetAt: '2026-01-01T01:00:00.000Z' } },
          outlook: { unitsStillNeeded: 60, message: undefined, expectedFinishAt: undefined },
        },
      ],
      lagSeconds: 4,
      queuedEvents: 5,
      publishDepth: 7,
      catalogState: 'available',
      failedJobs: 0,
      deadLetterCounts: { events: 1, publish: 2, jobs: 0 },
      eventsPerMinute: [1, 2, 3],
      deadLetters: [{ source: 'publish', id: 'p-1', subject: 'upsert service/api', error: '422 invalid', failedAt: '2026-01-01T00:00:00.000Z' }],
    });
  });

  it('reads the finished resync the current one followed', () => {
    const resync = { installationId: '7', organization: 'acme', state: 'running', startedAt: '2026-01-02T00:00:00.000Z', kinds: [], errors: [] };
    const previous = { ...resync, state: 'completed', finishedAt: '2026-01-01T00:05:00.000Z', units: 12 };

    expect(readBridgeState({ resyncs: [{ ...resync, previous }], queues })?.resyncs[0].previous).toMatchObject({ state: 'completed', finishedAt: '2026-01-01T00:05:00.000Z', units: 12 });
    expect(readBridgeState({ resyncs: [{ ...resync, previous: { state: 'completed' } }], queues })?.resyncs[0]).not.toHaveProperty('previous');
  });

  it('reads an older mapper without events and dead letters, and leaves them out', () => {
    const state = readBridgeState({ resyncs: [], queues });

    expect(state).toMatchObject({ resyncs: [], queuedEvents: 5 });
    expect(state).not.toHaveProperty('eventsPerMinute');
    expect(state).not.toHaveProperty('deadLetters');
  });

  it.each([[{ status: 'ok' }], [{ resyncs: [], queues: {} }], ['<html>'], [null]])('refuses %j', (body) => {
    expect(readBridgeState(body)).toBeUndefined();
  });
});
