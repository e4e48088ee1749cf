import type { HandlerResult, WebhookEvent } from '@glint/queue';

/** Handles one kind of GitHub event (e.g. pull_request → the pull-request entities it changes). */
export interface EventKindHandler {
  readonly events: readonly string[];
  handle(event: WebhookEvent): Promise<HandlerResult>;
}

/**
 * Sends each event to the handler registered for its name. An event nobody handles (an unknown name, or a
 * kind whose mapping is not part of this release) is `ignored`: counted, never an error.
 */
export class EventRouter {
  private readonly byEvent = new Map<string, EventKindHandler>();

  constructor(handlers: readonly EventKindHandler[]) {
    for (const handler of handlers) {
      for (const name of handler.events) {
        if (this.byEvent.has(name)) throw new Error(`two handlers registered for the ${name} event`);
        this.byEvent.set(name, handler);
      }
    }
  }

  route(event: WebhookEvent): Promise<HandlerResult> {
    const handler = this.byEvent.get(event.event);
    return handler ? handler.handle(event) : Promise.resolve('ignored');
  }
}
