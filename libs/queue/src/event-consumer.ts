import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { DeadLetteredEvent, QueuedWebhookEvent, WebhookEvent } from './event-job';
import { DEFAULT_QUEUE_PREFIX, eventKeys, EventQueueOptions } from './event-queue-options';
import { partitionQueueName, QueueName } from './queue-name';
import { Semaphore } from './semaphore';

/** Thrown by a handler for an event that can never succeed (malformed, unsupported): dead-lettered at once. */
export class NonRetryableEventError extends Error {
  override readonly name = 'NonRetryableEventError';
}

/** `ignored`: the handler has nothing to do for this event (an event or action it does not handle). */
export type HandlerResult = 'processed' | 'ignored';
export type EventHandler = (event: WebhookEvent, attempt: number) => Promise<HandlerResult>;

export type EventOutcome = HandlerResult | 'dead-lettered';

export interface EventConsumerOptions extends EventQueueOptions {
  /** EVENT_WORKERS_COUNT: how many partitions this process works on at once. */
  workers: number;
  maxAttempts: number;
  backoff: { initialMs: number; maxMs: number };
  /** Called after each job, for metrics and logs. */
  onOutcome?: (outcome: EventOutcome, event: QueuedWebhookEvent, details: { attempts: number; durationMs: number; error?: string }) => void;
  onRetry?: (event: QueuedWebhookEvent, attempt: number, error: string) => void;
}

export const DEFAULT_EVENT_CONSUMER_SETTINGS = {
  maxAttempts: 5,
  backoff: { initialMs: 500, maxMs: 30_000 },
} as const;

/**
 * Consumes the event partitions. Each partition queue has a global concurrency of 1, so across every process
 * and pod exactly one job per partition runs at a time and events of one group keep their order. A failed
 * attempt is retried inside the processor, while the job still holds its partition (BullMQ's own retries
 * would put it behind its successors); after `maxAttempts` it goes to the dead-letter queue with its error
 * and the partition moves on.
 */
export class PartitionedEventConsumer {
  private readonly workers: Worker[] = [];
  private readonly deadLetters: Queue;
  private readonly semaphore: Semaphore;
  private readonly prefix: string;
  private readonly keys: ReturnType<typeof eventKeys>;
  /** Every connection this consumer opened; BullMQ does not close connections it was given. */
  private readonly connections: Redis[] = [];
  private readonly payloads: Redis;

  constructor(
    private readonly createConnection: () => Redis,
    private readonly handler: EventHandler,
    private readonly options: EventConsumerOptions,
  ) {
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.semaphore = new Semaphore(options.workers);
    this.keys = eventKeys(this.prefix);
    this.payloads = this.connect();
    this.deadLetters = new Queue(QueueName.EventsDeadLetter, { connection: this.connect(), prefix: this.prefix });
  }

  async start(): Promise<void> {
    for (let partition = 0; partition < this.options.partitions; partition += 1) {
      const name = partitionQueueName(QueueName.Events, partition);
      const queue = new Queue(name, { connection: this.connect(), prefix: this.prefix });
      await queue.setGlobalConcurrency(1);
      await queue.close();
      const worker = new Worker<QueuedWebhookEvent, EventOutcome>(name, (job) => this.semaphore.run(() => this.process(job)), {
        connection: this.connect(),
        prefix: this.prefix,
        concurrency: 1,
        autorun: false,
      });
      worker.on('error', () => undefined); // connection errors: ioredis reconnects and the worker resumes
      this.workers.push(worker);
      void worker.run();
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  async deadLetterCount(): Promise<number> {
    return this.deadLetters.count();
  }

  /** Stops taking jobs and waits for the ones in flight to finish. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
    await this.deadLetters.close();
    await Promise.all(this.connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
  }

  private connect(): Redis {
    const connection = this.createConnection();
    this.connections.push(connection);
    return connection;
  }

  private async process(job: Job<QueuedWebhookEvent>): Promise<EventOutcome> {
    const started = performance.now();
    const event = job.data;
    const payloadKey = this.keys.payload(event.deliveryId);
    const payload = await this.loadPayload(payloadKey);
    const { maxAttempts, backoff } = this.options;
    let outcome: EventOutcome | undefined;
    for (let attempt = 1; outcome === undefined; attempt += 1) {
      try {
        if (!payload.ok) throw new NonRetryableEventError(payload.error);
        outcome = await this.handler({ ...event, payload: payload.value }, attempt);
        this.options.onOutcome?.(outcome, event, { attempts: attempt, durationMs: performance.now() - started });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= maxAttempts || error instanceof NonRetryableEventError) {
          const deadLetter: DeadLetteredEvent = {
            event,
            payload: payload.ok ? payload.value : undefined,
            error: message,
            attempts: attempt,
            failedAt: new Date().toISOString(),
          };
          await this.deadLetters.add(event.event, deadLetter, { jobId: job.id, removeOnComplete: false, removeOnFail: false });
          outcome = 'dead-lettered';
          this.options.onOutcome?.(outcome, event, { attempts: attempt, durationMs: performance.now() - started, error: message });
        } else {
          this.options.onRetry?.(event, attempt, message);
          await sleep(Math.min(backoff.initialMs * 2 ** (attempt - 1), backoff.maxMs));
        }
      }
    }
    await this.payloads.del(payloadKey);
    return outcome;
  }

  private async loadPayload(key: string): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; error: string }> {
    const raw = await this.payloads.getBuffer(key);
    if (raw === null) return { ok: false, error: `the payload (${key}) is gone: it expired or was deleted before the event was processed` };
    try {
      return { ok: true, value: JSON.parse(raw.toString('utf8')) as Record<string, unknown> };
    } catch (error) {
      return { ok: false, error: `the stored payload is not JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
