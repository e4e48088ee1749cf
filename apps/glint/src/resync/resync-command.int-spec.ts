import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { GithubAccess, GithubInstallation } from '@glint/github';
import { ResyncRunner, ResyncScheduler, SyncMetrics, SyncStatus } from '@glint/mapper';
import { MetricsRegistry } from '@glint/observability';
import { QueueName } from '@glint/queue';
import { testServices, waitFor } from '@glint/testing';
import { runResyncCommand } from './resync-command';

const acme: GithubInstallation = { id: 4242, accountLogin: 'acme', accountType: 'Organization', suspended: false };
const globex: GithubInstallation = { id: 7, accountLogin: 'Globex', accountType: 'User', suspended: false };

/** Records what the mapper's resync worker runs; a run waits while `hold` is set, so a request can come while it runs. */
class RecordingRunner {
  readonly runs: Array<{ installation: string; reason: string }> = [];
  running = 0;
  hold?: Promise<void>;

  async run(installation: GithubInstallation, reason: string): Promise<SyncStatus> {
    this.running += 1;
    await this.hold;
    this.running -= 1;
    this.runs.push({ installation: installation.accountLogin, reason });
    return { installationId: String(installation.id), organization: installation.accountLogin, syncId: randomUUID(), reason, state: 'completed', startedAt: new Date().toISOString(), kinds: [], errors: [] };
  }
}

describe('glint resync, picked up by the mapper\'s resync worker on the real Redis', () => {
  const connections: Redis[] = [];
  let prefix: string;
  let runner: RecordingRunner;
  let scheduler: ResyncScheduler;
  let lines: { out: string[]; err: string[] };

  const glintResync = (...args: string[]) =>
    runResyncCommand(args, { REDIS_URL: testServices.redisUrl }, { out: (line) => lines.out.push(line), err: (line) => lines.err.push(line) }, { prefix, installations: async () => [acme, globex] });

  beforeEach(async () => {
    prefix = `glint-test-${randomUUID()}`;
    lines = { out: [], err: [] };
    runner = new RecordingRunner();
    const access = { installations: async () => [acme, globex] } as unknown as GithubAccess;
    scheduler = new ResyncScheduler({
      access,
      runner: runner as unknown as ResyncRunner,
      metrics: new SyncMetrics(new MetricsRegistry('mapper')),
      connection: () => {
        const connection = new Redis(testServices.redisUrl, { maxRetriesPerRequest: null });
        connections.push(connection);
        return connection;
      },
      intervalMinutes: 0,
      prefix,
      startWithResync: false,
    });
    await scheduler.onApplicationBootstrap();
  });

  afterEach(async () => {
    await scheduler.beforeApplicationShutdown();
    for (const connection of connections.splice(0)) connection.disconnect();
  });

  it('resyncs the installation named by login or id, with the reason given', async () => {
    expect(await glintResync('ACME', '--reason', 'mapping fixed')).toBe(0);
    expect(await glintResync('7')).toBe(0);

    await waitFor('both resyncs to run', async () => (runner.runs.length === 2 ? true : undefined));
    expect(runner.runs).toEqual(expect.arrayContaining([{ installation: 'acme', reason: 'mapping fixed' }, { installation: 'Globex', reason: 'requested from the command line' }]));
    expect(lines.out).toEqual([expect.stringMatching(/^acme \(4242\): resync requested \(job /), expect.stringMatching(/^Globex \(7\): resync requested \(job /)]);
  });

  it('resyncs every installation with --all, through the job the schedule uses', async () => {
    expect(await glintResync('--all', '--reason', 'after the outage')).toBe(0);

    await waitFor('both resyncs to run', async () => (runner.runs.length === 2 ? true : undefined));
    expect(runner.runs).toEqual(expect.arrayContaining([{ installation: 'acme', reason: 'after the outage' }, { installation: 'Globex', reason: 'after the outage' }]));
  });

  it('does not queue a second resync of an installation while one runs', async () => {
    let release: () => void = () => undefined;
    runner.hold = new Promise((resolve) => (release = resolve));
    expect(await glintResync('acme')).toBe(0);
    await waitFor('the resync to run', async () => (runner.running === 1 ? true : undefined));

    expect(await glintResync('acme')).toBe(0);
    release();
    await waitFor('the resync to finish', async () => (runner.runs.length === 1 ? true : undefined));

    expect(lines.out[1]).toMatch(/^acme \(4242\): a resync is already running \(job .*\), not requested again$/);
    const queue = new Queue(QueueName.Resync, { connection: connections[0], prefix });
    expect(await queue.getJobCountByTypes('waiting', 'active', 'delayed')).toBe(0);
    await queue.close();
  });

  it('refuses an installation the app does not have, naming those it has, and requests nothing', async () => {
    expect(await glintResync('acme', 'initech')).toBe(1);

    expect(lines.err).toEqual(['glint resync: no installation "initech": the installations are acme (4242), Globex (7); nothing requested']);
    const queue = new Queue(QueueName.Resync, { connection: connections[0], prefix });
    expect(await queue.getJobCountByTypes('waiting', 'active', 'delayed', 'completed')).toBe(0);
    await queue.close();
  });
});
