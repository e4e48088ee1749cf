import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { GithubAccess, GithubInstallation } from '@glint/github';
import { MetricsRegistry } from '@glint/observability';
import { testServices, waitFor } from '@glint/testing';
import type { ResyncRunner } from './resync-runner';
import { ResyncScheduler } from './resync-scheduler';
import { SyncMetrics } from './sync-metrics';
import type { SyncStatus } from './sync-status';

const installation: GithubInstallation = { id: 4242, accountLogin: 'acme', accountType: 'Organization', suspended: false };

interface RecordedRun {
  reason: string;
  /** What the run's `overtakenBy` said when the run finished. */
  overtakenBy?: string;
}

/** A runner whose runs wait until the test lets them finish, so requests can arrive while one runs. */
class GatedRunner {
  readonly runs: RecordedRun[] = [];
  /** What each run was asked to be (`full`, or `auto`: incremental when the watermark allows). */
  readonly modes: string[] = [];
  private release?: () => void;
  running = false;

  async run(_installation: GithubInstallation, reason: string, overtakenBy: () => Promise<string | undefined>, mode: string): Promise<SyncStatus> {
    this.modes.push(mode);
    this.running = true;
    await new Promise<void>((resolve) => (this.release = resolve));
    this.runs.push({ reason, overtakenBy: await overtakenBy() });
    this.running = false;
    return { installationId: '4242', organization: 'acme', syncId: `sync-${this.runs.length}`, reason, state: 'completed', startedAt: new Date().toISOString(), kinds: [], errors: [] };
  }

  finish(): void {
    this.release?.();
    this.release = undefined;
  }
}

describe('ResyncScheduler on the real Redis', () => {
  const connections: Redis[] = [];
  let runner: GatedRunner;
  let scheduler: ResyncScheduler;
  let metrics: SyncMetrics;

  beforeEach(async () => {
    runner = new GatedRunner();
    metrics = new SyncMetrics(new MetricsRegistry('mapper'));
    const access = { installations: async () => [installation] } as unknown as GithubAccess;
    scheduler = new ResyncScheduler({
      access,
      runner: runner as unknown as ResyncRunner,
      metrics,
      connection: () => {
        const connection = new Redis(testServices.redisUrl, { maxRetriesPerRequest: null });
        connections.push(connection);
        return connection;
      },
      intervalMinutes: 0,
      prefix: `glint-test-${randomUUID()}`,
      startWithResync: false,
    });
    await scheduler.onApplicationBootstrap();
  });

  afterEach(async () => {
    runner.finish();
    await scheduler.beforeApplicationShutdown();
    for (const connection of connections.splice(0)) connection.disconnect();
  });

  const skipped = async () => (await metrics.skipped.get()).values.reduce((sum, value) => sum + value.value, 0);

  it('skips a due resync while one of the same installation runs, and the running one stays complete', async () => {
    expect(await scheduler.request(installation, 'start')).toBe(true);
    await waitFor('the resync to run', async () => (runner.running ? true : undefined));

    expect(await scheduler.request(installation, 'schedule')).toBe(false);
    runner.finish();
    await waitFor('the resync to finish', async () => (runner.runs.length === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(runner.runs).toEqual([{ reason: 'start', overtakenBy: undefined }]);
    expect(runner.running).toBe(false);
    expect(await skipped()).toBe(1);
  });

  it('runs once more after a resync that a change overtook, which leaves its stale cleanup to the one that follows', async () => {
    await scheduler.request(installation, 'start');
    await waitFor('the resync to run', async () => (runner.running ? true : undefined));

    expect(await scheduler.request(installation, 'repository api deleted', 'follow-up')).toBe(true);
    expect(await scheduler.request(installation, 'repository web renamed', 'follow-up')).toBe(true);
    runner.finish();
    await waitFor('the follow-up resync to run', async () => (runner.runs.length === 1 && runner.running ? true : undefined));
    runner.finish();
    await waitFor('the follow-up resync to finish', async () => (runner.runs.length === 2 ? true : undefined));

    expect(runner.runs).toEqual([
      { reason: 'start', overtakenBy: 'repository web renamed' },
      { reason: 'follow-up: repository web renamed', overtakenBy: undefined },
    ]);
  });

  it('queues a change-driven resync like any other when none runs', async () => {
    expect(await scheduler.request(installation, 'the mapping changed', 'follow-up')).toBe(true);
    await waitFor('the resync to run', async () => (runner.running ? true : undefined));
    runner.finish();
    await waitFor('the resync to finish', async () => (runner.runs.length === 1 ? true : undefined));

    expect(runner.runs).toEqual([{ reason: 'the mapping changed', overtakenBy: undefined }]);
  });

  it("asks the schedule's resyncs to be incremental when the watermark allows, and a requested one to be full", async () => {
    await scheduler.requestAll('schedule', 'auto');
    await waitFor('the scheduled resync to run', async () => (runner.running ? true : undefined));
    runner.finish();
    await waitFor('the scheduled resync to finish', async () => (runner.runs.length === 1 ? true : undefined));
    await scheduler.request(installation, 'the mapping changed', 'follow-up');
    await waitFor('the requested resync to run', async () => (runner.running ? true : undefined));
    runner.finish();
    await waitFor('the requested resync to finish', async () => (runner.runs.length === 2 ? true : undefined));

    expect(runner.modes).toEqual(['auto', 'full']);
  });
});
