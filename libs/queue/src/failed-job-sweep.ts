import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { errorText } from './dead-letter-text';
import { deadLetteredJob, deadLetterQueueFor, failureOf } from './dead-lettered-job';
import { deadLetteredEvent } from './event-consumer';
import type { QueuedWebhookEvent } from './event-job';
import { DEFAULT_QUEUE_PREFIX, eventKeys } from './event-queue-options';
import { PublishJobName } from './publish-job';
import { recordSyncJobFailure } from './publish-producer';
import { QueueName } from './queue-name';

/** How often each service moves what its queues' failed sets hold to the dead letters. */
export const FAILED_JOB_SWEEP_INTERVAL_MS = 30_000;
const PAGE_SIZE = 100;

export interface FailedJobSweepOptions {
  /** The queues to sweep: the ones the service works on (`events-p0`…, `publish`, `resync`, …). */
  queues: readonly string[];
  prefix?: string;
  intervalMs?: number;
  now?: () => number;
}

export interface SweptJob {
  queue: string;
  jobId: string;
  deadLetterQueue: QueueName;
  error: string;
}

/**
 * Moves every job that ended in a queue's failed set to the dead-letter queue of its kind, so nothing fails where
 * `glint dlq` and the dead-letter metrics do not look: a job whose dead letter could not be written, a job that
 * stalled too often, a publish job that failed for a reason other than the catalog, a resync or upkeep job that threw.
 * An event keeps its payload (as the text it came as) and is replayable like any dead-lettered event; another job
 * keeps its name, data and retry settings and is replayed onto its queue.
 *
 * Runs every `intervalMs` and on demand (`sweep()`), one sweep at a time. Several processes may sweep the same queues:
 * the dead letter's id is derived from the job's, so a job moved twice is one dead letter, and the job leaves its
 * failed set only once its dead letter is written.
 */
export class FailedJobSweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('dead-letters');
  private readonly prefix: string;
  private readonly queues = new Map<string, Queue>();
  private timer?: NodeJS.Timeout;
  /** The sweep running or last run, and the one waiting to start after it. */
  private current: Promise<unknown> = Promise.resolve();
  private queued?: Promise<SweptJob[]>;
  private closed = false;

  constructor(
    private readonly connection: Redis,
    private readonly options: FailedJobSweepOptions,
  ) {
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Before the connections close (onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.sweep().catch((error: unknown) => this.logger.warn(`sweeping failed jobs: ${errorText(error)}`)), this.options.intervalMs ?? FAILED_JOB_SWEEP_INTERVAL_MS);
    this.timer.unref();
    void this.sweep().catch((error: unknown) => this.logger.warn(`sweeping failed jobs: ${errorText(error)}`));
  }

  /** Moves what the failed sets hold now. One sweep runs at a time; a call during one gets the next, which starts after it. */
  sweep(): Promise<SweptJob[]> {
    if (this.queued) return this.queued;
    const queued = this.current
      .catch(() => undefined)
      .then(async () => {
        this.queued = undefined;
        const swept: SweptJob[] = [];
        for (const name of this.options.queues) swept.push(...(await this.sweepQueue(name)));
        return swept;
      });
    this.queued = queued;
    this.current = queued;
    return queued;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.current.catch(() => undefined);
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  private async sweepQueue(name: string): Promise<SweptJob[]> {
    const queue = this.queue(name);
    const swept: SweptJob[] = [];
    const seen = new Set<string>();
    while (!this.closed) {
      const jobs = (await queue.getFailed(0, PAGE_SIZE - 1)).filter((job) => job?.id && !seen.has(job.id));
      if (jobs.length === 0) break;
      for (const job of jobs) {
        seen.add(String(job.id));
        swept.push(await this.move(name, queue, job));
      }
    }
    return swept;
  }

  private async move(name: string, queue: Queue, job: Job): Promise<SweptJob> {
    const target = deadLetterQueueFor(name);
    const failedAt = new Date(job.finishedOn ?? this.options.now?.() ?? Date.now());
    const jobId = String(job.id);
    const payloadKey = target === QueueName.EventsDeadLetter ? eventKeys(this.prefix).payload((job.data as QueuedWebhookEvent).deliveryId) : undefined;
    if (payloadKey) {
      const event = job.data as QueuedWebhookEvent;
      const payload = await this.connection.getBuffer(payloadKey);
      const letter = deadLetteredEvent(event, payload ?? undefined, failureOf(job), job.attemptsMade, failedAt);
      // The consumer dead-letters under the job's own id: a sweep racing it finds the same dead letter.
      await this.queue(target).add(event.event, letter, { jobId, removeOnComplete: false, removeOnFail: false });
    } else {
      const letter = deadLetteredJob(name, job, await this.connection.hget(queue.toKey(jobId), 'data'), failedAt);
      if (name === QueueName.Publish && job.name === PublishJobName.Changes) {
        // Before the job leaves its queue: a sync's completion must count it as failed, not as never queued.
        const syncId = (job.data as { syncId?: unknown }).syncId;
        if (typeof syncId === 'string') await recordSyncJobFailure(this.connection, this.prefix, syncId, jobId);
      }
      await this.queue(target).add('job', letter, { jobId: `${name}-${jobId}`.replace(/:/g, '_'), removeOnComplete: false, removeOnFail: false });
    }
    await queue.remove(jobId);
    if (payloadKey) await this.connection.del(payloadKey);
    const error = failureOf(job);
    this.logger.error(`${name} job ${jobId} (${job.name}) failed for good after ${job.attemptsMade} attempt(s): ${error}; moved to ${target} (glint dlq list)`);
    return { queue: name, jobId, deadLetterQueue: target, error };
  }
}
