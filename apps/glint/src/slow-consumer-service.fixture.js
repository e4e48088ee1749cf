// A service for the launcher's shutdown tests: the real runMain and startService from the built dist/, with a Nest
// module whose only provider runs PartitionedEventConsumer over a slow handler. The handler counts each delivery it
// processes in Redis; a payload with `hang: true` never finishes. QUEUE_PREFIX keeps the test's keys apart.
const { join } = require('node:path');

const dist = process.env.GLINT_DIST;
const { runMain, startService } = require(join(dist, 'node_modules/@glint/runtime'));
const { createRedisConnection, PartitionedEventConsumer } = require(join(dist, 'node_modules/@glint/queue'));
const { ObservabilityModule } = require(join(dist, 'node_modules/@glint/observability'));

const prefix = process.env.QUEUE_PREFIX;
const slowMs = Number(process.env.SLOW_MS ?? 100);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class ConsumerHost {
  constructor(config) {
    this.recorder = createRedisConnection(config.redisUrl, 'worker', 'fixture-recorder');
    this.consumer = new PartitionedEventConsumer(
      () => createRedisConnection(config.redisUrl, 'worker', 'fixture-consumer'),
      async (event) => {
        if (event.payload.hang) await new Promise(() => undefined);
        await sleep(slowMs);
        await this.recorder.hincrby(`${prefix}:test:processed`, event.deliveryId, 1);
        return 'processed';
      },
      { partitions: config.events.partitions, workers: config.events.workersCount, prefix, maxAttempts: 3, backoff: { initialMs: 10, maxMs: 10 } },
    );
  }

  async onApplicationBootstrap() {
    await this.consumer.start();
  }

  async onApplicationShutdown() {
    await this.consumer.close();
    await this.recorder.quit();
  }
}

class SlowConsumerModule {}

void runMain(['mapper'], async (config) => [
  await startService(
    'mapper',
    {
      module: SlowConsumerModule,
      imports: [ObservabilityModule.forService({ service: 'mapper', probes: () => [] })],
      providers: [{ provide: ConsumerHost, useFactory: () => new ConsumerHost(config) }],
    },
    config,
  ),
]);
