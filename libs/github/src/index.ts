export { FALLBACK_SCAN_FIELDS, FALLBACK_SCAN_SKIPS, groupKeyOf, scanForIdentity } from './webhooks/group-key';
export type { WebhookPayload } from './webhooks/group-key';
export * from './client';
export * from './fetchers';
export * from './graphql';
