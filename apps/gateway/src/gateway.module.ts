import { BeforeApplicationShutdown, DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ConfigModule, GlintConfig } from '@glint/config';
import { SignatureOutcomeStore } from '@glint/github';
import { MetricsRegistry, ObservabilityModule } from '@glint/observability';
import { EventProducer, QueueOverview, REDIS_CONNECTION, RedisModule, redisProbe, registerQueueMetrics } from '@glint/queue';
import type { Redis } from 'ioredis';
import { QueueDashboardMounter } from './admin/queue-dashboard-mounter';
import { createSignatureVerifier } from './webhooks/signature-verifier';
import { UnverifiedBytesBudget } from './webhooks/unverified-bytes-budget';
import { WebhookIntake } from './webhooks/webhook-intake';
import { registerUnverifiedBytesGauge, WebhookMetrics } from './webhooks/webhook-metrics';
import { mountWebhookRoute, WebhookRoute } from './webhooks/webhook-route';

/** Serves the webhook route from bootstrap on; on shutdown answers new deliveries 503 and waits for those in progress. */
@Injectable()
class WebhookRouteMounter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private route?: WebhookRoute;

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(WebhookIntake) private readonly intake: WebhookIntake,
    @Inject(UnverifiedBytesBudget) private readonly budget: UnverifiedBytesBudget,
  ) {}

  onApplicationBootstrap(): void {
    this.route = mountWebhookRoute(this.adapterHost.httpAdapter.getHttpServer(), this.intake, this.budget);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.route?.drain();
  }
}

@Injectable()
class ProducerCloser implements OnApplicationShutdown {
  constructor(@Inject(EventProducer) private readonly producer: EventProducer) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }
}

/** Receives GitHub webhooks and puts them on the event partitions in Redis. */
@Module({})
export class GatewayModule {
  static register(config: GlintConfig): DynamicModule {
    const redis = RedisModule.forService(config.redisUrl, 'gateway');
    const observability = ObservabilityModule.forService({
      service: 'gateway',
      imports: [redis],
      inject: [REDIS_CONNECTION],
      probes: (connection: Redis) => [redisProbe(connection)],
    });
    const secret = config.webhook.secret;
    if (!secret) throw new Error('the gateway needs WEBHOOK_SECRET (configuration validation should have refused to start)');
    return {
      module: GatewayModule,
      imports: [ConfigModule.forRoot(config), redis, observability],
      providers: [
        {
          provide: EventProducer,
          inject: [REDIS_CONNECTION, MetricsRegistry],
          useFactory: (connection: Redis, metrics: MetricsRegistry) => {
            const producer = new EventProducer(connection, { partitions: config.events.partitions });
            registerQueueMetrics(metrics.registry, new QueueOverview(connection, { partitions: config.events.partitions }));
            return producer;
          },
        },
        ProducerCloser,
        {
          provide: UnverifiedBytesBudget,
          inject: [MetricsRegistry],
          useFactory: (metrics: MetricsRegistry) => {
            const budget = new UnverifiedBytesBudget(config.webhook.maxUnverifiedBytes);
            registerUnverifiedBytesGauge(metrics.registry, budget);
            return budget;
          },
        },
        WebhookRouteMounter,
        {
          provide: QueueDashboardMounter,
          inject: [HttpAdapterHost, REDIS_CONNECTION],
          useFactory: (adapterHost: HttpAdapterHost, connection: Redis) => new QueueDashboardMounter(adapterHost, connection, config),
        },
        {
          provide: WebhookIntake,
          inject: [EventProducer, MetricsRegistry, REDIS_CONNECTION],
          useFactory: (producer: EventProducer, metrics: MetricsRegistry, connection: Redis) =>
            new WebhookIntake(
              createSignatureVerifier(secret.reveal(), config.webhook.previousSecret?.reveal()),
              producer,
              new WebhookMetrics(metrics),
              new SignatureOutcomeStore(connection),
            ),
        },
      ],
    };
  }
}
