import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEAD_LETTER_TEXT_LIMIT_BYTES } from './dead-letter-text';
import type { DeadLetteredJob } from './dead-lettered-job';
import type { DeadLetteredEvent } from './event-job';
import { EventProducer } from './event-producer';
import { COMPLETED_JOB_RETENTION, DEFAULT_QUEUE_PREFIX } from './event-queue-options';
import { partitionOf } from './partitioner';
import { DEFAULT_PUBLISH_SETTINGS, DeadLetteredEntity, EntityChange, identifierText } from './publish-job';
import { PublishProducer } from './publish-producer';
import { QueueName } from './queue-name';

export const DEAD_LETTER_SOURCES = ['events', 'publish', 'jobs'] as const;
/**
 * `events`: webhook events that failed every attempt (events-dlq); `publish`: entities the catalog refused and publish
 * jobs that failed for good (publish-dlq); `jobs`: jobs of the other queues that failed for good (jobs-dlq).
 */
export type DeadLetterSource = (typeof DEAD_LETTER_SOURCES)[number];

export interface DeadLetterFilter {
  /** events: the X-GitHub-Event name, or `name.action`; publish: the entity's blueprint; a failed job: its job name or queue. */
  event?: string;
  /** Only dead letters that failed at or after this time. */
  since?: Date;
  /** The dead letter's id; for an event also its delivery id, for a failed job also its id in its queue. */
  id?: string;
  /** At most this many, the oldest first. */
  limit?: number;
}

interface DeadLetterBase {
  /** The dead letter's job id in its queue. */
  id: string;
  /** What failed, in a few words: `pull_request.opened repo-1/pr-2`, `upsert service/api (installation 42)`. */
  subject: string;
  error: string;
  failedAt: string;
}

export type DeadLetter =
  | (DeadLetterBase & { source: 'events'; kind: 'event'; entry: DeadLetteredEvent })
  | (DeadLetterBase & { source: 'publish'; kind: 'entity'; entry: DeadLetteredEntity })
  | (DeadLetterBase & { source: 'publish' | 'jobs'; kind: 'job'; entry: DeadLetteredJob });

export type ReplayResult = { letter: DeadLetter; outcome: 'replayed'; jobId: string } | { letter: DeadLetter; outcome: 'not-replayable'; reason: string };

const PAGE_SIZE = 500;
const QUEUE_OF: Record<DeadLetterSource, QueueName> = { events: QueueName.EventsDeadLetter, publish: QueueName.PublishDeadLetter, jobs: QueueName.JobsDeadLetter };

/**
 * Inspects, replays and drops dead letters (`glint dlq`). A replayed event goes back onto its partition the way the
 * gateway queues one (EventProducer, payload stored beside the job), at the end of the partition, and is processed
 * like a new delivery (the mapper re-reads the object, so an old event cannot write stale data); a replayed entity
 * goes onto the publish queue as a changes job, observed when it failed, so a newer state of the entity wins over it;
 * a failed job goes back onto its queue with its name, data and retry settings. A dead letter leaves its queue only
 * once its replay is queued. Payloads and job data are read back as the text they were kept as, never walked.
 */
