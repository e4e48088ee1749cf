import { Controller, Get, Inject } from '@nestjs/common';
import { DEFAULT_RESERVATION_THRESHOLD_PERCENT, type GithubAccess, type RateLimitResource, type RateLimitState } from '@glint/github';
import { QueueOverview, QueueSummary } from '@glint/queue';
import { resyncOutlook, type ResyncOutlook } from './budget-outlook';
import { ResyncWatermarkStore } from './resync-watermarks';
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
  /** The next incremental resync lists changes from here (ISO); absent before the first complete resync. */
  watermark?: string;
  outlook?: ResyncOutlook;
};

/**
 * `GET /status`: the last resync of each installation (its mode, units and limit waits in total and per kind, per-kind
 * progress and errors), the installation's REST and GraphQL budgets, and for a running resync the units it still
 * needs and whether the budget covers them before the reset; dead-letter counts and event lag.
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
  async current(): Promise<{ resyncs: ResyncView[]; queues: QueueSummary }> {
    const [resyncs, queues] = await Promise.all([this.status.all(), this.queues.summary()]);
    const views = await Promise.all(resyncs.map((status) => this.viewOf(status)));
    return { resyncs: views.sort((a, b) => a.organization.localeCompare(b.organization)), queues };
  }

  private async budgetsOf(installationId: string): Promise<Partial<Record<RateLimitResource, RateLimitState>>> {
    return (await this.access.rateLimits?.(Number(installationId))) ?? {};
  }

  private async viewOf(status: SyncStatus): Promise<ResyncView> {
    const [watermark, budgets] = await Promise.all([this.watermarks.get(status.installationId), this.budgetsOf(status.installationId)]);
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
    };
  }
}

function budgetView(state: RateLimitState): BudgetView {
  return { limit: state.limit, remaining: state.remaining, resetAt: new Date(state.resetAt).toISOString() };
}
