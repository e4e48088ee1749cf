import type { MetricsRegistry } from '@glint/observability';
import { Counter, Histogram } from 'prom-client';

export class SyncMetrics {
  readonly resyncs: Counter<'outcome'>;
  readonly skipped: Counter<'reason'>;
  readonly objects: Counter<'kind'>;
  readonly kindSeconds: Histogram<'kind'>;
  readonly repositoryFailures: Counter<'kind'>;
  readonly units: Counter<'kind' | 'resource'>;
  readonly limitWaitSeconds: Counter<'kind'>;

  constructor({ registry }: MetricsRegistry) {
    this.resyncs = new Counter({ name: 'glint_resyncs_total', help: 'Finished resyncs by outcome (completed, failed)', labelNames: ['outcome'], registers: [registry] });
    this.skipped = new Counter({ name: 'glint_resyncs_skipped_total', help: 'Resyncs not started because one of the same installation was still due or running', labelNames: ['reason'], registers: [registry] });
    this.objects = new Counter({ name: 'glint_resync_objects_total', help: 'GitHub objects read by resyncs, by kind', labelNames: ['kind'], registers: [registry] });
    this.repositoryFailures = new Counter({
      name: 'glint_resync_repository_failures_total',
      help: 'Repositories whose listing of a kind failed in a resync (the others were still listed; the resync is incomplete), by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.units = new Counter({
      name: 'glint_resync_units_total',
      help: "GitHub rate-limit units resyncs spent, by kind and resource (core: REST answers other than 304; graphql: queries' cost)",
      labelNames: ['kind', 'resource'],
      registers: [registry],
    });
    this.limitWaitSeconds = new Counter({
      name: 'glint_resync_limit_wait_seconds_total',
      help: "Seconds resync requests waited for GitHub's rate limits, the resync reservation or the limits shared by pods, by kind",
      labelNames: ['kind'],
      registers: [registry],
    });
    this.kindSeconds = new Histogram({
      name: 'glint_resync_kind_seconds',
      help: 'Time to resync one resource of a mapping, by kind',
      labelNames: ['kind'],
      buckets: [0.1, 0.5, 1, 5, 30, 120, 600, 3600],
      registers: [registry],
    });
  }
}
