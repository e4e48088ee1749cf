// A consumer process for the partition tests: runs PartitionedEventConsumer from the built dist/ and
// records what it does in Redis. Failures are injected by the event payload: `failTimes` transient
// failures, or `poison` for one that never succeeds. SLOW_MS: how long each attempt takes; BACKOFF_MS: the
// first wait before a retry.
const { join } = require('node:path');

const { createRedisConnection, PartitionedEventConsumer } = require(join(process.env.GLINT_DIST, 'node_modules/@glint/queue'));

const prefix = process.env.QUEUE_PREFIX;
const recorder = createRedisConnection(process.env.REDIS_URL, 'worker', `fixture-recorder-${process.pid}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function handle(job, attempt) {
  const { payload, deliveryId, groupKey, partition } = job;
  const active = await recorder.incr(`${prefix}:test:active:${partition}`);
  try {
    if (active > 1) await recorder.rpush(`${prefix}:test:overlaps`, `${partition}:${deliveryId}`);
    await recorder.hincrby(`${prefix}:test:attempts`, deliveryId, 1);
    await sleep(Number(process.env.SLOW_MS ?? 2));
    if (payload.poison) throw new Error(`poison event ${payload.seq} of ${groupKey} can never be processed`);
    if (attempt <= payload.failTimes) throw new Error(`injected transient failure ${attempt}`);
    await recorder.rpush(`${prefix}:test:order:${groupKey}`, String(payload.seq));
    await recorder.hincrby(`${prefix}:test:processed`, deliveryId, 1);
    await recorder.hset(`${prefix}:test:processed-by`, deliveryId, String(process.pid));
    return 'processed';
  } finally {
    await recorder.decr(`${prefix}:test:active:${partition}`);
  }
}

const consumer = new PartitionedEventConsumer(() => createRedisConnection(process.env.REDIS_URL, 'worker', `fixture-${process.pid}`), handle, {
  partitions: Number(process.env.PARTITIONS),
  workers: Number(process.env.WORKERS),
  prefix,
  maxAttempts: 3,
  backoff: { initialMs: Number(process.env.BACKOFF_MS ?? 10), maxMs: Math.max(40, Number(process.env.BACKOFF_MS ?? 10)) },
});

consumer.start().then(() => process.send?.('ready'));
process.on('SIGTERM', () => {
  consumer.close().then(() => recorder.quit()).then(() => process.exit(0), (error) => {
    console.error(`close failed: ${error.stack}`);
    process.exit(1);
  });
});
