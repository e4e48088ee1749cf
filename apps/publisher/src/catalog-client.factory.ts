import { CatalogClient, CatalogClientOptions } from '@glint/catalog-client';
import type { CatalogConfig } from '@glint/config';
import type { PublisherMetrics } from './publishing/publisher-metrics';

export type CatalogClientTuning = Pick<CatalogClientOptions, 'maxAttempts' | 'backoffBaseMs' | 'maxBackoffMs' | 'requestTimeoutMs' | 'concurrency'>;

export function createCatalogClient(catalog: CatalogConfig, metrics: PublisherMetrics, tuning: CatalogClientTuning = {}): CatalogClient {
  return new CatalogClient({
    baseUrl: catalog.url,
    clientId: catalog.clientId,
    clientSecret: catalog.clientSecret,
    onAnswer: (route, status) => metrics.catalogAnswers.inc({ route, status: String(status) }),
    ...tuning,
  });
}
