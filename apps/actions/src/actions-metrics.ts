import type { MetricsRegistry } from '@glint/observability';
import { Counter, Histogram } from 'prom-client';

/**
 * - `received`, `ignored` (another invocation type), `invalid`: messages taken off Kafka.
 * - `skipped` (the catalog has the run finished or not at all), `duplicate` (already recorded): runs not dispatched.
 * - `dispatched`: GitHub has the workflow run; `failed`: Glint reported FAILURE itself (refused dispatch, too many
 *   inputs, no run appeared, never started); `completed`: the workflow run completed, whatever its conclusion.
 */
export type RunOutcome = 'received' | 'ignored' | 'invalid' | 'skipped' | 'duplicate' | 'dispatched' | 'failed' | 'completed';

export class ActionsMetrics {
  readonly runs: Counter<'outcome'>;
  readonly dispatchLatency: Histogram;
  readonly catalogAnswers: Counter<'route' | 'status'>;

  constructor({ registry }: MetricsRegistry) {
    this.runs = new Counter({
      name: 'glint_action_runs_total',
      help: 'Action runs by outcome: received, ignored, invalid, skipped, duplicate, dispatched, failed, completed',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.dispatchLatency = new Histogram({
      name: 'glint_action_dispatch_latency_seconds',
      help: 'From the Kafka message timestamp to GitHub accepting the workflow dispatch',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    this.catalogAnswers = new Counter({
      name: 'glint_catalog_answers_total',
      help: 'Catalog API answers by route and HTTP status (0 = network error)',
      labelNames: ['route', 'status'],
      registers: [registry],
    });
  }

  count(outcome: RunOutcome): void {
    this.runs.inc({ outcome });
  }
}
