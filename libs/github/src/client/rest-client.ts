import { request as octokitRequest } from '@octokit/request';
import { type Authorizer, GITHUB_USER_AGENT } from './app-auth';
import type { Clock, Sleep } from './clock';
import { GithubApiError, GithubAuthenticationError, GithubPermissionError, GithubRateLimitError } from './errors';
import type { EtagCache } from './etag-cache';
import { permissionFor, permissionMessage } from './permissions';
import { countsAgainstCore, type RateLimitBudget, type RequestPurpose } from './rate-limit-budget';
import { type RequestLimiter, type RequestOutcome, unlimitedRequests } from './request-limiter';

export interface RequestOptions {
  purpose?: RequestPurpose;
  /**
   * False for a request that must not be sent twice (a workflow dispatch): a 5xx or a network error is reported at
   * once, since GitHub may have acted on it; the caller finds out what happened. Rate-limit waits still apply.
   */
  retryServerErrors?: boolean;
  /**
   * False to bypass the ETag cache: for answers read once and thrown away (webhook delivery logs, whose cursor pages
   * would fill Redis) or that a write decision depends on.
   */
  cached?: boolean;
}

export interface PaginateOptions extends RequestOptions {
  perPage?: number;
  /** The array inside an object page, e.g. 'workflows' for `{ total_count, workflows }`. */
  itemsKey?: string;
  maxPages?: number;
}

export interface GithubRestClient {
  /** Route like 'GET /repos/{owner}/{repo}'; params fill the template, the rest go to the query (GET) or body. */
  request<T>(route: string, params?: Record<string, unknown>, options?: RequestOptions): Promise<T>;
  /** Pages of items, following Link rel="next"; never the whole list in memory. */
  paginate<T>(route: string, params?: Record<string, unknown>, options?: PaginateOptions): AsyncIterable<T[]>;
  /**
   * The same client (same budget, limits, cache and token) whose requests are also reported to `meter`: how a resync
   * attributes the rate-limit units and waits of its requests to the kind being listed. Absent on test doubles.
   */
  metered?(meter: RequestMeter): GithubRestClient;
}

/** Where a metered client reports what its requests cost. */
export interface RequestMeter {
  /** An answer that counted against the primary rate limit: REST, every answer but a 304 (1 unit each). */
  charged(resource: 'core' | 'graphql', units: number): void;
  /** Milliseconds a request waited for a rate limit, the resync reservation or the limits shared by pods. */
  waited(ms: number): void;
}

/** Counters shared by every client of one `GithubAccess`. */
export interface GithubAccessStats {
  requests: number;
  /** 304 answers served from the ETag cache. */
  notModified: number;
  /** Retries after 5xx answers or network errors. */
  serverRetries: number;
  /** Waits for a primary or secondary rate limit, the resync reservation, or the limits shared by pods. */
  rateLimitWaits: number;
  /** Pages fetched again at half their size after a 5xx. */
  pageShrinks: number;
  /** GraphQL queries sent (each also counted in no REST figure above but the retries and waits). */
  graphqlQueries: number;
  /** GraphQL points spent, as the queries' `rateLimit { cost }` reported (1 when a query did not ask). */
  graphqlPoints: number;
}

export function emptyStats(): GithubAccessStats {
  return { requests: 0, notModified: 0, serverRetries: 0, rateLimitWaits: 0, pageShrinks: 0, graphqlQueries: 0, graphqlPoints: 0 };
}

export interface RestClientDependencies {
  apiUrl: string;
  authorizer: Authorizer;
  budget: RateLimitBudget;
  etagCache?: EtagCache;
  clock: Clock;
  sleep: Sleep;
  fetch: typeof fetch;
  stats: GithubAccessStats;
  random?: () => number;
  /** GitHub's secondary limits (requests in flight, points a minute), shared by every pod of the scope; none when absent. */
  limiter?: RequestLimiter;
  /** How long one request may go unanswered before it counts as a network error (60 s). */
  requestTimeoutMs?: number;
  meter?: RequestMeter;
}

export const MAX_SERVER_ATTEMPTS = 5;
export const BACKOFF_BASE_MS = 500;
export const MAX_RATE_LIMIT_WAITS = 10;
export const MIN_PAGE_SIZE = 25;
export const DEFAULT_PAGE_SIZE = 100;
/** GitHub asks for at least a minute when a secondary limit comes without `retry-after`. */
const SECONDARY_LIMIT_FALLBACK_MS = 60_000;
const REQUEST_TIMEOUT_MS = 60_000;
const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);

