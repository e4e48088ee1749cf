import { DynamicModule, Logger, Module } from '@nestjs/common';
import { CatalogClient, CatalogClientTuning, createCatalogClient, isUnavailableStatus, TOKEN_ROUTE } from '@glint/catalog-client';
import { ConfigModule, GlintConfig } from '@glint/config';
import { MetricsRegistry, ObservabilityModule } from '@glint/observability';
import { DATA_SOURCE, PersistenceModule, postgresProbe } from '@glint/persistence';
import { CatalogAvailabilityRecord, QueueOverview, REDIS_CONNECTION, RedisModule, redisProbe } from '@glint/queue';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { CatalogAvailability } from './availability/catalog-availability';
import { CatalogRetryPolicy, DEFAULT_CATALOG_RETRY_POLICY } from './availability/catalog-retry';
import { PublishRuntime } from './publishing/publish-runtime';
import { PublisherMetrics } from './publishing/publisher-metrics';

export interface PublisherOptions {
  /** Retry and backoff settings for the catalog client's own tries of one request (tests shorten them). */
  catalog?: CatalogClientTuning;
  /** How publish jobs wait for a catalog that is unavailable (tests compress the timings; the code path is the same). */
  catalogRetry?: Partial<CatalogRetryPolicy>;
  /** How often the publish queue's failed set is swept into publish-dlq. */
  failedJobSweepMs?: number;
}

/**
 * The client's own tries of one request before the publish job's wait for the catalog takes over (CatalogRetry): a
 * blip costs well under a second and an outage is noticed within about two.
 */
const CATALOG_ATTEMPTS_PER_REQUEST = 4;

/** Writes entity changes to the catalog API. */
@Module({})
export class PublisherModule {
  static register(config: GlintConfig, options: PublisherOptions = {}): DynamicModule {
    const redis = RedisModule.forService(config.redisUrl, 'publisher');
    const persistence = PersistenceModule.forBridge(config.databaseUrl, 'publisher');
    const observability = ObservabilityModule.forService({
      service: 'publisher',
      imports: [redis, persistence],
      inject: [REDIS_CONNECTION, DATA_SOURCE],
      probes: (connection: Redis, dataSource: DataSource) => [redisProbe(connection), postgresProbe(dataSource)],
    });
    const retry: CatalogRetryPolicy = { ...DEFAULT_CATALOG_RETRY_POLICY, ...options.catalogRetry };
    return {
      module: PublisherModule,
      imports: [ConfigModule.forRoot(config), redis, persistence, observability],
      providers: [
        { provide: PublisherMetrics, inject: [MetricsRegistry], useFactory: (metrics: MetricsRegistry) => new PublisherMetrics(metrics) },
        { provide: QueueOverview, inject: [REDIS_CONNECTION], useFactory: (connection: Redis) => new QueueOverview(connection, { partitions: config.events.partitions }) },
        {
          provide: CatalogAvailability,
          inject: [REDIS_CONNECTION, QueueOverview, PublisherMetrics],
          useFactory: (connection: Redis, overview: QueueOverview, metrics: PublisherMetrics) => {
            const record = new CatalogAvailabilityRecord(connection);
            const availability = new CatalogAvailability({
              now: Date.now,
              reminderEveryMs: retry.reminderEveryMs,
              log: new Logger('catalog'),
              report: (state) => record.write(state),
              backlog: async () => (await overview.publishBacklog()).depth,
            });
            metrics.watchAvailability(availability);
            return availability;
          },
        },
        {
          provide: CatalogClient,
          inject: [PublisherMetrics, CatalogAvailability],
          useFactory: (metrics: PublisherMetrics, availability: CatalogAvailability) =>
            createCatalogClient(config.catalog, {
              maxAttempts: CATALOG_ATTEMPTS_PER_REQUEST,
              ...options.catalog,
              onAnswer: (route, status) => {
                metrics.catalogAnswers.inc({ route, status: String(status) });
                if (route !== TOKEN_ROUTE && !isUnavailableStatus(status)) availability.answered();
                options.catalog?.onAnswer?.(route, status);
              },
            }),
        },
        {
          provide: PublishRuntime,
          inject: [DATA_SOURCE, CatalogClient, PublisherMetrics, CatalogAvailability],
          useFactory: (dataSource: DataSource, client: CatalogClient, metrics: PublisherMetrics, availability: CatalogAvailability) =>
            new PublishRuntime(config, dataSource, client, metrics, availability, { retry, failedJobSweepMs: options.failedJobSweepMs }),
        },
      ],
    };
  }
}
