import type { CatalogConfig } from '@glint/config';
import { CatalogClient, CatalogClientOptions } from './catalog-client';

export type CatalogClientTuning = Pick<CatalogClientOptions, 'maxAttempts' | 'backoffBaseMs' | 'maxBackoffMs' | 'requestTimeoutMs' | 'concurrency' | 'onAnswer' | 'fetch'>;

/** The client for the configured catalog (Port, a Glint API, or the embedded catalog). */
export function createCatalogClient(catalog: CatalogConfig, tuning: CatalogClientTuning = {}): CatalogClient {
  return new CatalogClient({ baseUrl: catalog.url, clientId: catalog.clientId, clientSecret: catalog.clientSecret, ...tuning });
}
