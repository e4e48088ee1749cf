import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, GlintConfig } from '@glint/config';
import { ObservabilityModule } from '@glint/observability';
import { DATA_SOURCE, PersistenceModule, postgresProbe } from '@glint/persistence';
import { REDIS_CONNECTION, RedisModule, redisProbe } from '@glint/queue';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';

/** Writes entity changes to the catalog API. */
@Module({})
export class PublisherModule {
  static register(config: GlintConfig): DynamicModule {
    const redis = RedisModule.forService(config.redisUrl, 'publisher');
    const persistence = PersistenceModule.forBridge(config.databaseUrl, 'publisher');
    return {
      module: PublisherModule,
      imports: [
        ConfigModule.forRoot(config),
        redis,
        persistence,
        ObservabilityModule.forService({
          service: 'publisher',
          imports: [redis, persistence],
          inject: [REDIS_CONNECTION, DATA_SOURCE],
          probes: (connection: Redis, dataSource: DataSource) => [redisProbe(connection), postgresProbe(dataSource)],
        }),
      ],
    };
  }
}
