import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { GlintConfig } from '@glint/config';
import { createRedisConnection, DEFAULT_EVENT_CONSUMER_SETTINGS, PartitionedEventConsumer } from '@glint/queue';
import type { EventMetrics } from './event-metrics';
import type { EventRouter } from './event-router';

/** Runs the partition consumers for as long as the mapper runs. */
export class EventConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('events');
  private readonly consumer: PartitionedEventConsumer;

  constructor(config: GlintConfig, router: EventRouter, metrics: EventMetrics) {
    this.consumer = new PartitionedEventConsumer(
      () => createRedisConnection(config.redisUrl, 'worker', 'mapper-events'),
      (event) => router.route(event),
      {
        ...DEFAULT_EVENT_CONSUMER_SETTINGS,
        partitions: config.events.partitions,
        workers: config.events.workersCount,
        stallRecoverySeconds: config.stallRecoverySeconds,
        onOutcome: (outcome, event, { durationMs, attempts, error }) => {
          metrics.record(outcome, event.event, durationMs);
          if (outcome === 'dead-lettered') {
            this.logger.error(`${event.event} ${event.deliveryId} (${event.groupKey}) dead-lettered after ${attempts} attempts: ${error}`);
          }
        },
        onRetry: (event, attempt, error) => {
          metrics.retries.inc({ event: event.event });
          this.logger.warn(`${event.event} ${event.deliveryId} (${event.groupKey}) attempt ${attempt} failed, retrying: ${error}`);
        },
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  /** Before the jq pool and connections close (onApplicationShutdown), so in-flight events finish with them. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.close();
  }
}
