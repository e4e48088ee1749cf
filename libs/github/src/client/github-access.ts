import type { GithubConfig } from '@glint/config';
import { AppAuthenticator, type Authorizer, staticAuthorizer } from './app-auth';
import { type Clock, realSleep, type Sleep, systemClock } from './clock';
import { EtagCache, type EtagRedis } from './etag-cache';
import { DEFAULT_RESERVATION_THRESHOLD_PERCENT, RateLimitBudget, type RateLimitListener, type RateLimitState } from './rate-limit-budget';
import { DEFAULT_RESYNC_CONCURRENCY, limitsPolicy, type LimitsListener, type RequestLimiter, SharedRequestLimiter, unlimitedRequests } from './request-limiter';
import { emptyStats, type GithubAccessStats, type GithubRestClient, RestClient } from './rest-client';
import { type RateLimitResource, type SharedBudget, SharedBudgetStore } from './shared-budget-store';
import { type LimitsRedis, SharedLimitsStore } from './shared-limits-store';
import { type GithubGraphqlClient, GraphqlClient } from '../graphql/graphql-client';

export interface GithubInstallation {
  id: number;
  accountLogin: string;
  accountType: 'Organization' | 'User';
  suspended: boolean;
}

export interface GithubAccess {
  /**
   * App mode: every non-suspended installation on an organization or user account (only `GITHUB_ORGANIZATION`'s when
   * set), cached and refreshed at most every 15 minutes. Token mode: one pseudo-installation per account to sync —
   * `GITHUB_ORGANIZATION` when set, otherwise every organization the token belongs to (`GET /user/orgs`); its `id` is
   * the account's GitHub id, not an installation id. Anonymous mode: `GITHUB_ORGANIZATION` only, or none.
   */
  installations(): Promise<GithubInstallation[]>;
  /** App mode: authenticated as the installation. Token and anonymous modes: the one shared client, whatever the id. */
  clientFor(installationId: number): GithubRestClient;
  /** App mode only: authenticated with the App JWT, for `/app/...` routes. */
  appClient(): GithubRestClient;
  /**
   * GitHub's GraphQL API (`graphqlUrl`) as `clientFor(installationId)`'s scope: its credentials, shared limits and
   * retries, with GraphQL's own hourly points. Absent on test doubles: listings then use REST.
   */
  graphqlFor?(installationId: number): GithubGraphqlClient;
  /** Counters since creation (requests, 304s served from the ETag cache, retries, waits). */
  stats(): GithubAccessStats;
  /**
   * The installation's primary rate limits by resource as GitHub last reported them to any pod (with the shared limits'
   * Redis), or to this process; empty before any answer, and on a GHES without rate limits.
   */
  rateLimits?(installationId: number): Promise<Partial<Record<RateLimitResource, RateLimitState>>>;
}

export interface GithubAccessDependencies {
  /** Turns on the ETag cache shared by pods; an ioredis connection (producer role) fits. */
  redis?: EtagRedis;
  clock?: Clock;
  sleep?: Sleep;
  fetch?: typeof fetch;
  /** 'resync' requests wait once this share of a scope's rate limit is used (default 95). */
  reservationThresholdPercent?: number;
  onRateLimit?: RateLimitListener;
  etagKeyPrefix?: string;
  etagTtlSeconds?: number;
  /**
   * Turns on GitHub's secondary limits shared by every pod of an installation (requests in flight, points a minute,
   * secondary-limit pauses, the adaptive resync concurrency); an ioredis connection (producer role) fits. Without it
   * requests are not held back by them.
   */
  limitsRedis?: LimitsRedis;
  /** Where the shared limits live in Redis (default `glint:github:limits:`); tests keep theirs apart. */
  limitsKeyPrefix?: string;
  /** How long a request's lease on the shared limits lasts if its pod dies (default 90 s). */
  limitsLeaseTtlMs?: number;
  onLimits?: LimitsListener;
  /** How long one request may go unanswered before it counts as a network error; default 60 s. */
  requestTimeoutMs?: number;
}

/** The scope of a GraphQL budget is its REST scope's with this suffix. */
const GRAPHQL_SCOPE_SUFFIX = ':graphql';
export const INSTALLATIONS_REFRESH_MS = 15 * 60 * 1_000;
export const DEFAULT_LIMITS_KEY_PREFIX = 'glint:github:limits:';

export function createGithubAccess(config: GithubConfig, dependencies: GithubAccessDependencies = {}): GithubAccess {
  return new DefaultGithubAccess(config, dependencies);
}

interface InstallationPayload {
  id: number;
  suspended_at?: string | null;
  account?: { login?: string; type?: string } | null;
}

