/** A verified webhook delivery as it waits in its partition queue; its payload is stored beside it (see EventProducer). */
export interface QueuedWebhookEvent {
  deliveryId: string;
  /** The X-GitHub-Event name, e.g. `pull_request`; unknown names are queued too and ignored downstream. */
  event: string;
  action?: string;
  groupKey: string;
  partition: number;
  /** ISO time the gateway accepted the delivery. */
  receivedAt: string;
  installationId?: number;
}

/** What an event handler gets: the queued event with its parsed payload. */
export interface WebhookEvent extends QueuedWebhookEvent {
  payload: Readonly<Record<string, unknown>>;
}

/** An event that failed every attempt, as kept in the dead-letter queue for inspection and replay. */
export interface DeadLetteredEvent {
  event: QueuedWebhookEvent;
  /**
   * The payload's JSON text as GitHub sent it, when it could still be read; cut with a marker beyond
   * DEAD_LETTER_TEXT_LIMIT_BYTES (then `payloadTruncatedFromBytes` is set and it cannot be replayed).
   */
  payloadJson?: string;
  payloadTruncatedFromBytes?: number;
  /** The parsed payload, as dead letters written before `payloadJson` kept it. */
  payload?: Readonly<Record<string, unknown>>;
  /** What failed, naming the error: `RangeError: Maximum call stack size exceeded`. */
  error: string;
  attempts: number;
  failedAt: string;
}

/** BullMQ rejects custom job ids containing `:`; delivery ids are GUIDs, this keeps any other id safe too. */
export function jobIdForDelivery(deliveryId: string): string {
  return `delivery-${deliveryId.replace(/:/g, '_')}`;
}
