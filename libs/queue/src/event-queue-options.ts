/** Settings the producer (gateway) and the consumers (mapper) must agree on. */
export interface EventQueueOptions {
  partitions: number;
  /** Key prefix for BullMQ and Glint's own keys; tests use their own to stay apart. */
  prefix?: string;
}

export const DEFAULT_QUEUE_PREFIX = 'glint';
/** GitHub keeps deliveries for 3 days; a redelivery within that window is still recognised. */
export const DELIVERY_DEDUPE_TTL_SECONDS = 72 * 60 * 60;
/**
 * Payloads wait beside their job until the job is done; the expiry only cleans up after a job that was lost
 * some other way (a flushed queue), so it is far longer than any backlog should last.
 */
export const PAYLOAD_TTL_SECONDS = 30 * 24 * 60 * 60;
/** Minutes of per-minute event counts the partitions keep (BullMQ metrics). */
export const EVENT_METRICS_MINUTES = 60;
/** Completed jobs stay a while so a concurrent duplicate hits the job id, then the dedupe key takes over. */
export const COMPLETED_JOB_RETENTION = { age: 60 * 60, count: 10_000 };

export function eventKeys(prefix: string) {
  return {
    delivery: (deliveryId: string) => `${prefix}:deliveries:${deliveryId}`,
    payload: (deliveryId: string) => `${prefix}:payloads:${deliveryId}`,
  };
}
