/** BullMQ's metrics of one queue (`Queue.getMetrics`): a running count, and finished minutes newest first. */
export interface QueueMetrics {
  meta: { count: number; prevTS: number; prevCount: number };
  data: number[];
}

const MINUTE_MS = 60_000;

/**
 * Jobs finished per minute over the last `minutes` minutes, the current minute first. BullMQ only writes a minute's
 * count when the next job finishes in a later minute: until then the minute of `prevTS` holds `count - prevCount`,
 * the list's head is the minute before it, and every minute after it (nothing finished) is 0.
 */
export function perMinute(metrics: QueueMetrics, now: number, minutes: number): number[] {
  const current = Math.floor(now / MINUTE_MS);
  const lastActive = Math.floor(metrics.meta.prevTS / MINUTE_MS);
  return Array.from({ length: minutes }, (_, back) => {
    const minute = current - back;
    if (metrics.meta.prevTS === 0 || minute > lastActive) return 0;
    if (minute === lastActive) return Math.max(0, metrics.meta.count - metrics.meta.prevCount);
    return metrics.data[lastActive - minute - 1] ?? 0;
  });
}

/** Adds series minute by minute. */
export function sumSeries(series: number[][], minutes: number): number[] {
  return Array.from({ length: minutes }, (_, index) => series.reduce((sum, values) => sum + (values[index] ?? 0), 0));
}
