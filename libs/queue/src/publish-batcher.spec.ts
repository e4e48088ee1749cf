import { GatherCohort } from '@glint/runtime';
import { PublishBatcher } from './publish-batcher';
import { DEFAULT_PUBLISH_SETTINGS, EntityChange, PublishChangesJob } from './publish-job';

function upsert(identifier: string): EntityChange {
  return { type: 'upsert', entity: { identifier, blueprint: 'githubPullRequest', properties: {}, relations: {} }, observedAt: '2026-11-21T10:00:00.000Z' };
}

function job(identifiers: string[], overrides: Partial<PublishChangesJob> = {}): PublishChangesJob {
  return { installationId: '1', origin: 'exporter', settings: DEFAULT_PUBLISH_SETTINGS, changes: identifiers.map(upsert), ...overrides };
}

class RecordingPublisher {
  readonly jobs: PublishChangesJob[] = [];
  failing = false;

  async publishChanges(published: PublishChangesJob): Promise<string> {
    if (this.failing) throw new Error('redis is down');
    this.jobs.push(published);
    return `changes-${this.jobs.length}`;
  }

  identifiers(): string[][] {
    return this.jobs.map((published) => published.changes.map((change) => (change.type === 'upsert' ? String(change.entity.identifier) : change.identifier)));
  }
}

describe('PublishBatcher', () => {
  let publisher: RecordingPublisher;

  beforeEach(() => {
    jest.useFakeTimers();
    publisher = new RecordingPublisher();
  });

  afterEach(() => jest.useRealTimers());

  it('queues the changes of jobs given within the window as one job, in order, and tells each caller its id', async () => {
    const sut = new PublishBatcher(publisher, { windowMs: 20 });

    const first = sut.publishChanges(job(['a', 'b']));
    jest.advanceTimersByTime(10);
    const second = sut.publishChanges(job(['c']));
    expect(publisher.jobs).toHaveLength(0);
    jest.advanceTimersByTime(10);

    await expect(Promise.all([first, second])).resolves.toEqual(['changes-1', 'changes-1']);
    expect(publisher.identifiers()).toEqual([['a', 'b', 'c']]);
  });

  it('opens a new batch for a job given after the window closed', async () => {
    const sut = new PublishBatcher(publisher, { windowMs: 20 });

    const first = sut.publishChanges(job(['a']));
    jest.advanceTimersByTime(20);
    const second = sut.publishChanges(job(['b']));
    jest.advanceTimersByTime(20);

    await expect(Promise.all([first, second])).resolves.toEqual(['changes-1', 'changes-2']);
    expect(publisher.identifiers()).toEqual([['a'], ['b']]);
  });

  it('keeps installations, origins and write settings in separate jobs', async () => {
    const sut = new PublishBatcher(publisher, { windowMs: 20 });

    const all = Promise.all([
      sut.publishChanges(job(['a'])),
      sut.publishChanges(job(['b'], { installationId: '2' })),
      sut.publishChanges(job(['c'], { origin: 'gitops' })),
      sut.publishChanges(job(['d'], { settings: { ...DEFAULT_PUBLISH_SETTINGS, merge: false } })),
      sut.publishChanges(job(['e'])),
    ]);
    jest.advanceTimersByTime(20);
    await all;

    expect(publisher.identifiers()).toEqual([['a', 'e'], ['b'], ['c'], ['d']]);
    expect(publisher.jobs.map((published) => [published.installationId, published.origin, published.settings.merge])).toEqual([
      ['1', 'exporter', true],
      ['2', 'exporter', true],
      ['1', 'gitops', true],
      ['1', 'exporter', false],
    ]);
  });

  it('queues a full batch at once, without waiting for the window', async () => {
    const sut = new PublishBatcher(publisher, { windowMs: 60_000, maxChanges: 3 });

    const first = sut.publishChanges(job(['a', 'b']));
    const second = sut.publishChanges(job(['c']));
    const third = sut.publishChanges(job(['d']));

    await expect(Promise.all([first, second])).resolves.toEqual(['changes-1', 'changes-1']);
    expect(publisher.identifiers()).toEqual([['a', 'b', 'c']]);
    jest.advanceTimersByTime(60_000);
    await expect(third).resolves.toBe('changes-2');
  });

  it("never merges a resync's jobs, whose completion counts them, and passes everything through with a window of 0", async () => {
    const batching = new PublishBatcher(publisher, { windowMs: 20 });
    const direct = new PublishBatcher(publisher, { windowMs: 0 });

    await batching.publishChanges(job(['a'], { syncId: 'sync-1' }));
    await batching.publishChanges(job(['b'], { syncId: 'sync-1' }));
    await direct.publishChanges(job(['c']));
    await direct.publishChanges(job(['d']));

    expect(publisher.identifiers()).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(publisher.jobs.map((published) => published.syncId)).toEqual(['sync-1', 'sync-1', undefined, undefined]);
  });

  it('with one event worker, publishes at once: no other event could join the batch', async () => {
    const sut = new PublishBatcher(publisher, { windowMs: 60_000, cohort: new GatherCohort(1) });

    await expect(sut.publishChanges(job(['a']))).resolves.toBe('changes-1');
    expect(publisher.identifiers()).toEqual([['a']]);
  });

  it('with several event workers, waits while one is still free, and publishes once every worker waits in a gather', async () => {
    const cohort = new GatherCohort(3);
    const sut = new PublishBatcher(publisher, { windowMs: 60_000, cohort });

    const first = sut.publishChanges(job(['a']));
    const second = sut.publishChanges(job(['b']));
    await Promise.resolve();
    expect(publisher.jobs).toHaveLength(0);
    // The third worker waits for its jq call: nobody is left to join, so the batch goes.
    cohort.join();

    await expect(Promise.all([first, second])).resolves.toEqual(['changes-1', 'changes-1']);
    expect(publisher.identifiers()).toEqual([['a', 'b']]);
  });

  it('fails every caller of a batch that could not be queued, so each event is retried rather than counted as published', async () => {
    const sut = new PublishBatcher(publisher, { windowMs: 20 });
    publisher.failing = true;

    const first = sut.publishChanges(job(['a']));
    const second = sut.publishChanges(job(['b']));
    jest.advanceTimersByTime(20);

    await expect(first).rejects.toThrow('redis is down');
    await expect(second).rejects.toThrow('redis is down');
  });
});
