import { Gauge, Registry } from 'prom-client';
import type { PartitionBacklog, QueueOverview } from './queue-overview';

/** One Redis read serves all partition gauges of a scrape. */
const SCRAPE_MEMO_MS = 1_000;

/**
 * Queue gauges read from Redis when Prometheus scrapes: per partition the events waiting, delayed or in progress and
 * the age of the oldest waiting one; the sizes of both dead-letter queues.
 */
export function registerQueueMetrics(registry: Registry, overview: QueueOverview): void {
  let memo: { at: number; partitions: Promise<PartitionBacklog[]> } | undefined;
  const partitions = () => {
    if (!memo || Date.now() - memo.at > SCRAPE_MEMO_MS) memo = { at: Date.now(), partitions: overview.partitions() };
    return memo.partitions;
  };
  new Gauge({
    name: 'glint_event_queue_depth',
    help: 'Webhook events waiting, delayed or in progress, per partition',
    labelNames: ['partition'],
    registers: [registry],
    async collect() {
      for (const backlog of await partitions()) this.set({ partition: String(backlog.partition) }, backlog.depth);
    },
  });
  new Gauge({
    name: 'glint_event_queue_oldest_age_seconds',
    help: 'How long the oldest event waiting in each partition has waited (0 when none waits)',
    labelNames: ['partition'],
    registers: [registry],
    async collect() {
      for (const backlog of await partitions()) this.set({ partition: String(backlog.partition) }, backlog.oldestWaitingSeconds);
    },
  });
  new Gauge({
    name: 'glint_event_dlq_size',
    help: 'Webhook events in the dead-letter queue (events-dlq)',
    registers: [registry],
    async collect() {
      this.set((await overview.deadLetterCounts()).events);
    },
  });
  new Gauge({
    name: 'glint_publish_dlq_size',
    help: 'Entities the catalog refused, in the dead-letter queue (publish-dlq)',
    registers: [registry],
    async collect() {
      this.set((await overview.deadLetterCounts()).publish);
    },
  });
}
