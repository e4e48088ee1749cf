import { Controller, Get, Inject } from '@nestjs/common';
import { DEFAULT_RESERVATION_THRESHOLD_PERCENT, type GithubAccess, type RateLimitResource, type RateLimitState } from '@glint/github';
import { DeadLetterSummary, QueueOverview, QueueSummary } from '@glint/queue';
import { resyncOutlook, type ResyncOutlook } from './budget-outlook';
import { type ResyncWatermark, ResyncWatermarkStore } from './resync-watermarks';
import { SyncStatus, SyncStatusStore } from './sync-status';

/** The injection token of the mapper's `GithubAccess`. */
export const GITHUB_ACCESS = 'GITHUB_ACCESS';

interface BudgetView {
  limit: number;
  remaining: number;
  resetAt: string;
}

/** A resync's status with the installation's budgets, the watermark incremental resyncs start from, and the outlook of a running one. */
export type ResyncView = SyncStatus & {
  rateLimits: { core?: BudgetView; graphql?: BudgetView };
  /** The finished resync this one followed (its state, times, units and progress by kind), when there was one. */
  previous?: SyncStatus;
  /** The next incremental resync lists changes from here (ISO); absent before the first complete resync. */
  watermark?: string;
  outlook?: ResyncOutlook;
};

/** Minutes of events per minute `GET /status` answers, and how many of the newest dead letters. */
const EVENT_MINUTES = 15;
const LATEST_DEAD_LETTERS = 20;

export interface BridgeStatusAnswer {
  resyncs: ResyncView[];
  queues: QueueSummary;
  /** Webhook events finished per minute, the current minute first, over the last 15 minutes. */
  events: { perMinute: number[] };
  /** The 20 newest dead letters of every queue, newest first, with their reasons (`glint dlq` acts on them). */
  deadLetters: DeadLetterSummary[];
}

/**
 * `GET /status`: the last resync of each installation (its mode, units and limit waits in total and per kind, per-kind
 * progress and errors), the installation's REST and GraphQL budgets, and for a running resync the units it still
 * needs and whether the budget covers them before the reset; dead-letter counts and event lag, events per minute and
 * the newest dead letters (the catalog's bridge page shows all of it).
 */
@Controller()
export class StatusController {
  constructor(
    @Inject(SyncStatusStore) private readonly status: SyncStatusStore,
    @Inject(QueueOverview) private readonly queues: QueueOverview,
    @Inject(ResyncWatermarkStore) private readonly watermarks: ResyncWatermarkStore,
    @Inject(GITHUB_ACCESS) private readonly access: Pick<GithubAccess, 'rateLimits'>,
  ) {}

  @Get('status')
  async current(): Promise<BridgeStatusAnswer> {
    const [resyncs, previous, watermarks, queues, perMinute, deadLetters] = await Promise.all([
      this.status.all(),
      this.status.previous(),
      this.watermarks.all(),
      this.queues.summary(),
      this.queues.eventsPerMinute(EVENT_MINUTES),
      this.queues.latestDeadLetters(LATEST_DEAD_LETTERS),
    ]);
    const views = await Promise.all(resyncs.map((status) => this.viewOf(status, previous.get(status.installationId), watermarks.get(status.installationId))));
    return { resyncs: views.sort((a, b) => a.organization.localeCompare(b.organization)), queues, events: { perMinute }, deadLetters };
  }

  private async budgetsOf(installationId: string): Promise<Partial<Record<RateLimitResource, RateLimitState>>> {
    return (await this.access.rateLimits?.(Number(installationId))) ?? {};
  }

  private async viewOf(status: SyncStatus, previous: SyncStatus | undefined, watermark: ResyncWatermark | undefined): Promise<ResyncView> {
    const budgets = await this.budgetsOf(status.installationId);
    const outlook = resyncOutlook({
      status,
      previousUnits: status.mode ? watermark?.units[status.mode] : undefined,
      budget: budgets.core,
      now: new Date(),
      reservationPercent: DEFAULT_RESERVATION_THRESHOLD_PERCENT,
    });
    return {
      ...status,
      rateLimits: { ...(budgets.core ? { core: budgetView(budgets.core) } : {}), ...(budgets.graphql ? { graphql: budgetView(budgets.graphql) } : {}) },
      ...(watermark ? { watermark: watermark.since } : {}),
      ...(outlook ? { outlook } : {}),
      ...(previous ? { previous } : {}),
    };
  }
}

function budgetView(state: RateLimitState): BudgetView {
  return { limit: state.limit, remaining: state.remaining, resetAt: new Date(state.resetAt).toISOString() };
}
