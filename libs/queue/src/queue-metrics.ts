import { Gauge, Registry } from 'prom-client';
import type { PartitionBacklog, QueueOverview } from './queue-overview';

/** One Redis read serves all partition gauges of a scrape. */
const SCRAPE_MEMO_MS = 1_000;

/**
 * Queue gauges read from Redis when Prometheus scrapes: per partition the events waiting, delayed or in progress and
 * the age of the oldest waiting one; the publish backlog; the sizes of the dead-letter queues, and the jobs of any queue
 * sitting in its failed set before the next sweep moves them to a dead-letter queue.
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
    help: 'Entities the catalog refused and publish jobs that failed for good, in the dead-letter queue (publish-dlq)',
    registers: [registry],
    async collect() {
      this.set((await overview.deadLetterCounts()).publish);
    },
  });
  new Gauge({
    name: 'glint_jobs_dlq_size',
    help: 'Jobs of the other queues (resync, webhook upkeep, workflow runs, config checks) that failed for good, in jobs-dlq',
    registers: [registry],
    async collect() {
      this.set((await overview.deadLetterCounts()).jobs);
    },
  });
  new Gauge({
    name: 'glint_failed_jobs',
    help: 'Jobs in a queue\'s failed set not yet moved to a dead-letter queue (swept every 30 s), per queue',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const [queue, count] of await overview.failedJobs()) this.set({ queue }, count);
    },
  });
  let publishMemo: { at: number; backlog: ReturnType<QueueOverview['publishBacklog']> } | undefined;
  const publishBacklog = () => {
    if (!publishMemo || Date.now() - publishMemo.at > SCRAPE_MEMO_MS) publishMemo = { at: Date.now(), backlog: overview.publishBacklog() };
    return publishMemo.backlog;
  };
  new Gauge({
    name: 'glint_publish_queue_depth',
    help: 'Publish jobs waiting, delayed or in progress (grows while the catalog is unavailable)',
    registers: [registry],
    async collect() {
      this.set((await publishBacklog()).depth);
    },
  });
  new Gauge({
    name: 'glint_publish_queue_oldest_age_seconds',
    help: 'How long the oldest waiting publish job has waited (0 when none waits)',
    registers: [registry],
    async collect() {
      this.set((await publishBacklog()).oldestWaitingSeconds);
    },
  });
}
