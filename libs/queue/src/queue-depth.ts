import type { Queue } from 'bullmq';
import { Gauge, Registry } from 'prom-client';

/**
 * Queue depth read from Redis when Prometheus scrapes: jobs waiting, delayed or active per partition, and the
 * size of the dead-letter queue.
 */
export function registerQueueDepthMetrics(registry: Registry, partitionQueues: readonly Queue[], deadLetterQueue: Queue): void {
  new Gauge({
    name: 'glint_event_queue_depth',
    help: 'Webhook events waiting, delayed or in progress, per partition',
    labelNames: ['partition'],
    registers: [registry],
    async collect() {
      const counts = await Promise.all(partitionQueues.map((queue) => queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized')));
      counts.forEach((count, partition) =>
        this.set({ partition: String(partition) }, Object.values(count).reduce((sum, value) => sum + value, 0)),
      );
    },
  });
  new Gauge({
    name: 'glint_event_dlq_size',
    help: 'Webhook events in the dead-letter queue',
    registers: [registry],
    async collect() {
      this.set(await deadLetterQueue.count());
    },
  });
}
