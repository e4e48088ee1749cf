import type { MetricsRegistry } from '@glint/observability';
import { Counter, Gauge, Histogram } from 'prom-client';

export type EntityOutcome = 'created' | 'updated' | 'unchanged' | 'outdated' | 'deleted' | 'failed';
export type CleanupOutcome = 'deleted' | 'skipped-incomplete' | 'skipped-incremental' | 'skipped-threshold' | 'failed';

/** What the availability gauges read at each scrape. */
export interface AvailabilitySource {
  readonly available: boolean;
  outageSeconds(): number;
}

export class PublisherMetrics {
  readonly entities: Counter<'outcome' | 'origin'>;
  readonly catalogRetries: Counter;
  private availability?: AvailabilitySource;
  readonly catalogAnswers: Counter<'route' | 'status'>;
  readonly jobSeconds: Histogram<'job'>;
  readonly cleanups: Counter<'outcome'>;
  readonly staleDeleted: Counter<'installation'>;

  constructor({ registry }: MetricsRegistry) {
    this.entities = new Counter({
      name: 'glint_publish_entities_total',
      help: 'Entity changes handled by the publisher, by outcome (created, updated, unchanged, outdated, deleted, failed)',
      labelNames: ['outcome', 'origin'],
      registers: [registry],
    });
    this.catalogAnswers = new Counter({
      name: 'glint_catalog_answers_total',
      help: 'Catalog API answers by route and HTTP status (0 = network error)',
      labelNames: ['route', 'status'],
      registers: [registry],
    });
    this.jobSeconds = new Histogram({
      name: 'glint_publish_job_seconds',
      help: 'Time to process a publish job, by job name',
      labelNames: ['job'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    });
    this.cleanups = new Counter({
      name: 'glint_stale_cleanups_total',
      help: 'Stale-entity cleanups at the end of resyncs, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.staleDeleted = new Counter({
      name: 'glint_stale_entities_deleted_total',
      help: 'Entities deleted because a complete resync no longer produced them',
      labelNames: ['installation'],
      registers: [registry],
    });
    this.catalogRetries = new Counter({
      name: 'glint_catalog_unavailable_retries_total',
      help: 'Tries of publish jobs that found the catalog unavailable (no answer, 401, 408, 429, 5xx) and wait to try again',
      registers: [registry],
    });
    const available: Gauge = new Gauge({
      name: 'glint_catalog_available',
      help: 'Whether the catalog takes the publisher\'s requests (1) or publish jobs wait for it (0)',
      registers: [registry],
      collect: () => available.set(this.availability?.available === false ? 0 : 1),
    });
    const outage: Gauge = new Gauge({
      name: 'glint_catalog_outage_seconds',
      help: 'How long the current catalog outage has lasted (0 while it is available)',
      registers: [registry],
      collect: () => outage.set(this.availability?.outageSeconds() ?? 0),
    });
  }

  watchAvailability(source: AvailabilitySource): void {
    this.availability = source;
  }
}
