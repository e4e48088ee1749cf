import type { OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CatalogAvailabilityRecord, CatalogAvailabilityReport } from './catalog-availability-record';
import { DeadLetter, deadLetterOf, DeadLetterSource } from './dead-letters';
import { DEFAULT_QUEUE_PREFIX } from './event-queue-options';
import { perMinute, sumSeries } from './per-minute';
import { partitionQueueName, QueueName } from './queue-name';

export interface PartitionBacklog {
  partition: number;
  /** Events waiting, delayed or in progress. */
  depth: number;
  /** How long the oldest waiting event has waited; 0 when none waits. */
  oldestWaitingSeconds: number;
}

export interface PublishBacklog {
  /** Publish jobs waiting, delayed or in progress. */
  depth: number;
  /** How long the oldest waiting publish job has waited; 0 when none waits. */
  oldestWaitingSeconds: number;
  /** The catalog as the publisher last saw it: while it is unavailable the backlog waits, nothing is dead-lettered. */
  catalog: CatalogAvailabilityReport;
}

export interface QueueSummary {
  /** The longest wait of any event, over every partition. */
  lagSeconds: number;
  deadLetters: { events: number; publish: number; jobs: number };
  /** Jobs in a failed set not yet moved to a dead-letter queue (the services sweep them every 30 s): 0 normally. */
  failedJobs: number;
  partitions: PartitionBacklog[];
  publish: PublishBacklog;
}

/** A dead letter without its payload: where, what, why and when. */
export type DeadLetterSummary = Pick<DeadLetter, 'source' | 'id' | 'subject' | 'error' | 'failedAt'>;

/**
 * Reads the backlog of the event partitions and the dead-letter sizes from Redis, for `/metrics` and `GET /status`.
 * It only reads; several services may hold one.
 */
export class QueueOverview implements OnApplicationShutdown {
  private readonly partitionQueues: Queue[];
  private readonly eventDeadLetters: Queue;
  private readonly publishDeadLetters: Queue;
  private readonly jobDeadLetters: Queue;
  private readonly publishQueue: Queue;
  /** Every queue that has a failed set to watch: the partitions and the work queues, not the dead-letter queues. */
  private readonly workQueues: Queue[];
  private readonly catalog: CatalogAvailabilityRecord;

  constructor(
    connection: Redis,
    options: { partitions: number; prefix?: string },
    private readonly now: () => number = Date.now,
  ) {
    const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.partitionQueues = Array.from({ length: options.partitions }, (_, partition) => new Queue(partitionQueueName(QueueName.Events, partition), { connection, prefix }));
    this.eventDeadLetters = new Queue(QueueName.EventsDeadLetter, { connection, prefix });
    this.publishDeadLetters = new Queue(QueueName.PublishDeadLetter, { connection, prefix });
    this.jobDeadLetters = new Queue(QueueName.JobsDeadLetter, { connection, prefix });
    this.publishQueue = new Queue(QueueName.Publish, { connection, prefix });
    const notWorkQueues: string[] = [QueueName.Events, QueueName.Publish, QueueName.EventsDeadLetter, QueueName.PublishDeadLetter, QueueName.JobsDeadLetter];
    const otherQueues = Object.values(QueueName)
      .filter((name) => !notWorkQueues.includes(name))
      .map((name) => new Queue(name, { connection, prefix }));
    this.workQueues = [...this.partitionQueues, this.publishQueue, ...otherQueues];
    this.catalog = new CatalogAvailabilityRecord(connection, prefix);
  }

  async partitions(): Promise<PartitionBacklog[]> {
    const now = this.now();
    return Promise.all(
      this.partitionQueues.map(async (queue, partition) => {
        const [counts, [oldest]] = await Promise.all([queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized'), queue.getJobs(['wait'], 0, 0, true)]);
        const depth = Object.values(counts).reduce((sum, count) => sum + count, 0);
        const oldestWaitingSeconds = oldest ? Math.max(0, (now - oldest.timestamp) / 1000) : 0;
        return { partition, depth, oldestWaitingSeconds };
      }),
    );
  }

  async deadLetterCounts(): Promise<QueueSummary['deadLetters']> {
    const [events, publish, jobs] = await Promise.all([this.eventDeadLetters.count(), this.publishDeadLetters.count(), this.jobDeadLetters.count()]);
    return { events, publish, jobs };
  }

  /** Jobs in the failed set of each queue that has one, by queue name. */
  async failedJobs(): Promise<Map<string, number>> {
    const counts = await Promise.all(this.workQueues.map((queue) => queue.getFailedCount()));
    return new Map(this.workQueues.map((queue, index) => [queue.name, counts[index] ?? 0]));
  }

  /** The newest dead letters of every dead-letter queue, newest first, with their reasons. */
  async latestDeadLetters(limit: number): Promise<DeadLetterSummary[]> {
    const sources: Array<[DeadLetterSource, Queue]> = [
      ['events', this.eventDeadLetters],
      ['publish', this.publishDeadLetters],
      ['jobs', this.jobDeadLetters],
    ];
    const jobs = await Promise.all(sources.map(([, queue]) => queue.getJobs(['wait', 'prioritized', 'delayed'], 0, limit - 1, false)));
    const letters = sources.flatMap(([source], index) => jobs[index].flatMap((job) => deadLetterOf(source, job) ?? []));
    return letters
      .sort((a, b) => b.failedAt.localeCompare(a.failedAt) || b.id.localeCompare(a.id))
      .slice(0, limit)
      .map(({ source, id, subject, error, failedAt }) => ({ source, id, subject, error, failedAt }));
  }

  /**
   * Webhook events the mapper finished (handled or dead-lettered) per minute over the last `minutes` minutes, the
   * current minute first, over every partition (BullMQ's per-minute metrics, which the event workers record).
   */
  async eventsPerMinute(minutes: number): Promise<number[]> {
    const now = this.now();
    const series = await Promise.all(
      this.partitionQueues.flatMap((queue) => (['completed', 'failed'] as const).map(async (type) => perMinute(await queue.getMetrics(type, 0, minutes), now, minutes))),
    );
    return sumSeries(series, minutes);
  }

  async publishBacklog(): Promise<PublishBacklog> {
    const [counts, [oldest], catalog] = await Promise.all([
      this.publishQueue.getJobCounts('waiting', 'delayed', 'active', 'prioritized'),
      this.publishQueue.getJobs(['wait'], 0, 0, true),
      this.catalog.read(this.now()),
    ]);
    const depth = Object.values(counts).reduce((sum, count) => sum + count, 0);
    return { depth, oldestWaitingSeconds: oldest ? Math.max(0, (this.now() - oldest.timestamp) / 1000) : 0, catalog };
  }

  async summary(): Promise<QueueSummary> {
    const [partitions, deadLetters, failed, publish] = await Promise.all([this.partitions(), this.deadLetterCounts(), this.failedJobs(), this.publishBacklog()]);
    const lagSeconds = partitions.reduce((longest, partition) => Math.max(longest, partition.oldestWaitingSeconds), 0);
    const failedJobs = [...failed.values()].reduce((sum, count) => sum + count, 0);
    return { lagSeconds, deadLetters, failedJobs, partitions, publish };
  }

  async close(): Promise<void> {
    await Promise.all([...this.workQueues, this.eventDeadLetters, this.publishDeadLetters, this.jobDeadLetters].map((queue) => queue.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
