import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeadLetteredEvent } from './event-job';
import { EventProducer } from './event-producer';
import { DEFAULT_QUEUE_PREFIX } from './event-queue-options';
import { partitionOf } from './partitioner';
import { DEFAULT_PUBLISH_SETTINGS, DeadLetteredEntity, EntityChange, identifierText } from './publish-job';
import { PublishProducer } from './publish-producer';
import { QueueName } from './queue-name';

export const DEAD_LETTER_SOURCES = ['events', 'publish'] as const;
/** `events`: webhook events that failed every attempt (events-dlq); `publish`: entities the catalog refused (publish-dlq). */
export type DeadLetterSource = (typeof DEAD_LETTER_SOURCES)[number];

export interface DeadLetterFilter {
  /** events: the X-GitHub-Event name, or `name.action`; publish: the entity's blueprint. */
  event?: string;
  /** Only dead letters that failed at or after this time. */
  since?: Date;
  /** The dead letter's id; for an event also its delivery id. */
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

export type DeadLetter = (DeadLetterBase & { source: 'events'; entry: DeadLetteredEvent }) | (DeadLetterBase & { source: 'publish'; entry: DeadLetteredEntity });

export type ReplayResult = { letter: DeadLetter; outcome: 'replayed'; jobId: string } | { letter: DeadLetter; outcome: 'not-replayable'; reason: string };

const PAGE_SIZE = 500;
const QUEUE_OF: Record<DeadLetterSource, QueueName> = { events: QueueName.EventsDeadLetter, publish: QueueName.PublishDeadLetter };

/**
 * Inspects, replays and drops dead letters (`glint dlq`). A replayed event goes back onto its partition the way the
 * gateway queues one (EventProducer, payload stored beside the job), at the end of the partition, and is processed
 * like a new delivery (the mapper re-reads the object, so an old event cannot write stale data); a replayed entity
 * goes onto the publish queue as a changes job, observed when it failed, so a newer state of the entity wins over it.
 * A dead letter leaves its queue only once its replay is queued.
 */
export class DeadLetterQueues {
  private readonly queues: Record<DeadLetterSource, Queue>;
  private readonly events: EventProducer;
  private readonly publish: PublishProducer;

  constructor(
    connection: Redis,
    private readonly options: { partitions: number; prefix?: string },
  ) {
    const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.queues = {
      events: new Queue(QUEUE_OF.events, { connection, prefix }),
      publish: new Queue(QUEUE_OF.publish, { connection, prefix }),
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
      const result = letter.source === 'events' ? await this.replayEvent(letter) : await this.replayEntity(letter);
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
    await Promise.all([this.queues.events.close(), this.queues.publish.close(), this.events.close(), this.publish.close()]);
  }

  private async replayEvent(letter: DeadLetter & { source: 'events' }): Promise<ReplayResult> {
    const { event, payload } = letter.entry;
    if (!payload) {
      return { letter, outcome: 'not-replayable', reason: "its payload was already gone when it failed; redeliver it from the GitHub App's Recent Deliveries" };
    }
    // The partition count may have changed since (EVENT_PARTITIONS): the group key decides where it goes now.
    const requeued = { ...event, partition: partitionOf(event.groupKey, this.options.partitions) };
    const jobId = await this.events.requeue(requeued, Buffer.from(JSON.stringify(payload)));
    return { letter, outcome: 'replayed', jobId };
  }

  private async replayEntity(letter: DeadLetter & { source: 'publish' }): Promise<ReplayResult> {
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

function deadLetterOf(source: DeadLetterSource, job: Job): DeadLetter | undefined {
  if (!job?.id) return undefined;
  if (source === 'events') {
    const entry = job.data as DeadLetteredEvent;
    if (!entry?.event) return undefined;
    const { event } = entry;
    return { source, id: job.id, subject: `${eventName(entry)} ${event.groupKey}`, error: entry.error, failedAt: entry.failedAt, entry };
  }
  const entry = job.data as DeadLetteredEntity;
  if (!entry?.entity) return undefined;
  const operation = entry.error === 'delete_failed' ? 'delete' : 'upsert';
  const subject = `${operation} ${entry.entity.blueprint}/${identifierText(entry.entity.identifier)} (installation ${entry.installationId})`;
  return { source, id: job.id, subject, error: `${entry.status} ${entry.error}: ${entry.message}`, failedAt: entry.failedAt, entry };
}

function eventName(entry: DeadLetteredEvent): string {
  return entry.event.action ? `${entry.event.event}.${entry.event.action}` : entry.event.event;
}

function matches(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  if (filter.since && !(Date.parse(letter.failedAt) >= filter.since.getTime())) return false;
  if (filter.id && letter.id !== filter.id && !(letter.source === 'events' && letter.entry.event.deliveryId === filter.id)) return false;
  if (filter.event) {
    const names = letter.source === 'events' ? [letter.entry.event.event, eventName(letter.entry)] : [letter.entry.entity.blueprint];
    if (!names.includes(filter.event)) return false;
  }
  return true;
}