interface AccountPayload {
  id: number;
  login: string;
  type?: string;
}

class DefaultGithubAccess implements GithubAccess {
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly fetchImpl: typeof fetch;
  private readonly thresholdPercent: number;
  private readonly etagCache: EtagCache | undefined;
  private readonly counters = emptyStats();
  private readonly budgets = new Map<string, RateLimitBudget>();
  private readonly clients = new Map<string, RestClient>();
  private readonly authorizers = new Map<string, Authorizer>();
  private readonly limiters = new Map<string, RequestLimiter>();
  private readonly graphqlClients = new Map<string, GraphqlClient>();
  private readonly appAuth: AppAuthenticator | undefined;
  private cachedInstallations: { at: number; value: GithubInstallation[] } | undefined;
  private loadingInstallations: Promise<GithubInstallation[]> | undefined;

  constructor(
    private readonly config: GithubConfig,
    private readonly dependencies: GithubAccessDependencies,
  ) {
    this.clock = dependencies.clock ?? systemClock;
    this.sleep = dependencies.sleep ?? realSleep;
    this.fetchImpl = dependencies.fetch ?? fetch;
    this.thresholdPercent = validThreshold(dependencies.reservationThresholdPercent);
    this.etagCache = dependencies.redis ? new EtagCache(dependencies.redis, dependencies.etagKeyPrefix, dependencies.etagTtlSeconds) : undefined;
    const auth = config.auth;
    this.appAuth =
      auth.kind === 'app'
        ? new AppAuthenticator({ appId: auth.appId, privateKey: auth.privateKey.reveal(), apiUrl: config.apiUrl, clock: this.clock, fetch: dependencies.fetch })
        : undefined;
  }

  async installations(): Promise<GithubInstallation[]> {
    const cached = this.cachedInstallations;
    if (cached && this.clock.now() - cached.at < INSTALLATIONS_REFRESH_MS) return cached.value;
    this.loadingInstallations ??= this.loadInstallations()
      .then((value) => {
        this.cachedInstallations = { at: this.clock.now(), value };
        return value;
      })
      .finally(() => {
        this.loadingInstallations = undefined;
      });
    return this.loadingInstallations;
  }

  clientFor(installationId: number): GithubRestClient {
    const auth = this.config.auth;
    switch (auth.kind) {
      case 'app': {
        const appAuth = this.requireAppAuth();
        return this.client(`installation:${installationId}`, () => appAuth.installationAuthorizer(installationId));
      }
      case 'token':
        return this.client('pat', () => staticAuthorizer(auth.token.reveal()));
      case 'none':
        return this.client('anonymous', () => staticAuthorizer(undefined));
    }
  }

  appClient(): GithubRestClient {
    const appAuth = this.requireAppAuth();
    return this.client('app', () => appAuth.appAuthorizer());
  }

  graphqlFor(installationId: number): GithubGraphqlClient {
    this.clientFor(installationId);
    const scope = this.scopeOf(installationId);
    let client = this.graphqlClients.get(scope);
    if (!client) {
      const authorizer = this.authorizers.get(scope);
      if (!authorizer) throw new Error(`no credentials for ${scope}`);
      client = new GraphqlClient({
        graphqlUrl: this.config.graphqlUrl,
        authorizer,
        budget: this.budget(`${scope}${GRAPHQL_SCOPE_SUFFIX}`),
        ...this.transport(scope),
      });
      this.graphqlClients.set(scope, client);
    }
    return client;
  }

  private scopeOf(installationId: number): string {
    const kind = this.config.auth.kind;
    return kind === 'app' ? `installation:${installationId}` : kind === 'token' ? 'pat' : 'anonymous';
  }

  stats(): GithubAccessStats {
    return { ...this.counters };
  }

  async rateLimits(installationId: number): Promise<Partial<Record<RateLimitResource, RateLimitState>>> {
    const scope = this.scopeOf(installationId);
    const shared = this.sharedBudget(scope);
    if (shared) {
      try {
        return await shared.readAll();
      } catch {
        // Redis away: this process's own figure.
      }
    }
    const core = this.budgets.get(scope)?.snapshot();
    const graphql = this.budgets.get(`${scope}${GRAPHQL_SCOPE_SUFFIX}`)?.snapshot();
    return { ...(core ? { core } : {}), ...(graphql ? { graphql } : {}) };
  }

