import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { DeadLetteredEventJob, WebhookEventJob } from './event-job';
import { DEFAULT_QUEUE_PREFIX, EventQueueOptions } from './event-queue-options';
import { partitionQueueName, QueueName } from './queue-name';
import { Semaphore } from './semaphore';

/** Thrown by a handler for an event that can never succeed (malformed, unsupported): dead-lettered at once. */
export class NonRetryableEventError extends Error {
  override readonly name = 'NonRetryableEventError';
}

export type EventHandler = (job: WebhookEventJob, attempt: number) => Promise<void>;

export type EventOutcome = 'processed' | 'dead-lettered';

export interface EventConsumerOptions extends EventQueueOptions {
  /** EVENT_WORKERS_COUNT: how many partitions this process works on at once. */
  workers: number;
  maxAttempts: number;
  backoff: { initialMs: number; maxMs: number };
  /** Called after each job, for metrics and logs. */
  onOutcome?: (outcome: EventOutcome, job: WebhookEventJob, details: { attempts: number; durationMs: number; error?: string }) => void;
  onRetry?: (job: WebhookEventJob, attempt: number, error: string) => void;
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

  constructor(
    private readonly createConnection: () => Redis,
    private readonly handler: EventHandler,
    private readonly options: EventConsumerOptions,
  ) {
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.semaphore = new Semaphore(options.workers);
    this.deadLetters = new Queue(QueueName.EventsDeadLetter, { connection: createConnection(), prefix: this.prefix });
  }

  async start(): Promise<void> {
    for (let partition = 0; partition < this.options.partitions; partition += 1) {
      const name = partitionQueueName(QueueName.Events, partition);
      const queue = new Queue(name, { connection: this.createConnection(), prefix: this.prefix });
      await queue.setGlobalConcurrency(1);
      await queue.close();
      const worker = new Worker<WebhookEventJob, EventOutcome>(name, (job) => this.semaphore.run(() => this.process(job)), {
        connection: this.createConnection(),
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
  }

  private async process(job: Job<WebhookEventJob>): Promise<EventOutcome> {
    const started = performance.now();
    const { maxAttempts, backoff } = this.options;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.handler(job.data, attempt);
        this.options.onOutcome?.('processed', job.data, { attempts: attempt, durationMs: performance.now() - started });
        return 'processed';
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= maxAttempts || error instanceof NonRetryableEventError) {
          const deadLetter: DeadLetteredEventJob = { job: job.data, error: message, attempts: attempt, failedAt: new Date().toISOString() };
          await this.deadLetters.add(job.data.event, deadLetter, { jobId: job.id, removeOnComplete: false, removeOnFail: false });
          this.options.onOutcome?.('dead-lettered', job.data, { attempts: attempt, durationMs: performance.now() - started, error: message });
          return 'dead-lettered';
        }
        this.options.onRetry?.(job.data, attempt, message);
        await sleep(Math.min(backoff.initialMs * 2 ** (attempt - 1), backoff.maxMs));
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
