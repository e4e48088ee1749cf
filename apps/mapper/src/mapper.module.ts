import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, GlintConfig } from '@glint/config';
import { ObservabilityModule } from '@glint/observability';
import { DATA_SOURCE, PersistenceModule, postgresProbe } from '@glint/persistence';
import { REDIS_CONNECTION, RedisModule, redisProbe } from '@glint/queue';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';

/** Turns GitHub events and resyncs into entity changes for the publisher. */
@Module({})
export class MapperModule {
  static register(config: GlintConfig): DynamicModule {
    const redis = RedisModule.forService(config.redisUrl, 'mapper');
    const persistence = PersistenceModule.forBridge(config.databaseUrl, 'mapper');
    return {
      module: MapperModule,
      imports: [
        ConfigModule.forRoot(config),
        redis,
        persistence,
        ObservabilityModule.forService({
          service: 'mapper',
          imports: [redis, persistence],
          inject: [REDIS_CONNECTION, DATA_SOURCE],
          probes: (connection: Redis, dataSource: DataSource) => [redisProbe(connection), postgresProbe(dataSource)],
        }),
      ],
    };
  }
}
