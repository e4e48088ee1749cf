import { CatalogApiError, CatalogAuthenticationError, isRetryableStatus } from './catalog-errors';

/** Anything that reveals a secret on demand (`Secret` from @glint/config), so the client never holds it as a plain field. */
export interface SecretValue {
  reveal(): string;
}

export interface CatalogHttpOptions {
  /** API base without `/v1`, e.g. `https://api.getport.io`. */
  baseUrl: string;
  clientId: string;
  clientSecret: SecretValue;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per request for 408, 429, 5xx and network errors. */
  maxAttempts?: number;
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  requestTimeoutMs?: number;
  random?: () => number;
  /** Called for every answer (and with status 0 for network errors), e.g. to count errors by status. */
  onAnswer?: (route: string, status: number) => void;
}

export interface CatalogRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The route template, for errors and metrics, e.g. `POST /v1/blueprints/{blueprint}/entities/bulk`. */
  route: string;
  /** The concrete path, identifiers already encoded. */
  path: string;
  query?: Record<string, string | boolean | number | readonly string[] | undefined>;
  body?: unknown;
  userAgent: string;
}

export interface CatalogAnswer<T> {
  status: number;
  body: T;
}

export const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_BACKOFF_BASE_MS = 250;
const DEFAULT_MAX_BACKOFF_MS = 30_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** Renew this long before expiry (at most a tenth of the lifetime), as Port's own clients do. */
const TOKEN_RENEWAL_MARGIN_MS = 3 * 60_000;
export const TOKEN_ROUTE = 'POST /v1/auth/access_token';

interface AccessToken {
  header: string;
  renewAt: number;
}

/**
 * HTTP to the catalog API: a client-credentials token renewed before it expires (one renewal in flight), one
 * re-authentication on a 401, and retries with backoff for 408, 429, 5xx and network errors that honour `Retry-After`.
 */
export class CatalogHttp {
  private token?: AccessToken;
  private renewal?: Promise<AccessToken>;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly baseUrl: string;
  calls = 0;

  constructor(private readonly options: CatalogHttpOptions) {
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async send<T>(request: CatalogRequest): Promise<CatalogAnswer<T>> {
    const url = this.url(request);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    let reauthenticated = false;
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.accessToken();
      const answer = await this.exchange(request.route, url, {
        method: request.method,
        headers: {
          authorization: token.header,
          'user-agent': request.userAgent,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body,
      });
      if (answer.status === 401 && !reauthenticated) {
        reauthenticated = true;
        if (this.token === token) this.token = undefined;
        attempt -= 1;
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return { status: answer.status, body: answer.body as T };
      if (isRetryableStatus(answer.status) && attempt < this.maxAttempts) {
        await this.sleep(this.waitBefore(attempt + 1, answer.retryAfter));
        continue;
      }
      throw this.failure(request.route, answer, attempt);
    }
  }

  private get maxAttempts(): number {
    return this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  private async accessToken(): Promise<AccessToken> {
    if (this.token && this.now() < this.token.renewAt) return this.token;
    this.renewal ??= this.authenticate().finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  private async authenticate(): Promise<AccessToken> {
    const body = JSON.stringify({ clientId: this.options.clientId, clientSecret: this.options.clientSecret.reveal() });
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.exchange(TOKEN_ROUTE, `${this.baseUrl}/v1/auth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'glint-github-app' },
        body,
      });
      if (answer.status === 200) {
        const token = parseToken(answer.body);
        const issuedAt = this.now();
        const lifetimeMs = token.expiresIn * 1000;
        this.token = { header: `${token.tokenType} ${token.accessToken}`, renewAt: issuedAt + lifetimeMs - Math.min(TOKEN_RENEWAL_MARGIN_MS, lifetimeMs / 10) };
        return this.token;
      }
      if (isRetryableStatus(answer.status) && attempt < this.maxAttempts) {
        await this.sleep(this.waitBefore(attempt + 1, answer.retryAfter));
        continue;
      }
      if (answer.status === 401 || answer.status === 403 || answer.status === 422) {
        throw new CatalogAuthenticationError(
          `the catalog at ${this.baseUrl} refused the client credentials (${answer.status}${describeApiError(answer.body)}); check PORT_CLIENT_ID and PORT_CLIENT_SECRET`,
          answer.status,
          TOKEN_ROUTE,
        );
      }
      throw this.failure(TOKEN_ROUTE, answer, attempt);
    }
  }

  private async exchange(route: string, url: string, init: RequestInit): Promise<{ status: number; body: unknown; retryAfter: string | null; networkError?: string }> {
    this.calls += 1;
    try {
      const response = await this.fetch(url, { ...init, signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) });
      const text = await response.text();
      this.options.onAnswer?.(route, response.status);
      return { status: response.status, body: parseJson(text), retryAfter: response.headers.get('retry-after') };
    } catch (error) {
      this.options.onAnswer?.(route, 0);
      return { status: 0, body: undefined, retryAfter: null, networkError: networkErrorOf(error) };
    }
  }

  /** `Retry-After` (seconds or an HTTP date) when the API sent one, else exponential backoff with full jitter. */
  private waitBefore(attempt: number, retryAfter: string | null): number {
    const maxBackoff = this.options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    const requested = retryAfterMs(retryAfter, this.now());
    if (requested !== undefined) return Math.min(requested, maxBackoff);
    const ceiling = Math.min(maxBackoff, (this.options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS) * 2 ** (attempt - 2));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private failure(route: string, answer: { status: number; body: unknown; networkError?: string }, attempts: number): CatalogApiError {
    const { error, message } = apiError(answer.body);
    const cause = answer.status === 0 ? `could not reach the catalog at ${this.baseUrl}: ${answer.networkError}` : `answered ${answer.status}${describeApiError(answer.body)}`;
    const tries = isRetryableStatus(answer.status) ? ` after ${attempts} attempts` : '';
    return new CatalogApiError(`${route} ${cause}${tries}`, answer.status, route, error, message);
  }

  private url(request: CatalogRequest): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value as readonly string[]) search.append(name, item);
      else search.append(name, String(value));
    }
    const query = search.toString();
    return `${this.baseUrl}${request.path}${query ? `?${query}` : ''}`;
  }
}

function parseToken(body: unknown): { accessToken: string; expiresIn: number; tokenType: string } {
  const value = body as { accessToken?: unknown; expiresIn?: unknown; tokenType?: unknown } | undefined;
  if (typeof value?.accessToken !== 'string' || typeof value.expiresIn !== 'number' || value.expiresIn <= 0) {
    throw new CatalogApiError(`${TOKEN_ROUTE} answered 200 without an accessToken and a positive expiresIn`, 200, TOKEN_ROUTE);
  }
  return { accessToken: value.accessToken, expiresIn: value.expiresIn, tokenType: typeof value.tokenType === 'string' && value.tokenType ? value.tokenType : 'Bearer' };
}

/** fetch says only `fetch failed`; its cause says why (`connect ECONNREFUSED 127.0.0.1:3004`, a timeout). */
function networkErrorOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && cause !== error.message ? `${error.message} (${cause})` : error.message;
}

export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 500);
  }
}

function apiError(body: unknown): { error?: string; message?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const { error, message } = body as { error?: unknown; message?: unknown };
  return { error: typeof error === 'string' ? error : undefined, message: typeof message === 'string' ? message : undefined };
}

function describeApiError(body: unknown): string {
  const { error, message } = apiError(body);
  if (message) return `: ${message}${error ? ` (${error})` : ''}`;
  if (error) return `: ${error}`;
  return typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : '';
}
