import { HandlerResult, NonRetryableEventError, WebhookEvent } from '@glint/queue';
import { malformationOf } from './malformed-payload';

/** Handles one kind of GitHub event (e.g. pull_request → the pull-request entities it changes). */
export interface EventKindHandler {
  readonly events: readonly string[];
  handle(event: WebhookEvent): Promise<HandlerResult>;
}

/**
 * Sends each event to the handler registered for its name. An event nobody handles (an unknown name, or a
 * kind whose mapping is not part of this release) is `ignored`: counted, never an error. An event a handler takes whose
 * payload lacks what its kind needs (a pull_request without its repository) is malformed: it fails at once, so the
 * consumer dead-letters it with the reason.
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
    if (!handler) return Promise.resolve('ignored');
    const malformation = malformationOf(event);
    return malformation ? Promise.reject(new NonRetryableEventError(malformation)) : handler.handle(event);
  }
}
