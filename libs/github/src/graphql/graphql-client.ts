import { type Authorizer, GITHUB_USER_AGENT } from '../client/app-auth';
import type { Clock, Sleep } from '../client/clock';
import { GithubApiError, GithubAuthenticationError, GithubPermissionError, GithubRateLimitError } from '../client/errors';
import type { RateLimitBudget, RequestPurpose } from '../client/rate-limit-budget';
import { type RequestLimiter, type RequestOutcome, unlimitedRequests } from '../client/request-limiter';
import { alsoReportingTo, BACKOFF_BASE_MS, describeFailure, type GithubAccessStats, MAX_RATE_LIMIT_WAITS, MAX_SERVER_ATTEMPTS, type RequestMeter, retryAfterMs } from '../client/rest-client';

export interface GraphqlQueryOptions {
  purpose?: RequestPurpose;
}

/** GitHub's GraphQL API for one scope: the same credentials, limits and retries as its REST client. */
export interface GithubGraphqlClient {
  /** The query's `data`; GraphQL errors (answered with HTTP 200) become typed errors. */
  query<T>(document: string, variables?: Record<string, unknown>, options?: GraphqlQueryOptions): Promise<T>;
  /** The same client, whose queries' points and waits are also reported to `meter`. */
  metered?(meter: RequestMeter): GithubGraphqlClient;
}

/** An error GitHub listed in a GraphQL answer's `errors`. */
export interface GraphqlErrorEntry {
  type?: string;
  message: string;
  path?: ReadonlyArray<string | number>;
}

/** GraphQL errors that are not about limits: a wrong query, a missing object, a missing permission. */
export class GithubGraphqlError extends GithubApiError {
  constructor(
    message: string,
    readonly errors: readonly GraphqlErrorEntry[],
  ) {
    super(message, 200, 'POST /graphql');
  }
}

/**
 * The query asked for more than GitHub would compute in time or in nodes (a timeout answer, RESOURCE_LIMITS_EXCEEDED,
 * MAX_NODE_LIMIT_EXCEEDED): the same query with smaller pages may pass.
 */
export class GraphqlQueryTooLargeError extends GithubApiError {
  constructor(
    message: string,
    status: number,
    readonly reason: string,
  ) {
    super(message, status, 'POST /graphql');
  }
}

export interface GraphqlClientDependencies {
  graphqlUrl: string;
  authorizer: Authorizer;
  /** GraphQL's own hourly points (resource `graphql`), apart from REST's. */
  budget: RateLimitBudget;
  clock: Clock;
  sleep: Sleep;
  fetch: typeof fetch;
  stats: GithubAccessStats;
  limiter?: RequestLimiter;
  random?: () => number;
  requestTimeoutMs?: number;
  meter?: RequestMeter;
}

const ROUTE = 'POST /graphql';
const REQUEST_TIMEOUT_MS = 60_000;
const RATE_LIMIT_FALLBACK_MS = 60_000;
const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);
const TOO_LARGE_TYPES = new Set(['RESOURCE_LIMITS_EXCEEDED', 'MAX_NODE_LIMIT_EXCEEDED']);
/** GitHub's answer when a query ran out of its 10 seconds: "Something went wrong while executing your query. This may be the result of a timeout…". */
const TIMEOUT_MESSAGE = /timeout|something went wrong while executing your query/i;

interface GraphqlBody {
  data?: unknown;
  errors?: GraphqlErrorEntry[];
  message?: string;
}

export class GraphqlClient implements GithubGraphqlClient {
  private readonly limiter: RequestLimiter;
  private readonly onGithubCom: boolean;

  constructor(private readonly deps: GraphqlClientDependencies) {
    this.limiter = deps.limiter ?? unlimitedRequests;
    this.onGithubCom = new URL(deps.graphqlUrl).hostname === 'api.github.com';
  }

  metered(meter: RequestMeter): GithubGraphqlClient {
    return new GraphqlClient({ ...this.deps, meter: alsoReportingTo(this.deps.meter, meter) });
  }