interface Prepared {
  method: string;
  url: string;
  body?: string;
}

interface SendOptions {
  shrink?: (url: string) => string | undefined;
  maxServerAttempts?: number;
  cached: boolean;
}

interface Answer {
  body: unknown;
  link: string | null;
}

/**
 * REST access for one scope: auth header, rate-limit budget, ETag cache, retries, typed errors. Pagination shrinks
 * a failing page instead of skipping it: page p of size s becomes page 2p−1 of size s/2, whose successor (2p) is
 * the other half.
 */
export class RestClient implements GithubRestClient {
  private readonly endpoint: typeof octokitRequest.endpoint;
  private readonly origin: string;
  private readonly limiter: RequestLimiter;
  private readonly onGithubCom: boolean;

  constructor(private readonly deps: RestClientDependencies) {
    this.endpoint = octokitRequest.endpoint.defaults({ baseUrl: deps.apiUrl.replace(/\/+$/, '') });
    this.origin = new URL(deps.apiUrl).origin;
    this.limiter = deps.limiter ?? unlimitedRequests;
    this.onGithubCom = new URL(deps.apiUrl).hostname === 'api.github.com';
  }

  metered(meter: RequestMeter): GithubRestClient {
    return new RestClient({ ...this.deps, meter: alsoReportingTo(this.deps.meter, meter) });
  }

