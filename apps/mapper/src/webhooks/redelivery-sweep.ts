import { Logger } from '@nestjs/common';
import { GithubApiError, GithubPermissionError, GithubRateLimitError, type GithubAccess, type GithubRestClient } from '@glint/github';
import { errorMessage } from '@glint/runtime';
import type { Redis } from 'ioredis';
import { DeliveryGroups, type DeliveryAttempt, MAX_LOOKBACK_MS, sweepWindowStart } from './failed-deliveries';
import type { ManagedWebhooks } from './managed-webhook-store';
import type { DeliverySource, WebhookMetrics } from './webhook-metrics';
import { describeTarget, hookRoute, targetOfKey } from './webhook-targets';

export interface RedeliverySweepDependencies {
  access: GithubAccess;
  /** `app`: the App's own delivery log is swept too. */
  mode: 'app' | 'token' | 'none';
  store: ManagedWebhooks;
  redis: Redis;
  metrics: WebhookMetrics;
  now?: () => number;
  keyPrefix?: string;
}

/** One delivery log: the App webhook's or one BASE_URL webhook's. */
interface DeliveryLog {
  /** `app` or `hook-<id>`: names its Redis keys. */
  key: string;
  source: DeliverySource;
  label: string;
  client: GithubRestClient;
  list: { route: string; params: Record<string, string | number> };
  attempt(deliveryId: number): { route: string; params: Record<string, string | number> };
}

export interface LogSweep {
  log: string;
  source: DeliverySource;
  examined: number;
  failed: number;
  redelivered: number;
  errors: number;
  /** Reading the log failed; the next sweep reads the same window again. */
  error?: string;
}

/** Remembers a redelivered GUID for longer than any sweep looks back (GitHub keeps deliveries for 3 days). */
export const REDELIVERED_TTL_SECONDS = 72 * 3600;
export const DEFAULT_REDELIVERY_KEY_PREFIX = 'glint:redelivery';

/**
 * Redelivers failed webhook deliveries, once each. It reads the App webhook's delivery log (App mode) and those of
 * the BASE_URL webhooks, newest first, back to the previous sweep's newest delivery minus a margin (at most 70 hours),
 * groups attempts by GUID and asks GitHub to redeliver each GUID that has no successful attempt. A GUID is claimed
 * in Redis (SET NX, 72 hours) before it is redelivered, so neither a later sweep nor another pod redelivers it again;
 * a claim is given back only when GitHub did not take the request (5xx, rate limit, network), so the next sweep tries.
 */
export class RedeliverySweep {
  private readonly logger = new Logger('redelivery');
  private readonly prefix: string;

  constructor(private readonly deps: RedeliverySweepDependencies) {
    this.prefix = deps.keyPrefix ?? DEFAULT_REDELIVERY_KEY_PREFIX;
  }

  async sweep(): Promise<LogSweep[]> {
    const results: LogSweep[] = [];
    const logs = [...this.appLogs()];
    let unlisted = false;
    try {
      logs.push(...(await this.hookLogs()));
    } catch (error) {
      unlisted = true;
      this.logger.error(`redelivery sweep: the BASE_URL webhooks' delivery logs are not read this time, the accounts could not be listed: ${errorMessage(error)}`);
    }
    for (const log of logs) {
      try {
        results.push(await this.sweepLog(log));
      } catch (error) {
        const message = `${log.label}: ${errorMessage(error)}`;
        this.logger.error(`redelivery sweep could not read the delivery log of ${message}`);
        results.push({ log: log.label, source: log.source, examined: 0, failed: 0, redelivered: 0, errors: 0, error: message });
      }
    }
    this.deps.metrics.sweeps.inc({ outcome: unlisted || results.some((result) => result.error !== undefined) ? 'failed' : 'completed' });
    return results;
  }

  private appLogs(): DeliveryLog[] {
    const { access } = this.deps;
    const logs: DeliveryLog[] = [];
    if (this.deps.mode === 'app') {
      logs.push({
        key: 'app',
        source: 'app',
        label: 'the GitHub App webhook',
        client: access.appClient(),
        list: { route: 'GET /app/hook/deliveries', params: {} },
        attempt: (deliveryId) => ({ route: 'POST /app/hook/deliveries/{delivery_id}/attempts', params: { delivery_id: deliveryId } }),
      });
    }
    return logs;
  }

