import { DynamicModule, Module } from '@nestjs/common';
import { CatalogClient, CatalogClientTuning, createCatalogClient } from '@glint/catalog-client';
import { ConfigModule, GlintConfig } from '@glint/config';
import { createGithubAccess, GithubAccess, GithubAccessDependencies } from '@glint/github';
import { MetricsRegistry, ObservabilityModule } from '@glint/observability';
import { DATA_SOURCE, PersistenceModule, postgresProbe } from '@glint/persistence';
import { REDIS_CONNECTION, RedisModule, redisProbe } from '@glint/queue';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { ActionsMetrics } from './actions-metrics';
import { ActionsRuntime, ActionsRuntimeOptions } from './actions-runtime';
import { kafkaSourceProbe } from './kafka/kafka-client';
import { KafkaConnectionModule, KafkaConnectionSource, KafkaCredentialsRetry } from './kafka/kafka-connection';
import { PARTITIONS_IN_PARALLEL } from './kafka/run-consumer';

export interface ActionsOptions extends ActionsRuntimeOptions {
  /** Retry and backoff settings for the catalog client (tests shorten them). */
  catalog?: CatalogClientTuning;
  /** How long a GitHub request may go unanswered (tests shorten it). */
  github?: Pick<GithubAccessDependencies, 'requestTimeoutMs'>;
  /** How often the catalog's Kafka credentials are tried again while it does not answer (tests shorten it). */
  kafkaCredentialsRetry?: KafkaCredentialsRetry;
}

const GITHUB_ACCESS = Symbol('GITHUB_ACCESS');

/** Consumes self-service action runs from Kafka and dispatches GitHub workflow runs. */
@Module({})
export class ActionsModule {
  static register(config: GlintConfig, options: ActionsOptions = {}): DynamicModule {
    const redis = RedisModule.forService(config.redisUrl, 'actions');
    // Each partition in flight holds one connection (its run's lock) and needs another for short queries.
    const persistence = PersistenceModule.forBridge(config.databaseUrl, 'actions', { poolSize: 2 * PARTITIONS_IN_PARALLEL + 4 });
    const kafka = KafkaConnectionModule.register(config, options.catalog, options.kafkaCredentialsRetry);
    return {
      module: ActionsModule,
      imports: [
        ConfigModule.forRoot(config),
        redis,
        persistence,
        kafka,
        ObservabilityModule.forService({
          service: 'actions',
          imports: [redis, persistence, kafka],
          inject: [REDIS_CONNECTION, DATA_SOURCE, KafkaConnectionSource],
          probes: (connection: Redis, dataSource: DataSource, kafka: KafkaConnectionSource) => [kafkaSourceProbe(kafka), postgresProbe(dataSource), redisProbe(connection)],
        }),
      ],
      providers: [
        { provide: ActionsMetrics, inject: [MetricsRegistry], useFactory: (metrics: MetricsRegistry) => new ActionsMetrics(metrics) },
        {
          provide: CatalogClient,
          inject: [ActionsMetrics],
          useFactory: (metrics: ActionsMetrics) => createCatalogClient(config.catalog, { onAnswer: (route, status) => metrics.catalogAnswers.inc({ route, status: String(status) }), ...options.catalog }),
        },
        { provide: GITHUB_ACCESS, inject: [REDIS_CONNECTION], useFactory: (connection: Redis) => createGithubAccess(config.github, { ...options.github, redis: connection, limitsRedis: connection }) },
        {
          provide: ActionsRuntime,
          inject: [KafkaConnectionSource, DATA_SOURCE, CatalogClient, GITHUB_ACCESS, ActionsMetrics],
          useFactory: (kafkaConnection: KafkaConnectionSource, dataSource: DataSource, catalog: CatalogClient, access: GithubAccess, metrics: ActionsMetrics) =>
            new ActionsRuntime(config, kafkaConnection, dataSource, catalog, access, metrics, options),
        },
      ],
    };
  }
}
