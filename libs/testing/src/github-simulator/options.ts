export interface SimulatorOptions {
  /** Seed of the generated data: the same seed gives the same data. */
  seed?: number;
  organizations?: number;
  reposPerOrg?: number;
  pullRequestsPerRepo?: number;
  issuesPerRepo?: number;
  /** Primary rate limit per installation (or per PAT owner, or per App for JWT calls). */
  rateLimit?: { limit: number; windowSeconds: number };
  /** Added to every response. */
  latencyMs?: number;
  appId?: number;
  /**
   * The instant generated dates are relative to (created/updated/closed dates spread over the 120 days before it).
   * Default: the start time, truncated to the UTC day.
   */
  dataAnchor?: Date;
  /** The App's webhook: every event is POSTed here (also `configureWebhook()` at run time). */
  webhook?: { url: string; secret: string };
  /** How many webhook delivery attempts the delivery log keeps, the newest (default: every one). */
  deliveryLogLimit?: number;
  /**
   * How many deliveries to one hook may be in flight at once (default 1: one at a time, arriving in the order the
   * events happened). GitHub delivers concurrently and does not promise an order; load tests need more than one.
   */
  webhookConcurrency?: number;
  /** How long a webhook delivery may take before it is logged as failed (GitHub: 10 s). */
  webhookTimeoutMs?: number;
  /** How long a dispatched workflow run stays in each of `queued` and `in_progress`. */
  runStepMs?: number;
  /** Whether `return_run_details: true` on a workflow dispatch answers 200 with the run (newer GitHub) or 204. */
  supportsReturnRunDetails?: boolean;
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'dataAnchor' | 'webhook'>> & { dataAnchorMs: number; webhook?: { url: string; secret: string } };

const DAY_MS = 86_400_000;

export function resolveOptions(options: SimulatorOptions, nowMs: number): ResolvedOptions {
  if (options.webhookConcurrency !== undefined && !(Number.isInteger(options.webhookConcurrency) && options.webhookConcurrency >= 1)) {
    throw new Error(`webhookConcurrency must be a whole number of at least 1, got ${options.webhookConcurrency}`);
  }
  return {
    seed: options.seed ?? 1,
    organizations: options.organizations ?? 1,
    reposPerOrg: options.reposPerOrg ?? 5,
    pullRequestsPerRepo: options.pullRequestsPerRepo ?? 5,
    issuesPerRepo: options.issuesPerRepo ?? 5,
    rateLimit: options.rateLimit ?? { limit: 5000, windowSeconds: 3600 },
    latencyMs: options.latencyMs ?? 0,
    appId: options.appId ?? 1,
    dataAnchorMs: options.dataAnchor?.getTime() ?? Math.floor(nowMs / DAY_MS) * DAY_MS,
    webhook: options.webhook,
    deliveryLogLimit: options.deliveryLogLimit ?? Infinity,
    webhookConcurrency: options.webhookConcurrency ?? 1,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
    runStepMs: options.runStepMs ?? 200,
    supportsReturnRunDetails: options.supportsReturnRunDetails ?? true,
  };
}