  async query<T>(document: string, variables: Record<string, unknown> = {}, options: GraphqlQueryOptions = {}): Promise<T> {
    const { deps } = this;
    const purpose = options.purpose ?? 'live';
    const body = JSON.stringify({ query: document, variables });
    let serverAttempts = 0;
    let rateLimitWaits = 0;
    let refreshed = false;
    for (;;) {
      const budgetWaitMs = await deps.budget.acquire(purpose);
      if (budgetWaitMs > 0) this.waited(budgetWaitMs);
      // GitHub counts a query (no mutation) as one point against the secondary limit, as it counts a GET.
      const permit = await this.limiter.acquire(purpose, 'GET', this.onGithubCom || deps.budget.snapshot() !== undefined);
      if (permit.waitedMs > 0) this.waited(permit.waitedMs);

      let response: Response;
      let authorization: string | undefined;
      try {
        authorization = await deps.authorizer.authorization();
        deps.stats.graphqlQueries += 1;
        response = await deps.fetch(deps.graphqlUrl, {
          method: 'POST',
          headers: {
            accept: 'application/vnd.github+json',
            'content-type': 'application/json; charset=utf-8',
            'user-agent': GITHUB_USER_AGENT,
            ...(authorization ? { authorization } : {}),
          },
          body,
          signal: AbortSignal.timeout(deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        permit.release('failed');
        if (error instanceof GithubApiError && error.status > 0 && error.status < 500) throw error;
        serverAttempts += 1;
        if (serverAttempts >= MAX_SERVER_ATTEMPTS) throw new GithubApiError(`${ROUTE} failed after ${serverAttempts} attempts: ${describeFailure(error)}`, 0, ROUTE);
        await this.backOff(serverAttempts);
        continue;
      }
      permit.release(outcomeOf(response.status));
      deps.budget.observe(asOwnResource(response.headers));
      const status = response.status;
      const answer = await readJson(response);
      const githubMessage = messageOf(answer);

      if (status === 200 && answer) {
        const errors = answer.errors ?? [];
        if (errors.some((error) => error.type === 'RATE_LIMITED')) {
          rateLimitWaits += 1;
          if (rateLimitWaits > MAX_RATE_LIMIT_WAITS) throw new GithubRateLimitError(`${ROUTE}: still rate limited after ${MAX_RATE_LIMIT_WAITS} waits`, 200, ROUTE);
          this.exhaustBudget(response.headers);
          continue;
        }
        const tooLarge = errors.find((error) => error.type !== undefined && TOO_LARGE_TYPES.has(error.type));
        if (tooLarge) throw new GraphqlQueryTooLargeError(`${ROUTE}: ${tooLarge.type}: ${tooLarge.message}`, 200, tooLarge.type ?? 'too large');
        if (errors.length > 0) throw graphqlError(errors, deps.authorizer);
        if (answer.data === undefined || answer.data === null) throw new GithubGraphqlError(`${ROUTE} answered without data`, []);
        const cost = costOf(answer.data);
        deps.stats.graphqlPoints += cost;
        deps.meter?.charged('graphql', cost);
        return answer.data as T;
      }

      if (status === 401) {
        if (!refreshed && (await deps.authorizer.refresh(authorization))) {
          refreshed = true;
          continue;
        }
        throw new GithubAuthenticationError(`${ROUTE} answered 401: the credentials were refused${githubMessage ? `; GitHub said: ${JSON.stringify(githubMessage)}` : ''}`, 401, ROUTE);
      }

      const rateLimitWait = this.rateLimitWait(response, githubMessage);
      if (rateLimitWait !== undefined) {
        rateLimitWaits += 1;
        if (rateLimitWaits > MAX_RATE_LIMIT_WAITS) throw new GithubRateLimitError(`${ROUTE} answered ${status}: still rate limited after ${MAX_RATE_LIMIT_WAITS} waits`, status, ROUTE);
        if (rateLimitWait > 0) {
          if (response.headers.get('x-ratelimit-remaining') !== '0') await this.limiter.slowDown(rateLimitWait);
          await deps.sleep(rateLimitWait);
          this.waited(rateLimitWait);
        }
        continue;
      }

      if ((status === 502 || status === 504) && TIMEOUT_MESSAGE.test(githubMessage ?? '')) {
        throw new GraphqlQueryTooLargeError(`${ROUTE} answered ${status}: the query timed out (${githubMessage})`, status, 'timeout');
      }
      if (RETRYABLE_STATUSES.has(status)) {
        serverAttempts += 1;
        if (serverAttempts >= MAX_SERVER_ATTEMPTS) throw new GithubApiError(`${ROUTE} answered ${status} ${serverAttempts} times${githubMessage ? `; GitHub said: ${JSON.stringify(githubMessage)}` : ''}`, status, ROUTE);
        await this.backOff(serverAttempts, retryAfterMs(response.headers.get('retry-after'), deps.clock.now()));
        continue;
      }
      if (status === 403 || status === 404) {
        throw new GithubPermissionError(`${ROUTE} answered ${status}${githubMessage ? `: ${githubMessage}` : ''}`, status, ROUTE, undefined);
      }
      throw new GithubApiError(`${ROUTE} answered ${status}${githubMessage ? `: ${githubMessage}` : ''}`, status, ROUTE);
    }
  }

  private waited(ms: number): void {
    this.deps.stats.rateLimitWaits += 1;
    this.deps.meter?.waited(ms);
  }

  /** A RATE_LIMITED answer: the hourly points are spent until `x-ratelimit-reset` (a minute when it is missing). */
  private exhaustBudget(headers: Headers): void {
    const reset = Number(headers.get('x-ratelimit-reset'));
    const limit = Number(headers.get('x-ratelimit-limit'));
    const resetAt = Number.isFinite(reset) && reset > 0 ? reset * 1_000 : this.deps.clock.now() + RATE_LIMIT_FALLBACK_MS;
    this.deps.budget.exhaust(resetAt, limit > 0 ? limit : undefined);
  }

  /** As REST: a primary limit marks the budget spent; a secondary one waits `retry-after` (a minute when missing). */
  private rateLimitWait(response: Response, githubMessage: string | undefined): number | undefined {
    const { status, headers } = response;
    if (status !== 403 && status !== 429) return undefined;
    const retryAfter = retryAfterMs(headers.get('retry-after'), this.deps.clock.now());
    if (retryAfter !== undefined) return retryAfter;
    if (headers.get('x-ratelimit-remaining') === '0') {
      this.exhaustBudget(headers);
      return 0;
    }
    if (status === 429 || /rate limit/i.test(githubMessage ?? '')) return RATE_LIMIT_FALLBACK_MS;
    return undefined;
  }

  private async backOff(attempt: number, retryAfter?: number): Promise<void> {
    const { deps } = this;
    deps.stats.serverRetries += 1;
    const jitter = 1 + (deps.random ?? Math.random)() * 0.2;
    await deps.sleep(retryAfter ?? BACKOFF_BASE_MS * 2 ** (attempt - 1) * jitter);
  }
}

/** GraphQL's budget counts the `graphql` resource as REST's counts `core`: its answers are shown to it as its own. */
function asOwnResource(headers: Headers): { get(name: string): string | null } {
  if (headers.get('x-ratelimit-resource') !== 'graphql') return headers;
  return { get: (name) => (name.toLowerCase() === 'x-ratelimit-resource' ? null : headers.get(name)) };
}

function outcomeOf(status: number): RequestOutcome {
  if (status === 403 || status === 429) return 'refused';
  return 'answered';
}

async function readJson(response: Response): Promise<GraphqlBody | undefined> {
  const text = await response.text().catch(() => '');
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as GraphqlBody) : undefined;
  } catch {
    return { message: text.slice(0, 200) };
  }
}

function messageOf(body: GraphqlBody | undefined): string | undefined {
  if (!body) return undefined;
  if (typeof body.message === 'string') return body.message;
  const first = body.errors?.[0];
  return first ? first.message : undefined;
}

/** What the query cost, when it asked (`rateLimit { cost }`); one point otherwise, GitHub's least. */
function costOf(data: unknown): number {
  const rateLimit = (data as { rateLimit?: { cost?: unknown } } | null)?.rateLimit;
  return typeof rateLimit?.cost === 'number' ? rateLimit.cost : 1;
}

function graphqlError(errors: readonly GraphqlErrorEntry[], authorizer: Authorizer): GithubApiError {
  const said = errors.map((error) => `${error.type ? `${error.type}: ` : ''}${error.message}${error.path ? ` (at ${error.path.join('.')})` : ''}`).join('; ');
  if (errors.every((error) => error.type === 'FORBIDDEN' || error.type === 'INSUFFICIENT_SCOPES')) {
    const who = authorizer.principal === 'app' ? 'the GitHub App installation' : 'the token';
    return new GithubPermissionError(`${ROUTE}: ${who} may not read what the query asks for; GitHub said: ${said}`, 403, ROUTE, undefined);
  }
  return new GithubGraphqlError(`${ROUTE} answered errors: ${said}`, errors);
}