  async request<T>(route: string, params: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<T> {
    const answer = await this.send(this.prepare(route, params), options.purpose ?? 'live', {
      maxServerAttempts: options.retryServerErrors === false ? 1 : MAX_SERVER_ATTEMPTS,
      cached: options.cached !== false,
    });
    return answer.body as T;
  }

  async *paginate<T>(route: string, params: Record<string, unknown> = {}, options: PaginateOptions = {}): AsyncIterable<T[]> {
    const perPage = options.perPage ?? (typeof params['per_page'] === 'number' ? params['per_page'] : DEFAULT_PAGE_SIZE);
    let next: Prepared | undefined = this.prepare(route, { ...params, per_page: perPage });
    const purpose = options.purpose ?? 'live';
    for (let pages = 0; next && (options.maxPages === undefined || pages < options.maxPages); pages += 1) {
      const current: Prepared = next;
      const answer = await this.send(current, purpose, { shrink: (url) => this.shrinkPage(url), cached: options.cached !== false });
      const items = itemsOf<T>(answer.body, options.itemsKey, this.routeName(current.method, current.url));
      if (items.length === 0) return;
      yield items;
      const nextUrl = nextLink(answer.link);
      next = nextUrl ? { method: current.method, url: this.sameOrigin(nextUrl, current) } : undefined;
    }
  }

  private prepare(route: string, params: Record<string, unknown>): Prepared {
    const options = this.endpoint(route, params);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    return { method: options.method, url: options.url, body };
  }

  private async send(prepared: Prepared, purpose: RequestPurpose, how: SendOptions): Promise<Answer> {
    const { deps } = this;
    const { shrink, maxServerAttempts = MAX_SERVER_ATTEMPTS } = how;
    const etagCache = how.cached && prepared.method === 'GET' ? deps.etagCache : undefined;
    let url = prepared.url;
    let serverAttempts = 0;
    let rateLimitWaits = 0;
    let refreshed = false;
    for (;;) {
      const routeName = this.routeName(prepared.method, url);
      const budgetWaitMs = await deps.budget.acquire(purpose);
      if (budgetWaitMs > 0) {
        deps.stats.rateLimitWaits += 1;
        deps.meter?.waited(budgetWaitMs);
      }
      const cached = etagCache ? await etagCache.get(deps.budget.scope, url) : undefined;
      const permit = await this.limiter.acquire(purpose, prepared.method, this.pointsApply());
      if (permit.waitedMs > 0) {
        deps.stats.rateLimitWaits += 1;
        deps.meter?.waited(permit.waitedMs);
      }

      let response: Response;
      let authorization: string | undefined;
      try {
        authorization = await deps.authorizer.authorization();
        deps.stats.requests += 1;
        response = await deps.fetch(url, {
          method: prepared.method,
          headers: this.headers(authorization, cached?.etag, prepared.body !== undefined),
          body: prepared.body,
          signal: AbortSignal.timeout(deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        permit.release('failed');
        if (error instanceof GithubApiError && error.status > 0 && error.status < 500) throw error;
        serverAttempts += 1;
        if (serverAttempts >= maxServerAttempts) {
          throw new GithubApiError(`${routeName} failed after ${serverAttempts} attempts: ${describeFailure(error)}`, error instanceof GithubApiError ? error.status : 0, routeName);
        }
        url = await this.backOff(serverAttempts, url, shrink);
        continue;
      }

      permit.release(outcomeOf(response.status));
      deps.budget.observe(response.headers);
      const status = response.status;

      if (status === 304 && cached) {
        await response.body?.cancel();
        deps.budget.refund();
        deps.stats.notModified += 1;
        return { body: cached.body, link: cached.link ?? null };
      }

      if (status >= 200 && status < 300) {
        deps.meter?.charged('core', 1);
        const body = await readBody(response);
        const etag = response.headers.get('etag');
        const link = response.headers.get('link');
        if (etag && etagCache) {
          await etagCache.set(deps.budget.scope, url, { etag, body, ...(link ? { link } : {}) });
        }
        return { body, link };
      }

      const errorBody = await readBody(response).catch(() => undefined);
      const githubMessage = messageOf(errorBody);

      if (status === 401) {
        if (!refreshed && (await deps.authorizer.refresh(authorization))) {
          refreshed = true;
          continue;
        }
        throw new GithubAuthenticationError(
          `${routeName} answered 401${refreshed ? ' again after a token refresh' : ''}: the credentials were refused${githubMessage ? `; GitHub said: ${JSON.stringify(githubMessage)}` : ''}`,
          401,
          routeName,
        );
      }

      const rateLimitWait = this.rateLimitWait(response, githubMessage);
      if (rateLimitWait !== undefined) {
        rateLimitWaits += 1;
        if (rateLimitWaits > MAX_RATE_LIMIT_WAITS) {
          throw new GithubRateLimitError(`${routeName} answered ${status}: still rate limited after ${MAX_RATE_LIMIT_WAITS} waits`, status, routeName);
        }
        if (rateLimitWait > 0) {
          deps.stats.rateLimitWaits += 1;
          // A secondary limit holds every request of the scope back, in every pod; a primary one is the budget's.
          if (response.headers.get('x-ratelimit-remaining') !== '0') await this.limiter.slowDown(rateLimitWait);
          await deps.sleep(rateLimitWait);
          deps.meter?.waited(rateLimitWait);
        }
        continue;
      }

      // Refusals for a rate limit and refused credentials aside, an answer counts against the limit.
      deps.meter?.charged('core', 1);
      if (RETRYABLE_STATUSES.has(status)) {
        serverAttempts += 1;
        if (serverAttempts >= maxServerAttempts) {
          throw new GithubApiError(`${routeName} answered ${status} ${serverAttempts} times${githubMessage ? `; GitHub said: ${JSON.stringify(githubMessage)}` : ''}`, status, routeName);
        }
        const retryAfter = retryAfterMs(response.headers.get('retry-after'), deps.clock.now());
        url = await this.backOff(serverAttempts, url, shrink, retryAfter);
        continue;
      }

      if (status === 403 || status === 404) {
        const path = new URL(url).pathname.slice(this.basePath().length) || '/';
        const hint = permissionFor(prepared.method, path);
        throw new GithubPermissionError(permissionMessage(routeName, status, hint, deps.authorizer.principal, githubMessage), status, routeName, hint?.permission);
      }

      throw new GithubApiError(`${routeName} answered ${status}${githubMessage ? `: ${githubMessage}` : ''}`, status, routeName);
    }
  }

  /**
   * Whether requests cost points against a minute's budget: on GitHub.com, and on a GitHub Enterprise Server that
   * answers with rate-limit headers (its rate limiting turned on); not on one that does not.
   */
  private pointsApply(): boolean {
    return this.onGithubCom || this.deps.budget.snapshot() !== undefined;
  }

  /**
   * Milliseconds to wait before retrying, or undefined when the answer is no rate limit. A primary limit marks the
   * budget spent (the next `acquire` waits for the reset); a secondary one waits `retry-after`.
   */
  private rateLimitWait(response: Response, githubMessage: string | undefined): number | undefined {
    const { status, headers } = response;
    const now = this.deps.clock.now();
    const retryAfter = retryAfterMs(headers.get('retry-after'), now);
    if (status !== 403 && status !== 429) return undefined;
    if (retryAfter !== undefined) return retryAfter;
    if (headers.get('x-ratelimit-remaining') === '0') {
      const reset = Number(headers.get('x-ratelimit-reset'));
      const limit = Number(headers.get('x-ratelimit-limit'));
      // Another resource's limit spent (search: 30 a minute): this request waits for its reset, the REST budget goes on.
      if (!countsAgainstCore(headers)) return Number.isFinite(reset) && reset > 0 ? Math.max(1, reset * 1_000 - now) : SECONDARY_LIMIT_FALLBACK_MS;
      this.deps.budget.exhaust(Number.isFinite(reset) && reset > 0 ? reset * 1_000 : now + SECONDARY_LIMIT_FALLBACK_MS, limit > 0 ? limit : undefined);
      return 0;
    }
    if (status === 429 || /rate limit/i.test(githubMessage ?? '')) return SECONDARY_LIMIT_FALLBACK_MS;
    return undefined;
  }

  private async backOff(attempt: number, url: string, shrink: ((url: string) => string | undefined) | undefined, retryAfter?: number): Promise<string> {
    const { deps } = this;
    deps.stats.serverRetries += 1;
    const jitter = 1 + (deps.random ?? Math.random)() * 0.2;
    await deps.sleep(retryAfter ?? BACKOFF_BASE_MS * 2 ** (attempt - 1) * jitter);
    const smaller = shrink?.(url);
    if (smaller === undefined) return url;
    deps.stats.pageShrinks += 1;
    return smaller;
  }

  /** Page p of size s → page 2p−1 of size s/2 (floor 25); undefined when the page cannot shrink. */
  private shrinkPage(url: string): string | undefined {
    const parsed = new URL(url);
    const size = Number(parsed.searchParams.get('per_page') ?? DEFAULT_PAGE_SIZE);
    const half = size / 2;
    // An odd size or one below the floor would leave a gap or overlap between the halves.
    if (!Number.isInteger(half) || half < MIN_PAGE_SIZE) return undefined;
    parsed.searchParams.set('per_page', String(half));
    const pageParam = parsed.searchParams.get('page');
    const isCursor = ['after', 'before', 'cursor'].some((name) => parsed.searchParams.has(name));
    if (!isCursor) {
      const page = pageParam === null ? 1 : Number(pageParam);
      if (!Number.isInteger(page) || page < 1) return undefined;
      parsed.searchParams.set('page', String(2 * page - 1));
    }
    return parsed.toString();
  }

  private headers(authorization: string | undefined, etag: string | undefined, hasBody: boolean): Record<string, string> {
    return {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': GITHUB_USER_AGENT,
      ...(authorization ? { authorization } : {}),
      ...(etag ? { 'if-none-match': etag } : {}),
      ...(hasBody ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    };
  }

  private sameOrigin(nextUrl: string, current: Prepared): string {
    const resolved = new URL(nextUrl, current.url);
    // Never send the token to another host, whatever a Link header says.
    if (resolved.origin !== this.origin) {
      throw new GithubApiError(`${this.routeName(current.method, current.url)} linked to another host (${resolved.origin})`, 0, this.routeName(current.method, current.url));
    }
    return resolved.toString();
  }

  private basePath(): string {
    return new URL(this.deps.apiUrl).pathname.replace(/\/+$/, '');
  }

  private routeName(method: string, url: string): string {
    const path = new URL(url).pathname;
    const base = this.basePath();
    return `${method} ${base && path.startsWith(base) ? path.slice(base.length) || '/' : path}`;
  }
}

function outcomeOf(status: number): RequestOutcome {
  if (status === 304) return 'not-modified';
  if (status === 403 || status === 429) return 'refused';
  return 'answered';
}

function itemsOf<T>(body: unknown, itemsKey: string | undefined, route: string): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const key = itemsKey ?? Object.keys(record).find((candidate) => Array.isArray(record[candidate]));
    if (key !== undefined && Array.isArray(record[key])) return record[key] as T[];
  }
  throw new GithubApiError(`${route} did not answer a list${itemsKey ? ` under '${itemsKey}'` : ''}`, 200, route);
}

function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (match && match[2].split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return text;
  return JSON.parse(text) as unknown;
}

function messageOf(body: unknown): string | undefined {
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') return (body as { message: string }).message;
  return typeof body === 'string' && body.length > 0 ? body.slice(0, 200) : undefined;
}

/** `retry-after` in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A client's meter (if any) and `meter` both told of every request: how a metered client is metered again. */
export function alsoReportingTo(outer: RequestMeter | undefined, meter: RequestMeter): RequestMeter {
  return outer
    ? { charged: (resource, units) => (outer.charged(resource, units), meter.charged(resource, units)), waited: (ms) => (outer.waited(ms), meter.waited(ms)) }
    : meter;
}

/** A failed request's error with its cause (a `fetch failed` names what failed in its cause). */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
