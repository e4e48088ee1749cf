import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { CatalogClient } from '@glint/catalog-client';
import type { GlintConfig } from '@glint/config';
import { createRedisConnection, DEFAULT_QUEUE_PREFIX, DeadLetteredEntity, PublishJob, QueueName } from '@glint/queue';
import { withJobLogContext } from '@glint/runtime';
import { EntityStateStore } from '../state/entity-state-store';
import { ChangePublisher } from './change-publisher';
import { PublishProcessor } from './publish-processor';
import type { PublisherMetrics } from './publisher-metrics';
import { StaleEntityCleaner } from './stale-cleaner';

/** Publish jobs in flight per publisher process; jobs touching the same entities wait for each other's locks. */
export const PUBLISH_CONCURRENCY = 4;

/** The `publish` queue's worker, its bookkeeping connection and the entity dead-letter queue, for the publisher's lifetime. */
export class PublishRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('publisher');
  private readonly connection: Redis;
  private readonly publishQueue: Queue;
  private readonly deadLetterQueue: Queue<DeadLetteredEntity>;
  private readonly processor: PublishProcessor;
  private worker?: Worker<PublishJob>;
  private workerConnection?: Redis;

  constructor(
    private readonly config: GlintConfig,
    dataSource: DataSource,
    client: CatalogClient,
    metrics: PublisherMetrics,
  ) {
    this.connection = createRedisConnection(config.redisUrl, 'worker', 'publisher-jobs');
    this.publishQueue = new Queue(QueueName.Publish, { connection: this.connection, prefix: DEFAULT_QUEUE_PREFIX });
    this.deadLetterQueue = new Queue<DeadLetteredEntity>(QueueName.PublishDeadLetter, { connection: this.connection, prefix: DEFAULT_QUEUE_PREFIX });
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
    });
  }

  onApplicationBootstrap(): void {
    this.workerConnection = createRedisConnection(this.config.redisUrl, 'worker', 'publisher-worker');
    this.worker = new Worker<PublishJob>(QueueName.Publish, (job, token) => withJobLogContext(job, () => this.processor.process(job, token)), {
      connection: this.workerConnection,
      prefix: DEFAULT_QUEUE_PREFIX,
      concurrency: PUBLISH_CONCURRENCY,
    });
    this.worker.on('error', (error) => this.logger.warn(`publish worker: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await Promise.all([this.publishQueue.close(), this.deadLetterQueue.close()]);
    for (const connection of [this.workerConnection, this.connection]) await connection?.quit().catch(() => connection.disconnect());
  }
}
