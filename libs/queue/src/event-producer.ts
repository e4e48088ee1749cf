import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobIdForDelivery, QueuedWebhookEvent } from './event-job';
import {
  COMPLETED_JOB_RETENTION,
  DEFAULT_QUEUE_PREFIX,
  DELIVERY_DEDUPE_TTL_SECONDS,
  eventKeys,
  EventQueueOptions,
  PAYLOAD_TTL_SECONDS,
} from './event-queue-options';
import { partitionQueueName, QueueName } from './queue-name';

export type EnqueueResult = 'accepted' | 'duplicate';

/**
 * Puts verified deliveries on their partition queue.
 *
 * The payload is stored as the raw bytes GitHub sent, under its own key, and the job carries only the
 * event's metadata: the job's JSON stays small, and the payload is neither re-serialised nor copied into
 * the queue's scripts (bench/ingest). It is written before the job, so a job never exists without it.
 *
 * A delivery id seen in the last 72 hours is a duplicate and is not queued again. The job is added before
 * the delivery is remembered, so a failure between the two can only let a redelivery through again
 * (processed twice, harmless), never drop one.
 */
export class EventProducer {
  private readonly queues: Queue[];
  private readonly keys: ReturnType<typeof eventKeys>;
  /** Read only (its size is a metric); the consumers write to it. */
  readonly deadLetterQueue: Queue;

  constructor(
    private readonly connection: Redis,
    readonly options: EventQueueOptions,
  ) {
    const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.keys = eventKeys(prefix);
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

  /** `payloadJson`: the payload's JSON bytes, as received. */
  async enqueue(event: QueuedWebhookEvent, payloadJson: Buffer): Promise<EnqueueResult> {
    const queue = this.queues[event.partition];
    if (!queue) throw new RangeError(`partition ${event.partition} is outside 0..${this.queues.length - 1}`);
    const deliveryKey = this.keys.delivery(event.deliveryId);
    // Plain commands, not a Lua script: a script costs Redis ten times more than EXISTS + SET (bench/ingest).
    if ((await this.connection.exists(deliveryKey)) === 1) return 'duplicate';
    await this.connection.set(this.keys.payload(event.deliveryId), payloadJson, 'EX', PAYLOAD_TTL_SECONDS);
    await queue.add(event.event, event, { jobId: jobIdForDelivery(event.deliveryId) });
    await this.connection.set(deliveryKey, event.receivedAt, 'EX', DELIVERY_DEDUPE_TTL_SECONDS);
    return 'accepted';
  }

  /**
   * Queues an event again that was already taken once (a dead letter being replayed): the same path as `enqueue`,
   * payload first, but without the delivery check that would call it a duplicate, and under a job id of its own so
   * the finished original does not swallow it. Returns the new job's id.
   */
  async requeue(event: QueuedWebhookEvent, payloadJson: Buffer): Promise<string> {
    const queue = this.queues[event.partition];
    if (!queue) throw new RangeError(`partition ${event.partition} is outside 0..${this.queues.length - 1}`);
    await this.connection.set(this.keys.payload(event.deliveryId), payloadJson, 'EX', PAYLOAD_TTL_SECONDS);
    const jobId = `${jobIdForDelivery(event.deliveryId)}-replay-${Date.now()}`;
    await queue.add(event.event, event, { jobId });
    return jobId;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues, this.deadLetterQueue].map((queue) => queue.close()));
  }
}
