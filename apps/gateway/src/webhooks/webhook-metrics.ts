import type { MetricsRegistry } from '@glint/observability';
import { Counter, Histogram } from 'prom-client';

export type RejectionReason =
  | 'missing_signature'
  | 'bad_signature'
  | 'missing_event'
  | 'missing_delivery'
  | 'invalid_header'
  | 'invalid_json'
  | 'too_large'
  | 'queue_unavailable'
  | 'shutting_down';

export class WebhookMetrics {
  readonly received: Counter<'event'>;
  readonly accepted: Counter<'event'>;
  readonly rejected: Counter<'reason'>;
  readonly duplicates: Counter;
  readonly enqueueSeconds: Histogram;

  constructor({ registry }: MetricsRegistry) {
    this.received = new Counter({
      name: 'glint_webhooks_received_total',
      help: 'Webhook requests received, by X-GitHub-Event (`unknown` when the header is missing or invalid)',
      labelNames: ['event'],
      registers: [registry],
    });
    this.accepted = new Counter({
      name: 'glint_webhooks_accepted_total',
      help: 'Webhook deliveries verified and queued (202), by event',
      labelNames: ['event'],
      registers: [registry],
    });
    this.rejected = new Counter({
      name: 'glint_webhooks_rejected_total',
      help: 'Webhook requests refused, by reason',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.duplicates = new Counter({
      name: 'glint_webhooks_duplicates_total',
      help: 'Deliveries answered 202 without queueing, because their X-GitHub-Delivery was seen in the last 72 hours',
      registers: [registry],
    });
    this.enqueueSeconds = new Histogram({
      name: 'glint_webhook_enqueue_seconds',
      help: 'Time from a verified delivery to Redis acknowledging its job',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers: [registry],
    });
  }
}
