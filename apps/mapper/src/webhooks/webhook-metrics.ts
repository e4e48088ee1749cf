import type { MetricsRegistry } from '@glint/observability';
import { Counter } from 'prom-client';

export type ReconcileOutcome = 'created' | 'updated' | 'unchanged' | 'failed';
export type ReconcileErrorReason = 'permission' | 'not_found' | 'github' | 'mapping';
/** `app`: the GitHub App's webhook; `organization`/`repository`: a BASE_URL webhook. */
export type DeliverySource = 'app' | 'organization' | 'repository';

export class WebhookMetrics {
  readonly reconciles: Counter<'outcome'>;
  readonly reconcileErrors: Counter<'reason'>;
  readonly sweeps: Counter<'outcome'>;
  readonly examined: Counter<'source'>;
  readonly failedFound: Counter<'source'>;
  readonly redelivered: Counter<'source'>;
  readonly redeliveryErrors: Counter<'source'>;

  constructor({ registry }: MetricsRegistry) {
    const registers = [registry];
    this.reconciles = new Counter({ name: 'glint_webhook_reconciles_total', help: 'BASE_URL webhooks reconciled, by outcome (created, updated, unchanged, failed)', labelNames: ['outcome'], registers });
    this.reconcileErrors = new Counter({
      name: 'glint_webhook_reconcile_errors_total',
      help: 'BASE_URL webhooks that could not be reconciled, by reason (permission, not_found, github, mapping)',
      labelNames: ['reason'],
      registers,
    });
    this.sweeps = new Counter({ name: 'glint_redelivery_sweeps_total', help: 'Redelivery sweeps, by outcome (completed, failed: a delivery log could not be read)', labelNames: ['outcome'], registers });
    this.examined = new Counter({ name: 'glint_redelivery_deliveries_examined_total', help: 'Webhook deliveries the redelivery sweeps read, by source (app, organization, repository)', labelNames: ['source'], registers });
    this.failedFound = new Counter({ name: 'glint_redelivery_failed_found_total', help: 'Deliveries (GUIDs) found failed with no successful attempt, by source', labelNames: ['source'], registers });
    this.redelivered = new Counter({ name: 'glint_redeliveries_total', help: 'Failed deliveries the sweep asked GitHub to redeliver, by source', labelNames: ['source'], registers });
    this.redeliveryErrors = new Counter({ name: 'glint_redelivery_errors_total', help: 'Redelivery requests GitHub refused or did not answer, by source', labelNames: ['source'], registers });
  }
}
