import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GithubAccess, GithubInstallation } from '@glint/github';
import { DEFAULT_QUEUE_PREFIX, QueueName } from '@glint/queue';
import { withLogContext } from '@glint/runtime';
import type { ResyncRunner } from './resync-runner';
import type { SyncMetrics } from './sync-metrics';

export interface ResyncRequester {
  /** Queues a resync of the installation unless one is already waiting or running (then it is skipped). */
  request(installation: GithubInstallation, reason: string): Promise<boolean>;
}

interface ResyncJob {
  installation: GithubInstallation;
  reason: string;
}

const SCHEDULE_ID = 'resync-every-installation';
const ALL_INSTALLATIONS_JOB = 'resync-all';
const RESYNC_JOB = 'resync';
/** Resyncs one mapper process runs at once (different installations; one installation never runs twice). */
export const RESYNC_CONCURRENCY = 2;

/**
 * Resyncs as BullMQ jobs on the `resync` queue: one per installation at start, one every RESYNC_INTERVAL_MINUTES (a
 * job scheduler, so many pods schedule once), one on request (mapping changed, installation added). A resync of an
 * installation that is already waiting or running is skipped, through BullMQ's de-duplication by installation.
 */
export class ResyncScheduler implements ResyncRequester, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('resync');
  private readonly queue: Queue<ResyncJob | Record<string, never>>;
  private worker?: Worker<ResyncJob | Record<string, never>>;
  /** BullMQ leaves connections it was given open: these are closed here. */
  private readonly connections: Redis[] = [];

  constructor(
    private readonly deps: {
      access: GithubAccess;
      runner: ResyncRunner;
      metrics: SyncMetrics;
      connection: () => Redis;
      intervalMinutes: number;
      prefix?: string;
      startWithResync?: boolean;
    },
  ) {
    this.queue = new Queue(QueueName.Resync, { connection: this.connect(), prefix: deps.prefix ?? DEFAULT_QUEUE_PREFIX, defaultJobOptions: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new Worker(QueueName.Resync, (job) => this.process(job), { connection: this.connect(), prefix: this.deps.prefix ?? DEFAULT_QUEUE_PREFIX, concurrency: RESYNC_CONCURRENCY, lockDuration: 60_000 });
    this.worker.on('error', (error) => this.logger.warn(`resync worker: ${error.message}`));
    if (this.deps.intervalMinutes > 0) {
      await this.queue.upsertJobScheduler(SCHEDULE_ID, { every: this.deps.intervalMinutes * 60_000 }, { name: ALL_INSTALLATIONS_JOB, data: {} });
    } else {
      await this.queue.removeJobScheduler(SCHEDULE_ID);
    }
    if (this.deps.startWithResync !== false) await this.requestAll('start');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    for (const connection of this.connections) await connection.quit().catch(() => connection.disconnect());
  }

  private connect(): Redis {
    const connection = this.deps.connection();
    this.connections.push(connection);
    return connection;
  }

  async requestAll(reason: string): Promise<void> {
    let installations: GithubInstallation[];
    try {
      installations = await this.deps.access.installations();
    } catch (error) {
      this.logger.error(`cannot list the installations to resync (${reason}): ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    for (const installation of installations) await this.request(installation, reason);
  }

  async request(installation: GithubInstallation, reason: string): Promise<boolean> {
    const deduplicationId = `installation-${installation.id}`;
    if (await this.queue.getDeduplicationJobId(deduplicationId)) {
      this.deps.metrics.skipped.inc({ reason: 'already-due-or-running' });
      this.logger.log(`resync of ${installation.accountLogin} skipped (${reason}): one is already due or running`);
      return false;
    }
    await this.queue.add(RESYNC_JOB, { installation, reason }, { deduplication: { id: deduplicationId } });
    return true;
  }

  private async process(job: Job<ResyncJob | Record<string, never>>): Promise<unknown> {
    if (job.name === ALL_INSTALLATIONS_JOB) return this.requestAll('schedule');
    const { installation, reason } = job.data as ResyncJob;
    const status = await withLogContext({ installationId: installation.id }, () => this.deps.runner.run(installation, reason));
    return { syncId: status.syncId, state: status.state };
  }
}
