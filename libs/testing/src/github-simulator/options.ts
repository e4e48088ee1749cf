export interface SimulatorOptions {
  /** Seed of the generated data: the same seed gives the same data. */
  seed?: number;
  organizations?: number;
  reposPerOrg?: number;
  pullRequestsPerRepo?: number;
  issuesPerRepo?: number;
  /**
   * Which GitHub's limits apply. `'github.com'`: GitHub's primary limit per token (PAT and App JWT 5,000/h; an App
   * installation 5,000/h plus 50 per repository and per organization member above 20, at most 12,500/h) and its
   * secondary limits (100 requests in flight per token, 900 points a minute: 1 per read, 5 per write), and GraphQL's
   * own budget of the same sizes in points with 2,000 points a minute. `'ghes'`:
   * GitHub Enterprise Server's default, no rate limits and no `x-ratelimit-*` headers. Absent: a fixed primary
   * limit (`rateLimit`, 5,000/h by default) for every token and no secondary limits.
   */
  limits?: 'github.com' | 'ghes';
  /** A fixed primary limit for every token (per installation, PAT owner, or App for JWT calls), in any `limits` mode. */
  rateLimit?: { limit: number; windowSeconds: number };
  /** Added to every API answer (not to `/_simulator/` mutations, which answer at once). */
  latencyMs?: number;
  /** Spreads `latencyMs` uniformly over ± this many milliseconds (at most `latencyMs`), the same run after run. */
  latencyJitterMs?: number;
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

export type PrimaryLimit = { kind: 'github.com' } | { kind: 'fixed'; limit: number; windowSeconds: number } | { kind: 'none' };

/** The limits in force, from `limits` and `rateLimit`. */
export interface LimitPolicy {
  primary: PrimaryLimit;
  secondary: boolean;
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'dataAnchor' | 'webhook' | 'limits' | 'rateLimit'>> & {
  dataAnchorMs: number;
  webhook?: { url: string; secret: string };
  limits: LimitPolicy;
};

const DAY_MS = 86_400_000;

export function resolveOptions(options: SimulatorOptions, nowMs: number): ResolvedOptions {
  if (options.webhookConcurrency !== undefined && !(Number.isInteger(options.webhookConcurrency) && options.webhookConcurrency >= 1)) {
    throw new Error(`webhookConcurrency must be a whole number of at least 1, got ${options.webhookConcurrency}`);
  }
  const latencyMs = options.latencyMs ?? 0;
  const latencyJitterMs = options.latencyJitterMs ?? 0;
  if (!(latencyMs >= 0)) throw new Error(`latencyMs must be at least 0, got ${options.latencyMs}`);
  if (!(latencyJitterMs >= 0 && latencyJitterMs <= latencyMs)) throw new Error(`latencyJitterMs must be between 0 and latencyMs (${latencyMs}), got ${options.latencyJitterMs}`);
  return {
    seed: options.seed ?? 1,
    organizations: options.organizations ?? 1,
    reposPerOrg: options.reposPerOrg ?? 5,
    pullRequestsPerRepo: options.pullRequestsPerRepo ?? 5,
    issuesPerRepo: options.issuesPerRepo ?? 5,
    limits: resolveLimits(options),
    latencyMs,
    latencyJitterMs,
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

function resolveLimits({ limits, rateLimit }: SimulatorOptions): LimitPolicy {
  const fixed: PrimaryLimit | undefined = rateLimit && { kind: 'fixed', ...rateLimit };
  switch (limits) {
    case 'github.com':
      return { primary: fixed ?? { kind: 'github.com' }, secondary: true };
    case 'ghes':
      return { primary: fixed ?? { kind: 'none' }, secondary: false };
    case undefined:
      return { primary: fixed ?? { kind: 'fixed', limit: 5000, windowSeconds: 3600 }, secondary: false };
  }
}
