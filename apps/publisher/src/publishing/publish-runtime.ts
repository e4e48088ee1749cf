import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { CatalogClient } from '@glint/catalog-client';
import type { GlintConfig } from '@glint/config';
import { createRedisConnection, DEFAULT_QUEUE_PREFIX, DeadLetteredEntity, FailedJobSweep, PublishJob, QueueName, stallSettings } from '@glint/queue';
import { withJobLogContext } from '@glint/runtime';
import type { CatalogAvailability } from '../availability/catalog-availability';
import type { CatalogRetryPolicy } from '../availability/catalog-retry';
import { publishJobRetry } from '../availability/publish-job-retry';
import { EntityStateStore } from '../state/entity-state-store';
import { ChangePublisher } from './change-publisher';
import { PublishProcessor } from './publish-processor';
import type { PublisherMetrics } from './publisher-metrics';
import { StaleEntityCleaner } from './stale-cleaner';

/** Publish jobs in flight per publisher process; jobs touching the same entities wait for each other's locks. */
export const PUBLISH_CONCURRENCY = 4;

export interface PublishRuntimeSettings {
  retry: CatalogRetryPolicy;
  /** How often the publish queue's failed set is swept into publish-dlq (besides after each failed job). */
  failedJobSweepMs?: number;
}

/**
 * The `publish` queue's worker, its bookkeeping connection, the entity dead-letter queue and the sweep that moves
 * publish jobs that failed for good into it, for the publisher's lifetime.
 */
export class PublishRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('publisher');
  private readonly connection: Redis;
  private readonly publishQueue: Queue;
  private readonly deadLetterQueue: Queue<DeadLetteredEntity>;
  private readonly processor: PublishProcessor;
  private readonly failedJobs: FailedJobSweep;
  private worker?: Worker<PublishJob>;
  private workerConnection?: Redis;

  constructor(
    private readonly config: GlintConfig,
    dataSource: DataSource,
    client: CatalogClient,
    metrics: PublisherMetrics,
    availability: CatalogAvailability,
    settings: PublishRuntimeSettings,
  ) {
    this.connection = createRedisConnection(config.redisUrl, 'worker', 'publisher-jobs');
    this.publishQueue = new Queue(QueueName.Publish, { connection: this.connection, prefix: DEFAULT_QUEUE_PREFIX });
    this.deadLetterQueue = new Queue<DeadLetteredEntity>(QueueName.PublishDeadLetter, { connection: this.connection, prefix: DEFAULT_QUEUE_PREFIX });
    this.failedJobs = new FailedJobSweep(this.connection, { queues: [QueueName.Publish], intervalMs: settings.failedJobSweepMs });
    const retry = publishJobRetry(settings.retry, availability, metrics.catalogRetries, this.logger);
    const store = new EntityStateStore(dataSource);
    this.processor = new PublishProcessor({
      changes: new ChangePublisher(store, client, async (entities) => {
        await this.deadLetterQueue.addBulk(entities.map((entity) => ({ name: 'entity', data: entity })));
      }),
      cleaner: new StaleEntityCleaner(store, client),
      client,
      redis: this.connection,
      publishQueue: this.publishQueue,
      metrics,
      prefix: DEFAULT_QUEUE_PREFIX,
      sendRawDataExamples: config.sendRawDataExamples,
      retry,
    });
  }

  onApplicationBootstrap(): void {
    this.workerConnection = createRedisConnection(this.config.redisUrl, 'worker', 'publisher-worker');
    this.worker = new Worker<PublishJob>(QueueName.Publish, (job, token) => withJobLogContext(job, () => this.processor.process(job, token)), {
      connection: this.workerConnection,
      prefix: DEFAULT_QUEUE_PREFIX,
      concurrency: PUBLISH_CONCURRENCY,
      // A killed publisher's jobs go to another one within STALL_RECOVERY_SECONDS, as the mapper's events do.
      ...stallSettings(this.config.stallRecoverySeconds),
    });
    this.worker.on('error', (error) => this.logger.warn(`publish worker: ${error.message}`));
    // A job that failed for good goes to publish-dlq at once (a failure with attempts left leaves nothing to sweep);
    // the periodic sweep catches what this misses (a process that stopped in between).
    this.worker.on('failed', () => void this.failedJobs.sweep().catch(() => undefined));
    this.failedJobs.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.processor.stop();
    await this.worker?.close();
    await this.failedJobs.close();
    await Promise.all([this.publishQueue.close(), this.deadLetterQueue.close()]);
    for (const connection of [this.workerConnection, this.connection]) await connection?.quit().catch(() => connection.disconnect());
  }
}
