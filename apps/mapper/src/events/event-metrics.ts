import type { MetricsRegistry } from '@glint/observability';
import type { EventOutcome } from '@glint/queue';
import { Counter, Histogram } from 'prom-client';

export class EventMetrics {
  readonly outcomes: Counter<'event' | 'outcome'>;
  readonly retries: Counter<'event'>;
  readonly processingSeconds: Histogram<'outcome'>;

  constructor({ registry }: MetricsRegistry) {
    this.outcomes = new Counter({
      name: 'glint_events_total',
      help: 'Webhook events taken off the partitions, by event and outcome (processed, ignored, dead-lettered)',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    });
    this.retries = new Counter({
      name: 'glint_event_retries_total',
      help: 'Failed attempts that were retried while the event held its partition',
      labelNames: ['event'],
      registers: [registry],
    });
    this.processingSeconds = new Histogram({
      name: 'glint_event_processing_seconds',
      help: 'Time from taking an event off its partition to its outcome, retries included',
      labelNames: ['outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    });
  }

  record(outcome: EventOutcome, event: string, durationMs: number): void {
    this.outcomes.inc({ event, outcome });
    this.processingSeconds.observe({ outcome }, durationMs / 1000);
  }
}
