import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { Job, Queue, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { abortableSleep, withLogContext } from '@glint/runtime';
import { errorText, keepText } from './dead-letter-text';
import { DeadLetteredEvent, QueuedWebhookEvent, WebhookEvent } from './event-job';
import { DEFAULT_QUEUE_PREFIX, EVENT_METRICS_MINUTES, eventKeys, EventQueueOptions } from './event-queue-options';
import { partitionQueueName, QueueName } from './queue-name';
import { Semaphore } from './semaphore';
import { DEFAULT_STALL_RECOVERY_SECONDS, stallSettings } from './stall-recovery';

/** Recorded on each job it takes (`processedBy`), so the dashboard and tests can tell which process holds a partition. */
const WORKER_NAME = `${hostname()}:${process.pid}`;

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
  /** STALL_RECOVERY_SECONDS: how soon a job held by a process that died is taken up by another (see stallSettings). */
  stallRecoverySeconds?: number;
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
 *
 * Each job runs in a log context with its delivery id, group key, event and installation. On `close()` the consumer
 * stops taking jobs, lets the attempts in progress finish, and hands back to the front of their partition the jobs it
 * holds without working on them (waiting for a permit, or between two attempts), so a restart takes them up in order.
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
  private closing = false;
  /** Cuts short the wait before a retry when the consumer closes. */
  private readonly stopWaiting = new AbortController();
  private readonly logger = new Logger('events');

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
      const worker = new Worker<QueuedWebhookEvent, EventOutcome>(name, (job, token) => this.semaphore.run(() => withLogContext(logFieldsOf(job.data), () => this.process(job, token))), {
        connection: this.connect(),
        prefix: this.prefix,
        concurrency: 1,
        autorun: false,
        name: WORKER_NAME,
        // Per-minute counts in Redis, for the events per minute of GET /status and the catalog's bridge page.
        metrics: { maxDataPoints: EVENT_METRICS_MINUTES },
        ...stallSettings(this.options.stallRecoverySeconds ?? DEFAULT_STALL_RECOVERY_SECONDS),
      });
      worker.on('error', () => undefined); // connection errors: ioredis reconnects and the worker resumes
      worker.on('stalled', (jobId) => this.logger.warn(`${name}: job ${jobId} lost its worker mid-attempt (a process stopped without handing it back); it runs again`));
      this.workers.push(worker);
      void worker.run();
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  async deadLetterCount(): Promise<number> {
    return this.deadLetters.count();
  }

  /** Stops taking jobs, finishes the attempts in progress and hands back the jobs not being worked on. */
  async close(): Promise<void> {
    this.closing = true;
    this.stopWaiting.abort();
    await Promise.all(this.workers.map((worker) => worker.close()));
    await this.deadLetters.close();
    await Promise.all(this.connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
  }

  private connect(): Redis {
    const connection = this.createConnection();
    this.connections.push(connection);
    return connection;
  }

  private async process(job: Job<QueuedWebhookEvent>, token: string | undefined): Promise<EventOutcome> {
    if (this.closing) return this.handBack(job, token, 'before its first attempt');
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
        const durationMs = performance.now() - started;
        this.options.onOutcome?.(outcome, event, { attempts: attempt, durationMs });
        this.logger.debug(`${outcome} in ${Math.round(durationMs)} ms, attempt ${attempt}`);
      } catch (error) {
        const message = errorText(error instanceof NonRetryableEventError ? error.message : error);
        if (attempt >= maxAttempts || error instanceof NonRetryableEventError) {
          // The raw bytes, not the parsed payload: re-serialising a deeply nested one would overflow the stack here.
          const deadLetter = deadLetteredEvent(event, payload.raw, message, attempt);
          await this.deadLetters.add(event.event, deadLetter, { jobId: job.id, removeOnComplete: false, removeOnFail: false });
          outcome = 'dead-lettered';
          this.options.onOutcome?.(outcome, event, { attempts: attempt, durationMs: performance.now() - started, error: message });
        } else {
          this.options.onRetry?.(event, attempt, message);
          await abortableSleep(Math.min(backoff.initialMs * 2 ** (attempt - 1), backoff.maxMs), this.stopWaiting.signal);
          if (this.closing) return this.handBack(job, token, `after ${attempt} failed attempt${attempt === 1 ? '' : 's'}`);
        }
      }
    }
    await this.payloads.del(payloadKey);
    return outcome;
  }

  /**
   * Puts the job back at the front of its partition (BullMQ's moveToWait pushes it where workers take the next job
   * from), keeping its payload, so the group's order holds; the attempt count starts over after the restart.
   */
  private async handBack(job: Job<QueuedWebhookEvent>, token: string | undefined, when: string): Promise<never> {
    await job.moveToWait(token);
    this.logger.log(`${job.data.event} ${job.data.deliveryId} handed back to partition ${job.data.partition} ${when}: shutting down`);
    throw new WaitingError();
  }

  private async loadPayload(key: string): Promise<{ ok: true; value: Record<string, unknown>; raw: Buffer } | { ok: false; error: string; raw?: Buffer }> {
    const raw = await this.payloads.getBuffer(key);
    if (raw === null) return { ok: false, error: `the payload (${key}) is gone: it expired or was deleted before the event was processed` };
    try {
      return { ok: true, value: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, raw };
    } catch (error) {
      return { ok: false, error: `the stored payload is not JSON: ${error instanceof Error ? error.message : String(error)}`, raw };
    }
  }
}

/** The dead letter of an event: its payload kept as the text it came as (cut beyond the size limit), its error named. */
export function deadLetteredEvent(event: QueuedWebhookEvent, rawPayload: Buffer | undefined, error: string, attempts: number, failedAt = new Date()): DeadLetteredEvent {
  const kept = rawPayload === undefined ? undefined : keepText(rawPayload);
  return {
    event,
    ...(kept ? { payloadJson: kept.text } : {}),
    ...(kept?.truncatedFromBytes === undefined ? {} : { payloadTruncatedFromBytes: kept.truncatedFromBytes }),
    error,
    attempts,
    failedAt: failedAt.toISOString(),
  };
}

function logFieldsOf(event: QueuedWebhookEvent) {
  return { deliveryId: event.deliveryId, groupKey: event.groupKey, event: event.action ? `${event.event}.${event.action}` : event.event, installationId: event.installationId };
}
