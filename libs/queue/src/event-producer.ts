import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobIdForDelivery, WebhookEventJob } from './event-job';
import { COMPLETED_JOB_RETENTION, DEFAULT_QUEUE_PREFIX, DELIVERY_DEDUPE_TTL_SECONDS, EventQueueOptions } from './event-queue-options';
import { partitionQueueName, QueueName } from './queue-name';

export type EnqueueResult = 'accepted' | 'duplicate';

/**
 * Puts verified deliveries on their partition queue. A delivery id seen in the last 72 hours is a duplicate
 * and is not queued again. The job is added before the delivery is remembered, so a failure between the two
 * can only let a redelivery through again (processed twice, harmless), never drop one.
 */
export class EventProducer {
  private readonly queues: Queue[];
  private readonly dedupePrefix: string;
  /** Read only (its size is a metric); the consumers write to it. */
  readonly deadLetterQueue: Queue;

  constructor(
    private readonly connection: Redis,
    readonly options: EventQueueOptions,
  ) {
    const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.dedupePrefix = `${prefix}:deliveries:`;
    this.deadLetterQueue = new Queue(QueueName.EventsDeadLetter, { connection, prefix });
    this.queues = Array.from(
      { length: options.partitions },
      (_, partition) =>
        new Queue(partitionQueueName(QueueName.Events, partition), {
          connection,
          prefix,
          defaultJobOptions: { attempts: 1, removeOnComplete: COMPLETED_JOB_RETENTION, removeOnFail: false },
        }),
    );
  }

  get partitionQueues(): readonly Queue[] {
    return this.queues;
  }

  async enqueue(job: WebhookEventJob): Promise<EnqueueResult> {
    const dedupeKey = this.dedupePrefix + job.deliveryId;
    if ((await this.connection.exists(dedupeKey)) === 1) return 'duplicate';
    const queue = this.queues[job.partition];
    if (!queue) throw new RangeError(`partition ${job.partition} is outside 0..${this.queues.length - 1}`);
    await queue.add(job.event, job, { jobId: jobIdForDelivery(job.deliveryId) });
    await this.connection.set(dedupeKey, job.receivedAt, 'EX', DELIVERY_DEDUPE_TTL_SECONDS);
    return 'accepted';
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues, this.deadLetterQueue].map((queue) => queue.close()));
  }
}
