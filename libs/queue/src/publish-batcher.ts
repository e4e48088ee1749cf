import type { GatherCohort } from '@glint/runtime';
import type { PublishChangesJob } from './publish-job';

/** What the batcher hands its batches to: the publish queue's producer. */
export interface ChangesPublisher {
  publishChanges(job: PublishChangesJob): Promise<string>;
}

export interface PublishBatcherOptions {
  /** How long the first job of a batch waits for company; 0 publishes every job on its own. */
  windowMs: number;
  /** A batch this large is published at once. */
  maxChanges?: number;
  /** The event workers: open batches are published as soon as every worker waits in a gather. */
  cohort?: GatherCohort;
}

/** As large as a resync's page: a job the publisher handles in one transaction and a few bulk calls. */
export const DEFAULT_MAX_BATCHED_CHANGES = 100;

interface OpenBatch {
  job: PublishChangesJob;
  timer: NodeJS.Timeout;
  waiters: Array<{ resolve: (jobId: string) => void; reject: (error: unknown) => void; release: () => void }>;
}

/**
 * Gathers the changes of live events that finish within `windowMs` of each other into one publish job per
 * installation, origin and write settings. Each live event otherwise became a job of one or two entities, and the
 * publisher's fixed cost per job (a Postgres transaction, a catalog call, the queue's own round trips) was most of
 * the pipeline's CPU per change (bench/e2e).
 *
 * Merging is safe because the publisher orders changes by `observedAt`, not by job: within a job only an entity's
 * newest change counts, and across jobs an older observation never overwrites a newer one. Each caller's promise
 * settles when the job holding its changes is queued (or failed to be), so an event is finished only once its changes
 * are in Redis, exactly as without batching; a stopping mapper waits for its events, so at most one window. A
 * resync's jobs (`syncId`) are never merged: its completion counts them. With a `cohort`, a batch does not wait
 * for company that cannot come: it goes as soon as every event worker waits in a gather.
 */
export class PublishBatcher implements ChangesPublisher {
  private readonly open = new Map<string, OpenBatch>();
  private readonly maxChanges: number;

  constructor(
    private readonly publisher: ChangesPublisher,
    private readonly options: PublishBatcherOptions,
  ) {
    this.maxChanges = options.maxChanges ?? DEFAULT_MAX_BATCHED_CHANGES;
    options.cohort?.onFull(() => this.flushAll());
  }

  publishChanges(job: PublishChangesJob): Promise<string> {
    if (this.options.windowMs <= 0 || job.syncId !== undefined) return this.publisher.publishChanges(job);
    const key = batchKey(job);
    const batch = this.open.get(key) ?? this.openBatch(key, job);
    batch.job.changes.push(...job.changes);
    const release = this.options.cohort?.join() ?? (() => undefined);
    const queued = new Promise<string>((resolve, reject) => batch.waiters.push({ resolve, reject, release }));
    if (batch.job.changes.length >= this.maxChanges) this.flush(key, batch);
    return queued;
  }

  private openBatch(key: string, job: PublishChangesJob): OpenBatch {
    const batch: OpenBatch = { job: { ...job, changes: [] }, waiters: [], timer: setTimeout(() => this.flush(key, batch), this.options.windowMs) };
    this.open.set(key, batch);
    return batch;
  }

  private flushAll(): void {
    for (const [key, batch] of [...this.open]) this.flush(key, batch);
  }

  /** Only ever called for an open batch: its timer is cleared here, so it cannot fire after another flush. */
  private flush(key: string, batch: OpenBatch): void {
    this.open.delete(key);
    clearTimeout(batch.timer);
    batch.waiters.forEach((waiter) => waiter.release());
    void this.publisher.publishChanges(batch.job).then(
      (jobId) => batch.waiters.forEach((waiter) => waiter.resolve(jobId)),
      (error: unknown) => batch.waiters.forEach((waiter) => waiter.reject(error)),
    );
  }
}

function batchKey({ installationId, origin, settings }: PublishChangesJob): string {
  return JSON.stringify([installationId, origin, settings.merge, settings.createMissingRelatedEntities, settings.deleteDependentEntities]);
}
