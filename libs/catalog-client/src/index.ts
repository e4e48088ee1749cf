export { batchBySize, MAX_BODY_BYTES, MAX_DELETE_BATCH, MAX_UPSERT_BATCH } from './batching';
export { CatalogClient, ownedBy, USER_AGENT_PRODUCT, userAgentOf } from './catalog-client';
export type { CatalogClientOptions } from './catalog-client';
export { CatalogApiError, CatalogAuthenticationError, isCatalogUnavailable, isUnavailableStatus } from './catalog-errors';
export { DEFAULT_MAX_ATTEMPTS, retryAfterMs, TOKEN_ROUTE } from './catalog-http';
export type { SecretValue } from './catalog-http';
export type * from './catalog-types';
export { createCatalogClient } from './catalog-client.factory';
export type { CatalogClientTuning } from './catalog-client.factory';
