import type { EmitterWebhookEvent, EmitterWebhookEventName } from '@octokit/webhooks';
import type { WebhookEvent } from '@glint/queue';

/** Names of GitHub webhook events as such, without an action (`push`, not `pull_request.opened`). */
export type WebhookEventName = Exclude<EmitterWebhookEventName, `${string}.${string}`>;

/** The payload GitHub sends with an event of that name, as @octokit/webhooks types it. */
export type WebhookPayload<Name extends WebhookEventName> = EmitterWebhookEvent<Name>['payload'];

/**
 * The event's payload typed after its name, when the event is one of `names`. The one place a queued payload is
 * taken as GitHub's own: the gateway verified the delivery's signature, so the body is the one GitHub sent.
 */
export function payloadOf<Name extends WebhookEventName>(event: WebhookEvent, ...names: readonly Name[]): WebhookPayload<Name> | undefined {
  return names.some((name) => name === event.event) ? (event.payload as WebhookPayload<Name>) : undefined;
}
