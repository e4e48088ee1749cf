import { Logger } from '@nestjs/common';
import { DelayedError, Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CatalogClient } from '@glint/catalog-client';
import { CompleteSyncJob, PublishChangesJob, PublishJob, PublishJobName, publishKeys, RawExamplesJob, recordSyncJobFailure } from '@glint/queue';
import type { CatalogRetry } from '../availability/catalog-retry';
import type { ChangePublisher } from './change-publisher';
import type { PublisherMetrics } from './publisher-metrics';
import type { CleanupReport, StaleEntityCleaner } from './stale-cleaner';
import { errorMessage } from '@glint/runtime';

/** How often a sync's completion looks again for change jobs of the sync still in flight. */
export const SYNC_COMPLETION_RECHECK_MS = 500;

export interface PublishProcessorDependencies {
  changes: ChangePublisher;
  cleaner: StaleEntityCleaner;
  client: CatalogClient;
  redis: Redis;
  publishQueue: Queue;
  metrics: PublisherMetrics;
  prefix: string;
  sendRawDataExamples: boolean;
  /** Waits out a catalog that is unavailable, however long, inside the job. */
  retry: CatalogRetry;
  onCleanup?: (job: CompleteSyncJob, report: CleanupReport) => void;
}

/**
 * Runs one job of the `publish` queue: entity changes, a sync's completion (stale cleanup) or raw examples. While the
 * catalog is unavailable a job waits for it inside its attempt (CatalogRetry), so it never runs out of attempts for an
 * outage and the jobs queued behind it stay where they are; only other errors use the job's attempts.
 */
export class PublishProcessor {
  private readonly logger = new Logger('publisher');
  private readonly keys: ReturnType<typeof publishKeys>;
  /** Becomes false when the catalog turns raw examples away, so they are not sent again. */
  private catalogTakesExamples = true;
  /** Ends the waits for the catalog when the publisher stops: the waiting jobs go back to the queue. */
  private readonly stopping = new AbortController();

  constructor(private readonly deps: PublishProcessorDependencies) {
    this.keys = publishKeys(deps.prefix);
  }

  /** Jobs waiting for the catalog go back to the queue (delayed until their next try) instead of waiting on. */
  stop(): void {
    this.stopping.abort();
  }

  async process(job: Job<PublishJob>, token?: string): Promise<unknown> {
    const timer = this.deps.metrics.jobSeconds.startTimer({ job: job.name });
    try {
      switch (job.name) {
        case PublishJobName.Changes:
          return await this.publishChanges(job as Job<PublishChangesJob>, token);
        case PublishJobName.CompleteSync:
          return await this.completeSync(job as Job<CompleteSyncJob>, token);
        case PublishJobName.RawExamples:
          return await this.sendRawExamples(job as Job<RawExamplesJob>, token);
        default:
          throw new Error(`unknown publish job ${JSON.stringify(job.name)}`);
      }
    } finally {
      timer();
    }
  }

  /**
   * The job's catalog work, run again for as long as the catalog is unavailable. When the publisher stops meanwhile the
   * job goes back to the queue, delayed until its next try was due, for this or another process to take up.
   */
  private async untilCatalogTakes<T>(job: Job, token: string | undefined, work: () => Promise<T>): Promise<T> {
    const outcome = await this.deps.retry.run(work, this.stopping.signal);
    if (outcome.done) return outcome.value;
    await job.moveToDelayed(outcome.retryAt, token);
    this.logger.log(`publish job ${job.id} handed back to the queue while it waited for the catalog (${outcome.failures} tries): shutting down`);
    throw new DelayedError();
  }

