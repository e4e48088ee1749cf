import type { OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_QUEUE_PREFIX } from './event-queue-options';
import { partitionQueueName, QueueName } from './queue-name';

export interface PartitionBacklog {
  partition: number;
  /** Events waiting, delayed or in progress. */
  depth: number;
  /** How long the oldest waiting event has waited; 0 when none waits. */
  oldestWaitingSeconds: number;
}

export interface QueueSummary {
  /** The longest wait of any event, over every partition. */
  lagSeconds: number;
  deadLetters: { events: number; publish: number };
  partitions: PartitionBacklog[];
}

/**
 * Reads the backlog of the event partitions and the dead-letter sizes from Redis, for `/metrics` and `GET /status`.
 * It only reads; several services may hold one.
 */
export class QueueOverview implements OnApplicationShutdown {
  private readonly partitionQueues: Queue[];
  private readonly eventDeadLetters: Queue;
  private readonly publishDeadLetters: Queue;

  constructor(
    connection: Redis,
    options: { partitions: number; prefix?: string },
    private readonly now: () => number = Date.now,
  ) {
    const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.partitionQueues = Array.from({ length: options.partitions }, (_, partition) => new Queue(partitionQueueName(QueueName.Events, partition), { connection, prefix }));
    this.eventDeadLetters = new Queue(QueueName.EventsDeadLetter, { connection, prefix });
    this.publishDeadLetters = new Queue(QueueName.PublishDeadLetter, { connection, prefix });
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
    const [events, publish] = await Promise.all([this.eventDeadLetters.count(), this.publishDeadLetters.count()]);
    return { events, publish };
  }

  async summary(): Promise<QueueSummary> {
    const [partitions, deadLetters] = await Promise.all([this.partitions(), this.deadLetterCounts()]);
    const lagSeconds = partitions.reduce((longest, partition) => Math.max(longest, partition.oldestWaitingSeconds), 0);
    return { lagSeconds, deadLetters, partitions };
  }

  async close(): Promise<void> {
    await Promise.all([...this.partitionQueues, this.eventDeadLetters, this.publishDeadLetters].map((queue) => queue.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
