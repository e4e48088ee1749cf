import type { MetricsRegistry } from '@glint/observability';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { GITHUB_EVENT_NAMES } from './github-event-names';
import type { UnverifiedBytesBudget } from './unverified-bytes-budget';

export type RejectionReason =
  | 'missing_signature'
  | 'bad_signature'
  | 'missing_event'
  | 'missing_delivery'
  | 'invalid_header'
  | 'invalid_json'
  | 'too_large'
  | 'overloaded'
  | 'incomplete'
  | 'queue_unavailable'
  | 'shutting_down';

/** The `event` label of a request refused before its signature was verified: its headers are anyone's. */
export const UNVERIFIED_EVENT_LABEL = 'unverified';

/** The `event` label of a verified delivery: its X-GitHub-Event when GitHub has such an event, else `other`. */
export function eventLabel(event: string | undefined): string {
  return event !== undefined && GITHUB_EVENT_NAMES.has(event) ? event : 'other';
}

export class WebhookMetrics {
  readonly received: Counter<'event'>;
  readonly accepted: Counter<'event'>;
  readonly rejected: Counter<'reason'>;
  readonly duplicates: Counter;
  readonly enqueueSeconds: Histogram;

  constructor({ registry }: MetricsRegistry) {
    this.received = new Counter({
      name: 'glint_webhooks_received_total',
      help: 'Webhook requests received: `unverified` when refused before their signature was verified, else by X-GitHub-Event (`other` for a name GitHub does not send)',
      labelNames: ['event'],
      registers: [registry],
    });
    this.accepted = new Counter({
      name: 'glint_webhooks_accepted_total',
      help: 'Webhook deliveries verified and queued (202), by X-GitHub-Event (`other` for a name GitHub does not send)',
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

/** `glint_webhook_unverified_bytes`: what the budget holds now, read at each scrape. */
export function registerUnverifiedBytesGauge(registry: Registry, budget: UnverifiedBytesBudget): void {
  new Gauge({
    name: 'glint_webhook_unverified_bytes',
    help: 'Bytes of webhook bodies held before their signature is verified; past WEBHOOK_UNVERIFIED_MEMORY_MB new deliveries are answered 503 overloaded',
    registers: [registry],
    collect() {
      this.set(budget.reservedBytes);
    },
  });
}