  private async hookLogs(): Promise<DeliveryLog[]> {
    const { access } = this.deps;
    const logs: DeliveryLog[] = [];
    const rows = await this.deps.store.all();
    if (rows.length === 0) return logs;
    // Hooks of accounts no longer synced (the App was uninstalled) have no token to read them with.
    const current = new Set((await access.installations()).map((installation) => installation.id));
    for (const row of rows) {
      const target = targetOfKey(row.target, row.installationId);
      if (!target || !current.has(row.installationId)) continue;
      const list = hookRoute(target, 'GET', '/{hook_id}/deliveries');
      const attempt = hookRoute(target, 'POST', '/{hook_id}/deliveries/{delivery_id}/attempts');
      logs.push({
        key: `hook-${row.hookId}`,
        source: target.kind,
        label: `webhook ${row.hookId} of ${describeTarget(target)}`,
        client: access.clientFor(row.installationId),
        list: { route: list.route, params: { ...list.params, hook_id: row.hookId } },
        attempt: (deliveryId) => ({ route: attempt.route, params: { ...attempt.params, hook_id: row.hookId, delivery_id: deliveryId } }),
      });
    }
    return logs;
  }

  private async sweepLog(log: DeliveryLog): Promise<LogSweep> {
    const { metrics, redis } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const newestKey = `${this.prefix}:newest:${log.key}`;
    const stored = await redis.get(newestKey);
    const previousNewest = stored === null ? undefined : Number(stored);
    const windowStart = sweepWindowStart(now, previousNewest);
    const groups = new DeliveryGroups();
    try {
      // Each sweep reads pages with fresh cursors: caching them would only fill Redis.
      pages: for await (const page of log.client.paginate<DeliveryAttempt>(log.list.route, log.list.params, { perPage: 100, cached: false })) {
        for (const attempt of page) {
          // Newest first: everything after an attempt older than the window is older too.
          if (Date.parse(attempt.delivered_at) < windowStart) break pages;
          groups.add(attempt);
        }
      }
    } catch (error) {
      // An App without a webhook URL has no delivery log to sweep.
      if (log.source === 'app' && error instanceof GithubPermissionError && error.status === 404) return { log: log.label, source: log.source, examined: 0, failed: 0, redelivered: 0, errors: 0 };
      throw error;
    }
    const failed = groups.failed();
    metrics.examined.inc({ source: log.source }, groups.examined);
    metrics.failedFound.inc({ source: log.source }, failed.length);

    let redelivered = 0;
    let errors = 0;
    let retryLater = false;
    for (const delivery of failed) {
      const claim = `${this.prefix}:done:${log.key}:${delivery.guid}`;
      if ((await redis.set(claim, new Date(now).toISOString(), 'EX', REDELIVERED_TTL_SECONDS, 'NX')) !== 'OK') continue;
      const attempt = log.attempt(delivery.deliveryId);
      try {
        await log.client.request(attempt.route, attempt.params);
        redelivered += 1;
        metrics.redelivered.inc({ source: log.source });
        this.logger.log(`redelivered ${delivery.event} ${delivery.guid} (delivery ${delivery.deliveryId}) of ${log.label}`);
      } catch (error) {
        errors += 1;
        metrics.redeliveryErrors.inc({ source: log.source });
        const retried = !refusedForGood(error);
        if (retried) {
          await redis.del(claim);
          retryLater = true;
        }
        this.logger.error(`redelivery of ${delivery.event} ${delivery.guid} (delivery ${delivery.deliveryId}) of ${log.label} failed${retried ? ', the next sweep tries again' : ''}: ${errorMessage(error)}`);
      }
    }
    // A redelivery to try again keeps the window where it was, or the next sweep might no longer see its delivery.
    if (!retryLater && groups.newest !== undefined && (previousNewest === undefined || groups.newest > previousNewest)) {
      await redis.set(newestKey, String(groups.newest), 'PX', MAX_LOOKBACK_MS);
    }
    const summary = `redelivery sweep of ${log.label}: ${groups.examined} deliveries since ${new Date(windowStart).toISOString()}, ${failed.length} failed, ${redelivered} redelivered, ${errors} errors`;
    if (redelivered + errors > 0) this.logger.log(summary);
    else this.logger.debug(summary);
    return { log: log.label, source: log.source, examined: groups.examined, failed: failed.length, redelivered, errors };
  }
}

/** GitHub answered and said no (a 4xx other than a rate limit): asking again would get the same answer. */
function refusedForGood(error: unknown): boolean {
  return error instanceof GithubApiError && !(error instanceof GithubRateLimitError) && error.status >= 400 && error.status < 500;
}
