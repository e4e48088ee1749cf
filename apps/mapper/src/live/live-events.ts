import { SEED_WEBHOOK_EVENTS } from '../webhooks/webhook-events';

/** The events the install guide subscribes the App to, plus the installation events that start syncs. */
export const LIVE_EVENTS = [...SEED_WEBHOOK_EVENTS, 'installation', 'installation_repositories'] as const;

export type LiveEventName = (typeof LIVE_EVENTS)[number];
