import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, GlintConfig } from '@glint/config';
import { ObservabilityModule } from '@glint/observability';
import { DATA_SOURCE, PersistenceModule, postgresProbe } from '@glint/persistence';
import { REDIS_CONNECTION, RedisModule, redisProbe } from '@glint/queue';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { kafkaProbe } from './kafka/kafka-client';

/** Consumes self-service action runs from Kafka and dispatches GitHub workflow runs. */
@Module({})
export class ActionsModule {
  static register(config: GlintConfig): DynamicModule {
    const redis = RedisModule.forService(config.redisUrl, 'actions');
    const persistence = PersistenceModule.forBridge(config.databaseUrl, 'actions');
    return {
      module: ActionsModule,
      imports: [
        ConfigModule.forRoot(config),
        redis,
        persistence,
        ObservabilityModule.forService({
          service: 'actions',
          imports: [redis, persistence],
          inject: [REDIS_CONNECTION, DATA_SOURCE],
          probes: (connection: Redis, dataSource: DataSource) => [
            kafkaProbe(config.kafka),
            postgresProbe(dataSource),
            redisProbe(connection),
          ],
        }),
      ],
    };
  }
}
