import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { keepDashboardOffline } from './dashboard-offline';
import { DEFAULT_QUEUE_PREFIX } from './event-queue-options';
import { partitionQueueName, QueueName } from './queue-name';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

export interface QueueDashboardOptions {
  connection: Redis;
  partitions: number;
  credentials: { username: string; password: string };
  prefix?: string;
  /** Where it is mounted; the UI's links start with it. */
  basePath?: string;
}

export type DashboardHandler = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

export interface QueueDashboard {
  /** An Express-style handler to mount at `basePath`; it answers 401 without the right basic-auth credentials. */
  handler: DashboardHandler;
  close(): Promise<void>;
}

/**
 * Bull Board over every queue Glint uses. The event partitions and the dead-letter queues are read-only: changing
 * them by hand would break the ordering or skip the replay path (`glint dlq`); the publish, resync, workflow-run and
 * webhook-upkeep queues allow retrying and cleaning jobs.
 */
export function createQueueDashboard(options: QueueDashboardOptions): QueueDashboard {
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  const queue = (name: string) => new Queue(name, { connection: options.connection, prefix });
  const partitions = Array.from({ length: options.partitions }, (_, partition) => queue(partitionQueueName(QueueName.Events, partition)));
  const readOnly = [
    ...partitions.map((partitionQueue) => ({ queue: partitionQueue, description: 'webhook events of one partition, one at a time, in order' })),
    { queue: queue(QueueName.EventsDeadLetter), description: 'webhook events that failed every attempt: glint dlq list|replay|drop --queue events' },
    { queue: queue(QueueName.PublishDeadLetter), description: 'entities the catalog refused, publish jobs that failed for good: glint dlq list|replay|drop --queue publish' },
    { queue: queue(QueueName.JobsDeadLetter), description: 'resync, upkeep, workflow-run and config-check jobs that failed for good: glint dlq list|replay|drop --queue jobs' },
  ];
  const writable = [
    { queue: queue(QueueName.Publish), description: 'entity changes, sync completions and raw examples for the publisher' },
    { queue: queue(QueueName.Resync), description: 'resyncs per installation and the schedule that queues them' },
    { queue: queue(QueueName.WorkflowRunEvents), description: 'completed workflow runs forwarded to the actions service' },
    { queue: queue(QueueName.WebhookUpkeep), description: 'the schedules that reconcile the BASE_URL webhooks and redeliver failed deliveries' },
    { queue: queue(QueueName.ConfigChecks), description: 'config checks of pull requests that change port-app-config.yml or a port.yml' },
  ];
  const basePath = options.basePath ?? QUEUE_DASHBOARD_PATH;
  const serverAdapter = new ExpressAdapter().setBasePath(basePath);
  createBullBoard({
    queues: [
      ...readOnly.map(({ queue: readOnlyQueue, description }) => new BullMQAdapter(readOnlyQueue, { readOnlyMode: true, description })),
      ...writable.map(({ queue: writableQueue, description }) => new BullMQAdapter(writableQueue, { readOnlyMode: false, allowRetries: true, description })),
    ],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Glint queues' } },
  });
  keepDashboardOffline(serverAdapter.getRouter());
  const board = serverAdapter.getRouter() as DashboardHandler;
  const authorized = basicAuthCheck(options.credentials.username, options.credentials.password);
  return {
    handler: (request, response, next) => {
      if (authorized(request.headers.authorization)) {
        board(request, response, next);
        return;
      }
      response.writeHead(401, { 'www-authenticate': 'Basic realm="Glint queues", charset="UTF-8"', 'content-type': 'text/plain; charset=utf-8' });
      response.end('the queue dashboard needs the ADMIN_USERNAME and ADMIN_PASSWORD credentials\n');
    },
    close: async () => {
      await Promise.all([...readOnly, ...writable].map((entry) => entry.queue.close()));
    },
  };
}

/** HTTP basic auth, compared in constant time (digests, so unequal lengths do not show either). */
export function basicAuthCheck(username: string, password: string): (header: string | undefined) => boolean {
  const expected = digest(`${username}:${password}`);
  return (header) => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!match) return false;
    return timingSafeEqual(digest(Buffer.from(match[1], 'base64').toString('utf8')), expected);
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
