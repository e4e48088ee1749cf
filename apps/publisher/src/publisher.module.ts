import { DynamicModule, Module } from '@nestjs/common';
import { CatalogClient, CatalogClientTuning, createCatalogClient } from '@glint/catalog-client';
import { ConfigModule, GlintConfig } from '@glint/config';
import { MetricsRegistry, ObservabilityModule } from '@glint/observability';
import { DATA_SOURCE, PersistenceModule, postgresProbe } from '@glint/persistence';
import { REDIS_CONNECTION, RedisModule, redisProbe } from '@glint/queue';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { PublishRuntime } from './publishing/publish-runtime';
import { PublisherMetrics } from './publishing/publisher-metrics';

export interface PublisherOptions {
  /** Retry and backoff settings for the catalog client (tests shorten them). */
  catalog?: CatalogClientTuning;
}

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
    return {
      module: PublisherModule,
      imports: [ConfigModule.forRoot(config), redis, persistence, observability],
      providers: [
        { provide: PublisherMetrics, inject: [MetricsRegistry], useFactory: (metrics: MetricsRegistry) => new PublisherMetrics(metrics) },
        {
          provide: CatalogClient,
          inject: [PublisherMetrics],
          useFactory: (metrics: PublisherMetrics) =>
            createCatalogClient(config.catalog, { onAnswer: (route, status) => metrics.catalogAnswers.inc({ route, status: String(status) }), ...options.catalog }),
        },
        {
          provide: PublishRuntime,
          inject: [DATA_SOURCE, CatalogClient, PublisherMetrics],
          useFactory: (dataSource: DataSource, client: CatalogClient, metrics: PublisherMetrics) => new PublishRuntime(config, dataSource, client, metrics),
        },
      ],
    };
  }
}
