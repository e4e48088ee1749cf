import type { HandlerResult, WebhookEvent, WorkflowRunEventProducer } from '@glint/queue';
import { workflowRunEventOf } from '@glint/queue';
import type { EventKindHandler } from '../../events/event-router';
import type { ObjectSync } from './object-sync';

/** A workflow run: a dispatched one goes to the actions service, which reports it on its action run; then the run's entity is synced. */
export class WorkflowRunHandler implements EventKindHandler {
  readonly events = ['workflow_run'] as const;

  constructor(
    private readonly objects: ObjectSync,
    private readonly workflowRuns: Pick<WorkflowRunEventProducer, 'forward'>,
  ) {}

  async handle(event: WebhookEvent): Promise<HandlerResult> {
    const scope = await this.objects.scopeOf(event);
    if (!scope) return 'ignored';
    const forwarded = workflowRunEventOf(event.deliveryId, event.receivedAt, event.payload);
    if (forwarded?.workflowRun.event === 'workflow_dispatch') await this.workflowRuns.forward(forwarded);
    return this.objects.sync(event, scope);
  }
}
