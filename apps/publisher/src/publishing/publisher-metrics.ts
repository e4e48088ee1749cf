import type { MetricsRegistry } from '@glint/observability';
import { Counter, Histogram } from 'prom-client';

export type EntityOutcome = 'created' | 'updated' | 'unchanged' | 'outdated' | 'deleted' | 'failed';
export type CleanupOutcome = 'deleted' | 'skipped-incomplete' | 'skipped-threshold' | 'failed';

export class PublisherMetrics {
  readonly entities: Counter<'outcome' | 'origin'>;
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
  }
}
