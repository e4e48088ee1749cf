import { DEFAULT_QUEUE_PREFIX, partitionQueueName, QueueName } from '@glint/queue';
import { waitFor } from '@glint/testing';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Waits until the pipeline has nothing left to do: no resync, webhook event or publish job waiting, delayed or in
 * progress, `quietRounds` looks in a row. Each look reads the queues in the order work flows through them, resyncs,
 * then events, then publish jobs: a resync queues its pages and an event its changes before it completes, so once the
 * upstream queues were seen empty, whatever they handed on is already in the queues read after them. Without new
 * webhooks, one quiet look therefore means everything before it has reached the catalog.
 */
export async function waitForDrainedQueues(inspector: Redis, partitions: number, options: { quietRounds?: number; timeoutMs?: number } = {}): Promise<void> {
  const names = [QueueName.Resync, ...Array.from({ length: partitions }, (_, partition) => partitionQueueName(QueueName.Events, partition)), QueueName.Publish];
  const queues = names.map((name) => new Queue(name, { connection: inspector, prefix: DEFAULT_QUEUE_PREFIX }));
  try {
    let quietRounds = 0;
    await waitFor(
      'every queue to drain',
      async () => {
        quietRounds = (await allQuiet(queues)) ? quietRounds + 1 : 0;
        return quietRounds >= (options.quietRounds ?? 1) ? true : undefined;
      },
      options.timeoutMs ?? 60_000,
    );
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
}

async function allQuiet(queuesInFlowOrder: readonly Queue[]): Promise<boolean> {
  for (const queue of queuesInFlowOrder) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).some((count) => count > 0)) return false;
  }
  return true;
}
