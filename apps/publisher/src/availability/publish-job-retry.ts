import type { Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { CatalogAvailability } from './catalog-availability';
import { CatalogRetry, CatalogRetryPolicy } from './catalog-retry';

/**
 * The publish jobs' wait for the catalog: each try that found it unavailable is counted, told to the availability
 * (which logs the outage once, reminds, and shares it for `GET /status`), and logged per job only when the catalog
 * answers other requests meanwhile (a failure of this job's requests alone: first, then every 10th try).
 */
export function publishJobRetry(policy: CatalogRetryPolicy, availability: CatalogAvailability, retries: Counter, logger: Pick<Logger, 'warn' | 'debug'>): CatalogRetry {
  return new CatalogRetry({
    policy,
    onUnavailable: async (error, failures, delayMs, triedSince) => {
      retries.inc();
      const seen = await availability.unavailable(error, delayMs, triedSince);
      const message = `the catalog is unavailable to this job (try ${failures}): ${error}; trying again in ${Math.round(delayMs / 1000)} s`;
      if (seen === 'this-request' && (failures === 1 || failures % 10 === 0)) logger.warn(`${message}, while the catalog answers other requests`);
      else logger.debug(message);
    },
    onOutageEnd: (listener) => availability.onOutageEnd(listener),
  });
}
