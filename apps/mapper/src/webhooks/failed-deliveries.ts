/** One attempt in a webhook delivery log (`GET /app/hook/deliveries`, `GET /orgs/{org}/hooks/{id}/deliveries`). */
export interface DeliveryAttempt {
  id: number;
  /** The `X-GitHub-Delivery` of the event; every attempt of one event (redeliveries included) shares it. */
  guid: string;
  delivered_at: string;
  /** 0 when no HTTP answer came back (refused, timed out). */
  status_code: number;
  event?: string;
  action?: string | null;
}

export interface FailedDelivery {
  guid: string;
  /** The newest failed attempt, the one to ask GitHub to redeliver. */
  deliveryId: number;
  event: string;
}

/** Sweeps look at most this far back: under GitHub's 3-day retention, with room for clock differences. */
export const MAX_LOOKBACK_MS = 70 * 3_600_000;
/**
 * A sweep starts this long before the newest delivery the previous sweep saw: an attempt is logged with the time it
 * started but appears once it ends (GitHub gives up after 10 s, GHES after 30 s), so it can show up late.
 */
export const LOOKBACK_MARGIN_MS = 10 * 60_000;

/** Where a sweep stops reading a log: the previous sweep's newest delivery minus the margin, at most 70 hours back. */
export function sweepWindowStart(now: number, previousNewest: number | undefined): number {
  const bounded = now - MAX_LOOKBACK_MS;
  return previousNewest === undefined ? bounded : Math.max(bounded, previousNewest - LOOKBACK_MARGIN_MS);
}

/**
 * Attempts grouped by GUID: an event is failed when none of its attempts got a 2xx answer. GUIDs keep the order in
 * which they were first seen (newest first, as GitHub lists them).
 */
export class DeliveryGroups {
  private readonly groups = new Map<string, { succeeded: boolean; failed?: FailedDelivery }>();
  /** Attempts added. */
  examined = 0;
  /** The time of the newest attempt added (GitHub's clock), in ms. */
  newest: number | undefined;

  add(attempt: DeliveryAttempt): void {
    this.examined += 1;
    const at = Date.parse(attempt.delivered_at);
    if (this.newest === undefined || at > this.newest) this.newest = at;
    let group = this.groups.get(attempt.guid);
    if (!group) {
      group = { succeeded: false };
      this.groups.set(attempt.guid, group);
    }
    if (attempt.status_code >= 200 && attempt.status_code < 300) {
      group.succeeded = true;
      return;
    }
    if (!group.failed || attempt.id > group.failed.deliveryId) {
      group.failed = { guid: attempt.guid, deliveryId: attempt.id, event: attempt.action ? `${attempt.event ?? '?'}.${attempt.action}` : (attempt.event ?? '?') };
    }
  }

  failed(): FailedDelivery[] {
    return [...this.groups.values()].flatMap((group) => (!group.succeeded && group.failed ? [group.failed] : []));
  }
}
