import type { HandlerResult, WebhookEvent } from '@glint/queue';
import type { EventKindHandler } from '../../events/event-router';
import type { ObjectSync } from './object-sync';

/** The live events that need nothing beyond their objects' sync (issues, releases, deployments, alerts, teams, …). */
export class ObjectSyncHandler implements EventKindHandler {
  constructor(
    private readonly objects: ObjectSync,
    readonly events: readonly string[],
  ) {}

  async handle(event: WebhookEvent): Promise<HandlerResult> {
    const scope = await this.objects.scopeOf(event);
    return scope ? this.objects.sync(event, scope) : 'ignored';
  }
}
