export { FALLBACK_SCAN_FIELDS, FALLBACK_SCAN_SKIPS, groupKeyOf, scanForIdentity } from './webhooks/group-key';
export type { WebhookPayload } from './webhooks/group-key';
export * from './client';
export * from './fetchers';
export * from './graphql';
export { SignatureOutcomeStore } from './webhooks/signature-outcomes';
export type { RejectedDelivery, SignatureOutcomes, SignatureOutcomesRedis } from './webhooks/signature-outcomes';
export { GithubAppProbe, GithubProbeError } from './readiness/github-app-probe';
export type { GithubAppProbeOptions, ProbedDelivery, ProbedInstallation } from './readiness/github-app-probe';
