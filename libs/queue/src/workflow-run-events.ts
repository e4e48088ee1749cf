import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { COMPLETED_JOB_RETENTION, DEFAULT_QUEUE_PREFIX } from './event-queue-options';
import { QueueName } from './queue-name';

/** A `workflow_run` webhook about a dispatched run, as the actions service needs it to finish an action run. */
export interface WorkflowRunEvent {
  deliveryId: string;
  action: string;
  installationId?: number;
  workflowRun: {
    id: number;
    status: string;
    conclusion: string | null;
    htmlUrl: string;
    event: string;
    workflowId: number;
    headBranch: string | null;
    createdAt: string;
  };
  repository: { id: number; owner: string; name: string; ownerId: number };
  receivedAt: string;
}

/** Forwards workflow-run events to the actions service; the delivery id makes a redelivered event one job. */
export class WorkflowRunEventProducer {
  readonly queue: Queue<WorkflowRunEvent>;

  constructor(connection: Redis, options: { prefix?: string } = {}) {
    this.queue = new Queue<WorkflowRunEvent>(QueueName.WorkflowRunEvents, {
      connection,
      prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX,
      defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: COMPLETED_JOB_RETENTION, removeOnFail: { age: 7 * 24 * 3600 } },
    });
  }

  async forward(event: WorkflowRunEvent): Promise<void> {
    await this.queue.add(event.action, event, { jobId: `workflow-run-${event.deliveryId.replace(/:/g, '_')}` });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** The fields the actions service uses, from a `workflow_run` payload; undefined when the payload lacks them. */
export function workflowRunEventOf(deliveryId: string, receivedAt: string, payload: Readonly<Record<string, unknown>>): WorkflowRunEvent | undefined {
  const run = payload['workflow_run'] as Record<string, unknown> | undefined;
  const repository = payload['repository'] as { id?: number; name?: string; owner?: { login?: string; id?: number } } | undefined;
  if (!run || typeof run['id'] !== 'number' || !repository?.name || !repository.owner?.login) return undefined;
  return {
    deliveryId,
    action: String(payload['action'] ?? ''),
    installationId: (payload['installation'] as { id?: number } | undefined)?.id,
    workflowRun: {
      id: run['id'],
      status: String(run['status'] ?? ''),
      conclusion: typeof run['conclusion'] === 'string' ? run['conclusion'] : null,
      htmlUrl: String(run['html_url'] ?? ''),
      event: String(run['event'] ?? ''),
      workflowId: Number(run['workflow_id'] ?? 0),
      headBranch: typeof run['head_branch'] === 'string' ? run['head_branch'] : null,
      createdAt: String(run['created_at'] ?? ''),
    },
    repository: { id: Number(repository.id ?? 0), owner: repository.owner.login, name: repository.name, ownerId: Number(repository.owner.id ?? 0) },
    receivedAt,
  };
}