  private async publishChanges(job: Job<PublishChangesJob>, token: string | undefined): Promise<unknown> {
    const { syncId, origin } = job.data;
    try {
      const report = await this.untilCatalogTakes(job, token, () => this.deps.changes.publish(job.data));
      for (const [outcome, count] of Object.entries(report.counts)) if (count > 0) this.deps.metrics.entities.inc({ outcome, origin }, count);
      this.logger.debug(`published ${job.data.changes.length} change(s): ${Object.entries(report.counts).filter(([, count]) => count > 0).map(([outcome, count]) => `${count} ${outcome}`).join(', ') || 'nothing to do'}`);
      for (const failure of report.failures) {
        this.logger.error(`${failure.entity.blueprint}/${String(failure.entity.identifier)} refused by the catalog (${failure.status} ${failure.error}): ${failure.message}; dead-lettered`);
      }
      if (syncId) await this.deps.redis.srem(this.keys.syncJobs(syncId), String(job.id));
      return report.counts;
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.logger.warn(`publish job ${job.id} attempt ${job.attemptsMade + 1} failed${finalAttempt ? ' for good' : ', will retry'}: ${errorMessage(error)}`);
      if (finalAttempt && syncId) await recordSyncJobFailure(this.deps.redis, this.deps.prefix, syncId, String(job.id));
      throw error;
    }
  }

  private async completeSync(job: Job<CompleteSyncJob>, token?: string): Promise<CleanupReport> {
    const { syncId } = job.data;
    if ((await this.unfinishedJobsOf(syncId)) > 0) {
      await job.moveToDelayed(Date.now() + SYNC_COMPLETION_RECHECK_MS, token);
      throw new DelayedError();
    }
    const failedJobs = await this.deps.redis.scard(this.keys.syncFailures(syncId));
    const report = await this.untilCatalogTakes(job, token, () => this.deps.cleaner.complete(job.data, failedJobs));
    this.deps.metrics.cleanups.inc({ outcome: report.outcome });
    const installation = job.data.installationId;
    if (report.outcome === 'deleted') {
      this.deps.metrics.staleDeleted.inc({ installation }, report.deleted);
      this.logger.log(`resync ${syncId} of installation ${installation}: ${report.deleted} stale entities deleted of ${report.owned} owned (${report.protectedByRelations} kept as relation targets, ${report.failed.length} failed)`);
      for (const failed of report.failed) this.logger.warn(`stale ${failed.identifier} could not be deleted: ${failed.message}`);
    } else if (report.outcome === 'skipped-incremental') {
      this.logger.log(`resync ${syncId} of installation ${installation}: ${report.reason}`);
    } else {
      this.logger.warn(`resync ${syncId} of installation ${installation}: ${report.reason}`);
    }
    await this.deps.redis.del(this.keys.syncJobs(syncId), this.keys.syncFailures(syncId));
    this.deps.onCleanup?.(job.data, report);
    return report;
  }

  /**
   * Change jobs of the sync not finished yet. Each job leaves the set when it finishes for good, so the set is the
   * answer, except for ids whose job does not exist (never added, or removed by hand): those are dropped, checked for
   * all ids in one round trip.
   */
  private async unfinishedJobsOf(syncId: string): Promise<number> {
    const key = this.keys.syncJobs(syncId);
    const ids = await this.deps.redis.smembers(key);
    if (ids.length === 0) return 0;
    const exists = this.deps.redis.pipeline();
    for (const id of ids) exists.exists(this.deps.publishQueue.toKey(id));
    const answers = (await exists.exec()) ?? [];
    const missing = ids.filter((_, index) => answers[index]?.[1] === 0);
    if (missing.length > 0) await this.deps.redis.srem(key, ...missing);
    return ids.length - missing.length;
  }

  private async sendRawExamples(job: Job<RawExamplesJob>, token: string | undefined): Promise<string> {
    if (!this.deps.sendRawDataExamples) return 'disabled';
    if (!this.catalogTakesExamples) return 'not-accepted';
    const { installationId, kind, examples } = job.data;
    this.catalogTakesExamples = await this.untilCatalogTakes(job, token, () => this.deps.client.sendRawExamples(installationId, kind, examples));
    if (!this.catalogTakesExamples) this.logger.log('the catalog does not take raw data examples; not sending more');
    return this.catalogTakesExamples ? 'sent' : 'not-accepted';
  }
}
