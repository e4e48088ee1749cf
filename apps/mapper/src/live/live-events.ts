import { SUBSCRIBED_WEBHOOK_EVENTS } from '../webhooks/webhook-events';

/** The events the App subscribes to (docs/install-ghes.md), plus the installation events that start syncs. */
export const LIVE_EVENTS = [...SUBSCRIBED_WEBHOOK_EVENTS, 'installation', 'installation_repositories'] as const;

export type LiveEventName = (typeof LIVE_EVENTS)[number];
