import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GithubAccess, GithubInstallation } from '@glint/github';
import { DEFAULT_QUEUE_PREFIX, QueueName } from '@glint/queue';
import { withLogContext } from '@glint/runtime';
import type { ResyncRunner } from './resync-runner';
import type { RequestedMode } from './resync-watermarks';
import type { SyncMetrics } from './sync-metrics';

/**
 * What a request does when a resync of the installation is already running: a due resync (the schedule, start) is
 * skipped, as the running one reads the same state; a change (a repository deleted or renamed, the mapping changed)
 * may have come after the running resync listed what it touched, so it asks for one more resync after it
 * (`follow-up`), and the running one leaves its stale cleanup to that one.
 */
export type WhenRunning = 'skip' | 'follow-up';

export interface ResyncRequester {
  /** Queues a resync of the installation unless one is already waiting, or running (see `WhenRunning`). */
  request(installation: GithubInstallation, reason: string, whenRunning?: WhenRunning, mode?: RequestedMode): Promise<boolean>;
}

export interface ResyncJob {
  installation: GithubInstallation;
  reason: string;
  /** Absent: full (a request, `glint resync`); the schedule's and the start's are `auto`. */
  mode?: RequestedMode;
}

/** Every installation, listed from GitHub when the job runs: the schedule's job, and `glint resync --all`'s with a reason. */
export interface AllInstallationsJob {
  reason?: string;
  /** What each installation's resync is asked to be; absent: full. */
  mode?: RequestedMode;
}

const SCHEDULE_ID = 'resync-every-installation';
export const deduplicationIdOf = (installation: GithubInstallation) => `installation-${installation.id}`;
export const ALL_INSTALLATIONS_JOB = 'resync-all';
export const RESYNC_JOB = 'resync';
/** Resyncs one mapper process runs at once (different installations; one installation never runs twice). */
export const RESYNC_CONCURRENCY = 2;

/**
 * Resyncs as BullMQ jobs on the `resync` queue: one per installation at start, one every RESYNC_INTERVAL_MINUTES (a
 * job scheduler, so many pods schedule once), one on request (mapping changed, installation added). A resync of an
 * installation that is already waiting or running is skipped, through BullMQ's de-duplication by installation.
 */
export class ResyncScheduler implements ResyncRequester, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('resync');
  private readonly queue: Queue<ResyncJob | AllInstallationsJob>;
  private worker?: Worker<ResyncJob | AllInstallationsJob>;
  /** BullMQ leaves connections it was given open: these are closed here. */
  private readonly connections: Redis[] = [];
  private readonly followUps: FollowUps;

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
    this.followUps = new FollowUps(this.connect(), deps.prefix ?? DEFAULT_QUEUE_PREFIX);
    this.queue = new Queue(QueueName.Resync, { connection: this.connect(), prefix: deps.prefix ?? DEFAULT_QUEUE_PREFIX, defaultJobOptions: { removeOnComplete: { count: 100 }, removeOnFail: false } });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new Worker(QueueName.Resync, (job) => this.process(job), { connection: this.connect(), prefix: this.deps.prefix ?? DEFAULT_QUEUE_PREFIX, concurrency: RESYNC_CONCURRENCY, lockDuration: 60_000 });
    this.worker.on('error', (error) => this.logger.warn(`resync worker: ${error.message}`));
    if (this.deps.intervalMinutes > 0) {
      await this.queue.upsertJobScheduler(SCHEDULE_ID, { every: this.deps.intervalMinutes * 60_000 }, { name: ALL_INSTALLATIONS_JOB, data: { mode: 'auto' } });
    } else {
      await this.queue.removeJobScheduler(SCHEDULE_ID);
    }
    if (this.deps.startWithResync !== false) await this.requestAll('start', 'auto');
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

  /** `auto`: each is incremental when its watermark allows (see `decideMode`), else full. */
  async requestAll(reason: string, mode: RequestedMode = 'full'): Promise<void> {
    let installations: GithubInstallation[];
    try {
      installations = await this.deps.access.installations();
    } catch (error) {
      this.logger.error(`cannot list the installations to resync (${reason}): ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    for (const installation of installations) await this.request(installation, reason, 'skip', mode);
  }

  async request(installation: GithubInstallation, reason: string, whenRunning: WhenRunning = 'skip', mode: RequestedMode = 'full'): Promise<boolean> {
    const deduplicationId = deduplicationIdOf(installation);
    const pendingJobId = await this.queue.getDeduplicationJobId(deduplicationId);
    if (pendingJobId && whenRunning === 'follow-up' && (await this.queue.getJobState(pendingJobId)) === 'active') {
      await this.followUps.set(installation, reason);
      this.logger.log(`resync of ${installation.accountLogin} requested while one runs (${reason}): it will run again after it`);
      return true;
    }
    if (pendingJobId) {
      this.deps.metrics.skipped.inc({ reason: 'already-due-or-running' });
      this.logger.log(`resync of ${installation.accountLogin} skipped (${reason}): one is already due or running`);
      return false;
    }
    await this.queue.add(RESYNC_JOB, { installation, reason, mode }, { deduplication: { id: deduplicationId } });
    return true;
  }

  private async process(job: Job<ResyncJob | AllInstallationsJob>): Promise<unknown> {
    if (job.name === ALL_INSTALLATIONS_JOB) return this.requestAll(job.data.reason ?? 'schedule', job.data.mode);
    const { installation, reason, mode } = job.data as ResyncJob;
    const status = await withLogContext({ installationId: installation.id }, () => this.deps.runner.run(installation, reason, () => this.followUps.peek(installation), mode ?? 'full'));
    const followUp = await this.followUps.take(installation);
    if (followUp) {
      // The de-duplication key lasts until this job finishes: released now, so the follow-up can be queued.
      await this.queue.removeDeduplicationKey(deduplicationIdOf(installation));
      await this.request(installation, `follow-up: ${followUp}`);
    }
    return { syncId: status.syncId, state: status.state };
  }
}

/** Follow-up resyncs asked for while one runs, in Redis so a request handled by any pod reaches the pod running it. */
class FollowUps {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async set(installation: GithubInstallation, reason: string): Promise<void> {
    await this.redis.set(this.key(installation), reason, 'EX', 24 * 60 * 60);
  }

  async peek(installation: GithubInstallation): Promise<string | undefined> {
    return (await this.redis.get(this.key(installation))) ?? undefined;
  }

  async take(installation: GithubInstallation): Promise<string | undefined> {
    return (await this.redis.getdel(this.key(installation))) ?? undefined;
  }

  private key(installation: GithubInstallation): string {
    return `${this.prefix}:resync-follow-up:${installation.id}`;
  }
}
