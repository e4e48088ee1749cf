import { Logger } from '@nestjs/common';
import { DelayedError, Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CatalogClient } from '@glint/catalog-client';
import { CompleteSyncJob, PublishChangesJob, PublishJob, PublishJobName, publishKeys, RawExamplesJob, SYNC_KEYS_TTL_SECONDS } from '@glint/queue';
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
  onCleanup?: (job: CompleteSyncJob, report: CleanupReport) => void;
}

/** Runs one job of the `publish` queue: entity changes, a sync's completion (stale cleanup) or raw examples. */
export class PublishProcessor {
  private readonly logger = new Logger('publisher');
  private readonly keys: ReturnType<typeof publishKeys>;
  /** Becomes false when the catalog turns raw examples away, so they are not sent again. */
  private catalogTakesExamples = true;

  constructor(private readonly deps: PublishProcessorDependencies) {
    this.keys = publishKeys(deps.prefix);
  }

  async process(job: Job<PublishJob>, token?: string): Promise<unknown> {
    const timer = this.deps.metrics.jobSeconds.startTimer({ job: job.name });
    try {
      switch (job.name) {
        case PublishJobName.Changes:
          return await this.publishChanges(job as Job<PublishChangesJob>);
        case PublishJobName.CompleteSync:
          return await this.completeSync(job as Job<CompleteSyncJob>, token);
        case PublishJobName.RawExamples:
          return await this.sendRawExamples(job.data as RawExamplesJob);
        default:
          throw new Error(`unknown publish job ${JSON.stringify(job.name)}`);
      }
    } finally {
      timer();
    }
  }

  private async publishChanges(job: Job<PublishChangesJob>): Promise<unknown> {
    const { syncId, origin } = job.data;
    try {
      const report = await this.deps.changes.publish(job.data);
      for (const [outcome, count] of Object.entries(report.counts)) if (count > 0) this.deps.metrics.entities.inc({ outcome, origin }, count);
      this.logger.debug(`published ${job.data.changes.length} change(s): ${Object.entries(report.counts).filter(([, count]) => count > 0).map(([outcome, count]) => `${count} ${outcome}`).join(', ') || 'nothing to do'}`);
      for (const failure of report.failures) {
        this.logger.error(`${failure.entity.blueprint}/${String(failure.entity.identifier)} refused by the catalog (${failure.status} ${failure.error}): ${failure.message}; dead-lettered`);
      }
      if (syncId) await this.deps.redis.srem(this.keys.syncJobs(syncId), String(job.id));
      return report.counts;
    } catch (error) {
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.logger.warn(`publish job ${job.id} attempt ${job.attemptsMade + 1} failed${finalAttempt ? ' for good' : ', will retry'}: ${errorMessage(error)}`);
      if (finalAttempt && syncId) {
        const failures = this.keys.syncFailures(syncId);
        await this.deps.redis.multi().sadd(failures, String(job.id)).expire(failures, SYNC_KEYS_TTL_SECONDS).srem(this.keys.syncJobs(syncId), String(job.id)).exec();
      }
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
    const report = await this.deps.cleaner.complete(job.data, failedJobs);
    this.deps.metrics.cleanups.inc({ outcome: report.outcome });
    const installation = job.data.installationId;
    if (report.outcome === 'deleted') {
      this.deps.metrics.staleDeleted.inc({ installation }, report.deleted);
      this.logger.log(`resync ${syncId} of installation ${installation}: ${report.deleted} stale entities deleted of ${report.owned} owned (${report.protectedByRelations} kept as relation targets, ${report.failed.length} failed)`);
      for (const failed of report.failed) this.logger.warn(`stale ${failed.identifier} could not be deleted: ${failed.message}`);
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

  private async sendRawExamples(job: RawExamplesJob): Promise<string> {
    if (!this.deps.sendRawDataExamples) return 'disabled';
    if (!this.catalogTakesExamples) return 'not-accepted';
    this.catalogTakesExamples = await this.deps.client.sendRawExamples(job.installationId, job.kind, job.examples);
    if (!this.catalogTakesExamples) this.logger.log('the catalog does not take raw data examples; not sending more');
    return this.catalogTakesExamples ? 'sent' : 'not-accepted';
  }
}
