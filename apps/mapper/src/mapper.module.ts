import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, GlintConfig } from '@glint/config';
import { MetricsRegistry, ObservabilityModule } from '@glint/observability';
import { DATA_SOURCE, PersistenceModule, postgresProbe } from '@glint/persistence';
import { REDIS_CONNECTION, RedisModule, redisProbe } from '@glint/queue';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { EventConsumerService } from './events/event-consumer.service';
import { EventMetrics } from './events/event-metrics';
import { EventRouter } from './events/event-router';

/** Turns GitHub events and resyncs into entity changes for the publisher. */
@Module({})
export class MapperModule {
  static register(config: GlintConfig): DynamicModule {
    const redis = RedisModule.forService(config.redisUrl, 'mapper');
    const persistence = PersistenceModule.forBridge(config.databaseUrl, 'mapper');
    const observability = ObservabilityModule.forService({
      service: 'mapper',
      imports: [redis, persistence],
      inject: [REDIS_CONNECTION, DATA_SOURCE],
      probes: (connection: Redis, dataSource: DataSource) => [redisProbe(connection), postgresProbe(dataSource)],
    });
    return {
      module: MapperModule,
      imports: [ConfigModule.forRoot(config), redis, persistence, observability],
      providers: [
        // No event kind is mapped yet: every event is taken off its partition and counted as ignored.
        { provide: EventRouter, useValue: new EventRouter([]) },
        { provide: EventMetrics, inject: [MetricsRegistry], useFactory: (metrics: MetricsRegistry) => new EventMetrics(metrics) },
        {
          provide: EventConsumerService,
          inject: [EventRouter, EventMetrics],
          useFactory: (router: EventRouter, metrics: EventMetrics) => new EventConsumerService(config, router, metrics),
        },
      ],
    };
  }
}
