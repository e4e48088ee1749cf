export { ManagedWebhookStore } from './managed-webhook-store';
export type { ManagedWebhookRow } from './managed-webhook-store';
export { DEFAULT_REDELIVERY_KEY_PREFIX, RedeliverySweep, REDELIVERED_TTL_SECONDS } from './redelivery-sweep';
export type { LogSweep, RedeliverySweepDependencies } from './redelivery-sweep';
export { SUBSCRIBED_WEBHOOK_EVENTS, webhookEventsFor } from './webhook-events';
export { WebhookMetrics } from './webhook-metrics';
export { WebhookReconciler } from './webhook-reconciler';
export type { AccountWebhooks, TargetResult, WebhookReconcilerDependencies } from './webhook-reconciler';
export { RECONCILE_INTERVAL_MINUTES, WebhookUpkeep } from './webhook-upkeep';
