import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, GlintConfig } from '@glint/config';
import { ObservabilityModule } from '@glint/observability';
import { REDIS_CONNECTION, RedisModule, redisProbe } from '@glint/queue';
import type { Redis } from 'ioredis';

/** Receives GitHub webhooks and puts them on the event partitions in Redis. */
@Module({})
export class GatewayModule {
  static register(config: GlintConfig): DynamicModule {
    const redis = RedisModule.forService(config.redisUrl, 'gateway');
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(config),
        redis,
        ObservabilityModule.forService({
          service: 'gateway',
          imports: [redis],
          inject: [REDIS_CONNECTION],
          probes: (connection: Redis) => [redisProbe(connection)],
        }),
      ],
    };
  }
}