export class DeadLetterQueues {
  private readonly queues: Record<DeadLetterSource, Queue>;
  private readonly events: EventProducer;
  private readonly publish: PublishProducer;
  /** The queues failed jobs are replayed onto, opened when first needed. */
  private readonly jobQueues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly options: { partitions: number; prefix?: string },
  ) {
    const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.queues = {
      events: new Queue(QUEUE_OF.events, { connection, prefix }),
      publish: new Queue(QUEUE_OF.publish, { connection, prefix }),
      jobs: new Queue(QUEUE_OF.jobs, { connection, prefix }),
    };
    this.events = new EventProducer(connection, { partitions: options.partitions, prefix });
    this.publish = new PublishProducer(connection, { prefix });
  }

  async list(sources: readonly DeadLetterSource[], filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    for (const source of sources) {
      for (let start = 0; ; start += PAGE_SIZE) {
        const jobs = await this.queues[source].getJobs(['wait', 'prioritized', 'delayed'], start, start + PAGE_SIZE - 1, true);
        for (const job of jobs) {
          const letter = deadLetterOf(source, job);
          if (letter && matches(letter, filter)) letters.push(letter);
        }
        if (jobs.length < PAGE_SIZE) break;
      }
    }
    letters.sort((a, b) => a.failedAt.localeCompare(b.failedAt) || a.id.localeCompare(b.id));
    return filter.limit === undefined ? letters : letters.slice(0, filter.limit);
  }

  async replay(letters: readonly DeadLetter[]): Promise<ReplayResult[]> {
    const results: ReplayResult[] = [];
    for (const letter of letters) {
      const result = letter.kind === 'event' ? await this.replayEvent(letter) : letter.kind === 'entity' ? await this.replayEntity(letter) : await this.replayJob(letter);
      if (result.outcome === 'replayed') await this.queues[letter.source].remove(letter.id);
      results.push(result);
    }
    return results;
  }

  /** Removes the dead letters for good; returns how many were still there. */
  async drop(letters: readonly DeadLetter[]): Promise<number> {
    let dropped = 0;
    for (const letter of letters) dropped += await this.queues[letter.source].remove(letter.id);
    return dropped;
  }

  async close(): Promise<void> {
    const queues = [...Object.values(this.queues), ...this.jobQueues.values()];
    await Promise.all([...queues.map((queue) => queue.close()), this.events.close(), this.publish.close()]);
  }

  private async replayEvent(letter: DeadLetter & { kind: 'event' }): Promise<ReplayResult> {
    const { event, payloadJson, payload, payloadTruncatedFromBytes } = letter.entry;
    if (payloadTruncatedFromBytes !== undefined) {
      return {
        letter,
        outcome: 'not-replayable',
        reason: `its payload (${payloadTruncatedFromBytes} bytes) is larger than a dead letter keeps (${DEAD_LETTER_TEXT_LIMIT_BYTES}); redeliver it from the GitHub App's Recent Deliveries`,
      };
    }
    // Dead letters written before payloadJson kept the parsed payload.
    const text = payloadJson ?? (payload ? JSON.stringify(payload) : undefined);
    if (text === undefined) {
      return { letter, outcome: 'not-replayable', reason: "its payload was already gone when it failed; redeliver it from the GitHub App's Recent Deliveries" };
    }
    // The partition count may have changed since (EVENT_PARTITIONS): the group key decides where it goes now.
    const requeued = { ...event, partition: partitionOf(event.groupKey, this.options.partitions) };
    const jobId = await this.events.requeue(requeued, Buffer.from(text, 'utf8'));
    return { letter, outcome: 'replayed', jobId };
  }

  private async replayJob(letter: DeadLetter & { kind: 'job' }): Promise<ReplayResult> {
    const { entry } = letter;
    if (entry.dataTruncatedFromBytes !== undefined) {
      return { letter, outcome: 'not-replayable', reason: `its data (${entry.dataTruncatedFromBytes} bytes) is larger than a dead letter keeps (${DEAD_LETTER_TEXT_LIMIT_BYTES})` };
    }
    let data: unknown;
    try {
      data = JSON.parse(entry.dataJson);
    } catch (error) {
      return { letter, outcome: 'not-replayable', reason: `its data is not JSON (${error instanceof Error ? error.message : String(error)})` };
    }
    const jobId = `${entry.jobId}-replay-${Date.now()}`.replace(/:/g, '_');
    await this.jobQueue(entry.queue).add(entry.name, data, { jobId, ...entry.retry, removeOnComplete: COMPLETED_JOB_RETENTION, removeOnFail: false });
    return { letter, outcome: 'replayed', jobId };
  }

  private jobQueue(name: string): Queue {
    let queue = this.jobQueues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.options.prefix ?? DEFAULT_QUEUE_PREFIX });
      this.jobQueues.set(name, queue);
    }
    return queue;
  }

  private async replayEntity(letter: DeadLetter & { kind: 'entity' }): Promise<ReplayResult> {
    const { entry } = letter;
    const change: EntityChange =
      entry.error === 'delete_failed'
        ? { type: 'delete', blueprint: entry.entity.blueprint, identifier: identifierText(entry.entity.identifier), observedAt: entry.failedAt }
        : { type: 'upsert', entity: entry.entity, observedAt: entry.failedAt };
    const jobId = await this.publish.publishChanges({
      installationId: entry.installationId,
      origin: entry.origin,
      settings: entry.settings ?? DEFAULT_PUBLISH_SETTINGS,
      changes: [change],
    });
    return { letter, outcome: 'replayed', jobId };
  }
}

/** A dead-letter queue's job as a dead letter; undefined for a job of another shape. */
export function deadLetterOf(source: DeadLetterSource, job: Job): DeadLetter | undefined {
  if (!job?.id) return undefined;
  if (source === 'events') {
    const entry = job.data as DeadLetteredEvent;
    if (!entry?.event) return undefined;
    const { event } = entry;
    return { source, kind: 'event', id: job.id, subject: `${eventName(entry)} ${event.groupKey}`, error: entry.error, failedAt: entry.failedAt, entry };
  }
  const failedJob = job.data as DeadLetteredJob;
  if (typeof failedJob?.queue === 'string' && typeof failedJob.dataJson === 'string') {
    const subject = `${failedJob.name} job ${failedJob.jobId} of ${failedJob.queue}${failedJob.attempts ? ` (${failedJob.attempts} attempt${failedJob.attempts === 1 ? '' : 's'})` : ''}`;
    return { source, kind: 'job', id: job.id, subject, error: failedJob.error, failedAt: failedJob.failedAt, entry: failedJob };
  }
  if (source !== 'publish') return undefined;
  const entry = job.data as DeadLetteredEntity;
  if (!entry?.entity) return undefined;
  const operation = entry.error === 'delete_failed' ? 'delete' : 'upsert';
  const subject = `${operation} ${entry.entity.blueprint}/${identifierText(entry.entity.identifier)} (installation ${entry.installationId})`;
  return { source, kind: 'entity', id: job.id, subject, error: `${entry.status} ${entry.error}: ${entry.message}`, failedAt: entry.failedAt, entry };
}

function eventName(entry: DeadLetteredEvent): string {
  return entry.event.action ? `${entry.event.event}.${entry.event.action}` : entry.event.event;
}

function matches(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  if (filter.since && !(Date.parse(letter.failedAt) >= filter.since.getTime())) return false;
  if (filter.id && letter.id !== filter.id && otherIdOf(letter) !== filter.id) return false;
  if (filter.event && !namesOf(letter).includes(filter.event)) return false;
  return true;
}

/** An event's delivery id, a failed job's id in its own queue. */
function otherIdOf(letter: DeadLetter): string | undefined {
  if (letter.kind === 'event') return letter.entry.event.deliveryId;
  return letter.kind === 'job' ? letter.entry.jobId : undefined;
}

function namesOf(letter: DeadLetter): string[] {
  switch (letter.kind) {
    case 'event':
      return [letter.entry.event.event, eventName(letter.entry)];
    case 'entity':
      return [letter.entry.entity.blueprint];
    case 'job':
      return [letter.entry.name, letter.entry.queue];
  }
}
