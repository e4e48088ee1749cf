/** A verified webhook delivery as it waits in its partition queue. */
export interface WebhookEventJob {
  deliveryId: string;
  /** The X-GitHub-Event name, e.g. `pull_request`; unknown names are queued too and ignored downstream. */
  event: string;
  action?: string;
  groupKey: string;
  partition: number;
  /** ISO time the gateway accepted the delivery. */
  receivedAt: string;
  installationId?: number;
  payload: Readonly<Record<string, unknown>>;
}

/** An event that failed every attempt, as kept in the dead-letter queue for inspection and replay. */
export interface DeadLetteredEventJob {
  job: WebhookEventJob;
  error: string;
  attempts: number;
  failedAt: string;
}

/** BullMQ rejects custom job ids containing `:`; delivery ids are GUIDs, this keeps any other id safe too. */
export function jobIdForDelivery(deliveryId: string): string {
  return `delivery-${deliveryId.replace(/:/g, '_')}`;
}
