import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GithubAccess } from '@glint/github';
import { DEFAULT_QUEUE_PREFIX, jobIdForDelivery, QueueName, WebhookEvent } from '@glint/queue';
import { errorMessage } from '@glint/runtime';
import type { ConfigCheckRunner } from './config-check-runner';
import type { FileValidationRunner } from './file-validation-runner';
import { CHECKED_ACTIONS } from './pull-request-event';

/** A pull request whose config files are to be checked: its `pull_request` delivery and the installation to check as. */
export interface ConfigCheckJob {
  deliveryId: string;
  installationId: number;
  payload: Readonly<Record<string, unknown>>;
}

export interface ConfigCheckQueueDependencies {
  runner: Pick<ConfigCheckRunner, 'run'>;
  /** The `validationCheck` of file patterns, run for the same pull request events after the config files' check. */
  fileValidation?: Pick<FileValidationRunner, 'run'>;
  access: Pick<GithubAccess, 'clientFor'>;
  connection: () => Redis;
  prefix?: string;
  /** Checks run at once per mapper process. */
  concurrency?: number;
}

const ATTEMPTS = 5;
const WEEK_SECONDS = 7 * 24 * 3600;

/**
 * Config checks of pull requests run off the event partitions: a check waits on several GitHub round trips (the
 * changed files, the repository's mapping, the check run), which would hold up every event queued behind the pull
 * request in its partition. Requested checks are durable (a check asked for is run even if the mapper that asked
 * stops) and retried; a check that fails every attempt is logged, and the mapper's failed-job sweep moves it to
 * jobs-dlq (`glint dlq list --queue jobs`).
 */
export class ConfigCheckQueue implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('config-checks');
  private readonly queue: Queue<ConfigCheckJob>;
  private worker?: Worker<ConfigCheckJob>;
  private readonly connections: Redis[] = [];

  constructor(private readonly deps: ConfigCheckQueueDependencies) {
    this.queue = new Queue<ConfigCheckJob>(QueueName.ConfigChecks, {
      connection: this.connect(),
      prefix: this.prefix,
      defaultJobOptions: { attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { count: 100 }, removeOnFail: { age: WEEK_SECONDS } },
    });
  }

  /** Queues the check of a pull request event that may change its files; the delivery id makes a redelivery one job. */
  async request(event: WebhookEvent, installationId: number): Promise<void> {
    const action = event.payload['action'];
    if (typeof action !== 'string' || !CHECKED_ACTIONS.includes(action)) return;
    await this.queue.add('check', { deliveryId: event.deliveryId, installationId, payload: event.payload }, { jobId: `config-check-${jobIdForDelivery(event.deliveryId)}` });
  }

  onApplicationBootstrap(): void {
    this.worker = new Worker<ConfigCheckJob>(QueueName.ConfigChecks, (job) => this.check(job), { connection: this.connect(), prefix: this.prefix, concurrency: this.deps.concurrency ?? 4 });
    this.worker.on('error', (error) => this.logger.warn(`config check worker: ${error.message}`));
    this.worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= ATTEMPTS) this.logger.error(`config check of delivery ${job.data.deliveryId} failed ${ATTEMPTS} times: ${error.message}`);
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  /** After the event consumers stopped (beforeApplicationShutdown): an event finishing then may still request a check. */
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    for (const connection of this.connections) await connection.quit().catch(() => connection.disconnect());
  }

  private async check(job: Job<ConfigCheckJob>): Promise<void> {
    const { deliveryId, installationId, payload } = job.data;
    try {
      const client = this.deps.access.clientFor(installationId);
      await this.deps.runner.run(payload, client);
      await this.deps.fileValidation?.run(payload, client);
    } catch (error) {
      this.logger.warn(`config check of delivery ${deliveryId} failed (attempt ${job.attemptsMade + 1} of ${ATTEMPTS}): ${errorMessage(error)}`);
      throw error;
    }
  }

  private get prefix(): string {
    return this.deps.prefix ?? DEFAULT_QUEUE_PREFIX;
  }

  private connect(): Redis {
    const connection = this.deps.connection();
    this.connections.push(connection);
    return connection;
  }
}