  /** A budget's share in Redis: a GraphQL budget (`<scope>:graphql`) is its scope's `graphql` resource. */
  private sharedBudgetOf(budgetScope: string): SharedBudget | undefined {
    const graphql = budgetScope.endsWith(GRAPHQL_SCOPE_SUFFIX);
    return this.sharedBudget(graphql ? budgetScope.slice(0, -GRAPHQL_SCOPE_SUFFIX.length) : budgetScope)?.forResource(graphql ? 'graphql' : 'core');
  }

  private sharedBudget(scope: string): SharedBudgetStore | undefined {
    const { limitsRedis, limitsKeyPrefix } = this.dependencies;
    return limitsRedis ? new SharedBudgetStore(limitsRedis, scope, limitsKeyPrefix ?? DEFAULT_LIMITS_KEY_PREFIX) : undefined;
  }

  private async loadInstallations(): Promise<GithubInstallation[]> {
    const organization = this.config.organization?.toLowerCase();
    if (this.config.auth.kind === 'app') {
      const found: GithubInstallation[] = [];
      for await (const page of this.appClient().paginate<InstallationPayload>('GET /app/installations')) {
        for (const installation of page) {
          const accountType = installation.account?.type;
          const accountLogin = installation.account?.login;
          // Enterprise-account installations have no repositories of their own to sync.
          if (!accountLogin || (accountType !== 'Organization' && accountType !== 'User')) continue;
          if (installation.suspended_at) continue;
          if (organization && accountLogin.toLowerCase() !== organization) continue;
          found.push({ id: installation.id, accountLogin, accountType, suspended: false });
        }
      }
      return found;
    }
    const client = this.clientFor(0);
    if (this.config.organization) {
      const account = await client.request<AccountPayload>('GET /users/{username}', { username: this.config.organization });
      return [toPseudoInstallation(account, account.type === 'User' ? 'User' : 'Organization')];
    }
    if (this.config.auth.kind === 'none') return [];
    const found: GithubInstallation[] = [];
    for await (const page of client.paginate<AccountPayload>('GET /user/orgs')) {
      found.push(...page.map((account) => toPseudoInstallation(account, 'Organization')));
    }
    return found;
  }

  private client(scope: string, authorizer: () => Authorizer): RestClient {
    let client = this.clients.get(scope);
    if (!client) {
      const shared = authorizer();
      this.authorizers.set(scope, shared);
      client = new RestClient({
        apiUrl: this.config.apiUrl,
        authorizer: shared,
        budget: this.budget(scope),
        etagCache: this.etagCache,
        ...this.transport(scope),
      });
      this.clients.set(scope, client);
    }
    return client;
  }

  /** What a scope's REST and GraphQL clients share: the clock, the wire, the counters and the limits' queue. */
  private transport(scope: string) {
    return { clock: this.clock, sleep: this.sleep, fetch: this.fetchImpl, stats: this.counters, requestTimeoutMs: this.dependencies.requestTimeoutMs, limiter: this.limiter(scope) };
  }

  /** One per scope: REST and GraphQL requests of a scope queue together for its secondary limits. */
  private limiter(scope: string): RequestLimiter {
    const { limitsRedis, limitsKeyPrefix, limitsLeaseTtlMs, onLimits } = this.dependencies;
    if (!limitsRedis) return unlimitedRequests;
    let limiter = this.limiters.get(scope);
    if (!limiter) {
      const policy = limitsPolicy(this.config.maxConcurrency ?? DEFAULT_RESYNC_CONCURRENCY, limitsLeaseTtlMs);
      const store = new SharedLimitsStore(limitsRedis, scope, policy, limitsKeyPrefix ?? DEFAULT_LIMITS_KEY_PREFIX);
      limiter = new SharedRequestLimiter({ store, scope, clock: this.clock, listener: onLimits });
      this.limiters.set(scope, limiter);
    }
    return limiter;
  }

  private budget(scope: string): RateLimitBudget {
    let budget = this.budgets.get(scope);
    if (!budget) {
      budget = new RateLimitBudget(scope, this.clock, this.sleep, this.thresholdPercent, this.dependencies.onRateLimit, this.sharedBudgetOf(scope));
      this.budgets.set(scope, budget);
    }
    return budget;
  }

  private requireAppAuth(): AppAuthenticator {
    if (!this.appAuth) throw new Error('GitHub App credentials (APP_ID and PRIVATE_KEY) are needed for /app routes; this deployment uses a token or none');
    return this.appAuth;
  }
}

function toPseudoInstallation(account: AccountPayload, accountType: GithubInstallation['accountType']): GithubInstallation {
  return { id: account.id, accountLogin: account.login, accountType, suspended: false };
}

function validThreshold(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 && value <= 100 ? value : DEFAULT_RESERVATION_THRESHOLD_PERCENT;
}
