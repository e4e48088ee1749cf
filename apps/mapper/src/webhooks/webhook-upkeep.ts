import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_QUEUE_PREFIX, QueueName } from '@glint/queue';
import { errorMessage } from '@glint/runtime';
import type { RedeliverySweep } from './redelivery-sweep';
import type { WebhookReconciler } from './webhook-reconciler';

export interface WebhookUpkeepDependencies {
  /** Present when BASE_URL is set. */
  reconciler?: WebhookReconciler;
  /** Present when there is a delivery log to sweep (App mode, or BASE_URL webhooks) and REDELIVERY_SWEEP_MINUTES > 0. */
  sweep?: RedeliverySweep;
  sweepMinutes: number;
  connection: () => Redis;
  prefix?: string;
  /** Tests that reconcile themselves turn off the reconcile at start. */
  reconcileAtStart?: boolean;
}

const SWEEP_SCHEDULE = 'redelivery-sweep';
const RECONCILE_SCHEDULE = 'webhook-reconcile';
/** The BASE_URL webhooks are reconciled this often besides at start: new installations, hooks edited or deleted by hand. */
export const RECONCILE_INTERVAL_MINUTES = 60;

/**
 * Runs the webhook upkeep: every mapper pod reconciles the BASE_URL webhooks when it starts (one after another per
 * organization, under a lock), and two BullMQ job schedulers on the `webhook-upkeep` queue run, once for all pods,
 * the hourly reconcile and the redelivery sweep every REDELIVERY_SWEEP_MINUTES.
 */
export class WebhookUpkeep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('webhooks');
  private readonly queue: Queue;
  private worker?: Worker;
  private startup: Promise<unknown> = Promise.resolve();
  private readonly connections: Redis[] = [];

  constructor(private readonly deps: WebhookUpkeepDependencies) {
    this.queue = new Queue(QueueName.WebhookUpkeep, { connection: this.connect(), prefix: this.prefix, defaultJobOptions: { removeOnComplete: { count: 50 }, removeOnFail: false } });
  }

  private get prefix(): string {
    return this.deps.prefix ?? DEFAULT_QUEUE_PREFIX;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { reconciler, sweep } = this.deps;
    this.worker = new Worker(QueueName.WebhookUpkeep, (job) => this.process(job), { connection: this.connect(), prefix: this.prefix, concurrency: 1, lockDuration: 60_000 });
    this.worker.on('error', (error) => this.logger.warn(`webhook upkeep worker: ${error.message}`));
    if (sweep && this.deps.sweepMinutes > 0) await this.queue.upsertJobScheduler(SWEEP_SCHEDULE, { every: this.deps.sweepMinutes * 60_000 }, { name: SWEEP_SCHEDULE, data: {} });
    else await this.queue.removeJobScheduler(SWEEP_SCHEDULE);
    if (reconciler) {
      const every = RECONCILE_INTERVAL_MINUTES * 60_000;
      // Each pod reconciles at start already: the schedule's first run is one interval later.
      await this.queue.upsertJobScheduler(RECONCILE_SCHEDULE, { every, startDate: Date.now() + every }, { name: RECONCILE_SCHEDULE, data: {} });
      // In the background: GitHub being slow or unreachable must not hold up the mapper's start.
      if (this.deps.reconcileAtStart !== false) this.startup = reconciler.reconcileAll('start').catch((error: unknown) => this.logger.error(`BASE_URL webhooks not reconciled at start: ${errorMessage(error)}`));
    } else {
      await this.queue.removeJobScheduler(RECONCILE_SCHEDULE);
    }
  }

  /** Resolves once the reconcile this pod started at boot is over. */
  startupReconciled(): Promise<unknown> {
    return this.startup;
  }

  /** Before the database closes (onApplicationShutdown): the reconcile started at boot may still be using it. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    await this.startup;
    for (const connection of this.connections) await connection.quit().catch(() => connection.disconnect());
  }

  private connect(): Redis {
    const connection = this.deps.connection();
    this.connections.push(connection);
    return connection;
  }

  private async process(job: Job): Promise<unknown> {
    if (job.name === SWEEP_SCHEDULE) return this.deps.sweep?.sweep();
    if (job.name === RECONCILE_SCHEDULE) return this.deps.reconciler?.reconcileAll('schedule');
    this.logger.warn(`webhook upkeep: unknown job ${job.name} ignored`);
    return undefined;
  }
}
