import type { BackoffOptions, Job } from 'bullmq';
import { DEAD_LETTER_ERROR_LIMIT_CHARS, keepText } from './dead-letter-text';
import { QueueName } from './queue-name';

/**
 * A job that failed every attempt in a queue other than the event partitions (publish, resync, webhook upkeep, workflow
 * runs, config checks), moved out of the queue's failed set by the failed-job sweep and kept for inspection and replay.
 */
export interface DeadLetteredJob {
  /** The queue it failed in, e.g. `publish`, `resync`. */
  queue: string;
  /** Its id in that queue. */
  jobId: string;
  /** Its BullMQ job name, e.g. `changes`, `resync`. */
  name: string;
  /** Its data as the JSON text BullMQ stored, cut with a marker beyond the size limit (then `dataTruncatedFromBytes` is set and it cannot be replayed). */
  dataJson: string;
  dataTruncatedFromBytes?: number;
  /** How it was retried, so a replay is retried the same way. */
  retry: { attempts?: number; backoff?: number | BackoffOptions };
  error: string;
  attempts: number;
  failedAt: string;
}

/** Where a failed job of `queue` is dead-lettered: events to events-dlq, publish jobs to publish-dlq, the rest to jobs-dlq. */
export function deadLetterQueueFor(queue: string): QueueName {
  if (queue.startsWith(`${QueueName.Events}-p`)) return QueueName.EventsDeadLetter;
  if (queue === QueueName.Publish) return QueueName.PublishDeadLetter;
  return QueueName.JobsDeadLetter;
}

export function deadLetteredJob(queue: string, job: Job, rawData: string | null, failedAt: Date): DeadLetteredJob {
  const kept = keepText(rawData ?? '{}');
  return {
    queue,
    jobId: String(job.id),
    name: job.name,
    dataJson: kept.text,
    ...(kept.truncatedFromBytes === undefined ? {} : { dataTruncatedFromBytes: kept.truncatedFromBytes }),
    retry: { attempts: job.opts.attempts, backoff: job.opts.backoff },
    error: failureOf(job),
    attempts: job.attemptsMade,
    failedAt: failedAt.toISOString(),
  };
}

/**
 * BullMQ keeps only the message as the failure reason; the stack's first line also names the error
 * (`RangeError: Maximum call stack size exceeded`), and is used when it says the same thing.
 */
export function failureOf(job: Pick<Job, 'failedReason' | 'stacktrace'>): string {
  const reason = job.failedReason || 'failed without a reason';
  const stackHead = job.stacktrace?.filter(Boolean).at(-1)?.split('\n')[0]?.trim();
  const named = stackHead && stackHead !== `Error: ${reason}` && stackHead.endsWith(`: ${reason}`) ? stackHead : reason;
  return named.length > DEAD_LETTER_ERROR_LIMIT_CHARS ? `${named.slice(0, DEAD_LETTER_ERROR_LIMIT_CHARS)}…` : named;
}
