import { Logger } from '@nestjs/common';
import type { HandlerResult, WebhookEvent } from '@glint/queue';
import { errorMessage } from '@glint/runtime';
import type { ConfigCheckRunner } from '../../config-checks';
import type { EventKindHandler } from '../../events/event-router';
import type { ObjectSync } from './object-sync';

/** A pull request: the config files it changes are checked (a check run on its head commit), then its entity is synced. */
export class PullRequestHandler implements EventKindHandler {
  readonly events = ['pull_request'] as const;
  private readonly logger = new Logger('live-events');

  constructor(
    private readonly objects: ObjectSync,
    private readonly checkRunner: Pick<ConfigCheckRunner, 'run'>,
  ) {}

  async handle(event: WebhookEvent): Promise<HandlerResult> {
    const scope = await this.objects.scopeOf(event);
    if (!scope) return 'ignored';
    // A failing check run must not hold up the pull request's own entity.
    await this.checkRunner.run(event.payload, scope.context.client).catch((error: unknown) => this.logger.warn(`config check of ${event.deliveryId} failed: ${errorMessage(error)}`));
    return this.objects.sync(event, scope);
  }
}
