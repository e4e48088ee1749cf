import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { COMPLETED_JOB_RETENTION, DEFAULT_QUEUE_PREFIX } from './event-queue-options';
import { CompleteSyncJob, PublishChangesJob, PublishJobName, RawExamplesJob } from './publish-job';
import { QueueName } from './queue-name';

/** A sync's bookkeeping lives a week: far longer than a resync runs, short enough to clean up after a lost one. */
export const SYNC_KEYS_TTL_SECONDS = 7 * 24 * 60 * 60;
/**
 * A publish job that fails for a reason other than the catalog being unavailable (which the publisher waits out
 * however long it lasts) is tried this often; then the failed-job sweep moves it to publish-dlq.
 */
export const PUBLISH_JOB_ATTEMPTS = 6;

export function publishKeys(prefix: string) {
  return {
    /** Ids of a sync's change jobs not yet finished; its completion waits for the set to empty. */
    syncJobs: (syncId: string) => `${prefix}:sync:${syncId}:jobs`,
    /** Ids of a sync's change jobs that failed for good: the sync is then not error-free. */
    syncFailures: (syncId: string) => `${prefix}:sync:${syncId}:failed`,
  };
}

/** A sync's change job failed for good: its completion then knows the sync is not error-free (and deletes nothing). */
export async function recordSyncJobFailure(redis: Redis, prefix: string, syncId: string, jobId: string): Promise<void> {
  const keys = publishKeys(prefix);
  const failures = keys.syncFailures(syncId);
  await redis.multi().sadd(failures, jobId).expire(failures, SYNC_KEYS_TTL_SECONDS).srem(keys.syncJobs(syncId), jobId).exec();
}

export type PublishJob = PublishChangesJob | CompleteSyncJob | RawExamplesJob;

/** Puts entity changes, sync completions and raw examples on the `publish` queue. */
export class PublishProducer {
  readonly queue: Queue<PublishJob>;
  private readonly keys: ReturnType<typeof publishKeys>;

  constructor(
    private readonly connection: Redis,
    options: { prefix?: string } = {},
  ) {
    const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.keys = publishKeys(prefix);
    this.queue = new Queue<PublishJob>(QueueName.Publish, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: PUBLISH_JOB_ATTEMPTS,
        backoff: { type: 'exponential', delay: 2_000 },
        removeOnComplete: COMPLETED_JOB_RETENTION,
        removeOnFail: false,
      },
    });
  }

  /** A sync's job is recorded before it is queued, so the sync's completion can never overtake it. */
  async publishChanges(job: PublishChangesJob): Promise<string> {
    const jobId = `changes-${randomUUID()}`;
    if (job.syncId) {
      const key = this.keys.syncJobs(job.syncId);
      await this.connection.multi().sadd(key, jobId).expire(key, SYNC_KEYS_TTL_SECONDS).exec();
    }
    await this.queue.add(PublishJobName.Changes, job, { jobId });
    return jobId;
  }

  async completeSync(job: CompleteSyncJob): Promise<void> {
    await this.queue.add(PublishJobName.CompleteSync, job, { jobId: `complete-sync-${job.syncId}` });
  }

  async sendRawExamples(job: RawExamplesJob): Promise<void> {
    await this.queue.add(PublishJobName.RawExamples, job, { attempts: 2 });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
