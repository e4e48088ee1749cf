import type { HandlerResult, WebhookEvent } from '@glint/queue';
import type { ConfigCheckQueue } from '../../config-checks';
import type { EventKindHandler } from '../../events/event-router';
import type { ObjectSync } from './object-sync';

/** A pull request: the check of the config files it changes is queued (a check run on its head commit), then its entity is synced. */
export class PullRequestHandler implements EventKindHandler {
  readonly events = ['pull_request'] as const;

  constructor(
    private readonly objects: ObjectSync,
    private readonly configChecks: Pick<ConfigCheckQueue, 'request'>,
  ) {}

  async handle(event: WebhookEvent): Promise<HandlerResult> {
    const scope = await this.objects.scopeOf(event);
    if (!scope) return 'ignored';
    await this.configChecks.request(event, scope.installation.id);
    return this.objects.sync(event, scope);
  }
}
