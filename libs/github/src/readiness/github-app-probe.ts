import type { GithubConfig } from '@glint/config';
import { AppAuthenticator, GITHUB_USER_AGENT, TOKEN_RENEWAL_MARGIN_MS } from '../client/app-auth';
import { type Clock, systemClock } from '../client/clock';

/** A check against GitHub that failed: what happened, and the variable or permission to look at. */
export class GithubProbeError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'GithubProbeError';
  }
}

export interface ProbedInstallation {
  id: number;
  account: string;
  /** What the App may do in this installation, as GitHub grants it now (`pull_requests: 'read'`, …). */
  permissions: Record<string, string>;
  suspended: boolean;
}

export interface ProbedDelivery {
  guid: string;
  event: string;
  deliveredAt: string;
  statusCode: number;
}

export interface GithubAppProbeOptions {
  fetch?: typeof fetch;
  clock?: Clock;
  /** How long one request may take before GitHub counts as unreachable (default 10 s). */
  timeoutMs?: number;
}

interface Answer {
  status: number;
  body: unknown;
  date: string | null;
  contentType: string;
}

const INSTALLATION_PAGES = 10;

/**
 * GitHub as the readiness checks see it: one request per question, no retries and no caches in between (but for
 * installation tokens), and every failure explained with what to fix. App mode only.
 */
export class GithubAppProbe {
  private readonly auth: AppAuthenticator;
  private readonly fetchImpl: typeof fetch;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly appId: number;
  private readonly tokens = new Map<number, { token: string; expiresAt: number }>();

  constructor(
    private readonly config: GithubConfig,
    options: GithubAppProbeOptions = {},
  ) {
    if (config.auth.kind !== 'app') throw new Error('the GitHub App checks need APP_ID and PRIVATE_KEY');
    this.appId = config.auth.appId;
    this.fetchImpl = options.fetch ?? fetch;
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.auth = new AppAuthenticator({ appId: config.auth.appId, privateKey: config.auth.privateKey.reveal(), apiUrl: config.apiUrl, clock: this.clock, fetch: options.fetch });
  }

  /** `GET /app` with the App JWT: GitHub is reachable, is GitHub, and accepts APP_ID and PRIVATE_KEY. */
  async app(): Promise<void> {
    const answer = await this.asApp('GET', '/app');
    if (!isObject(answer.body) || typeof answer.body['id'] !== 'number') throw this.notGithub('GET /app', answer);
  }

  /** `GET /app/installations`, every page up to 1,000 installations. */
  async installations(): Promise<ProbedInstallation[]> {
    const installations: ProbedInstallation[] = [];
    for (let page = 1; page <= INSTALLATION_PAGES; page++) {
      const answer = await this.asApp('GET', `/app/installations?per_page=100&page=${page}`);
      if (!Array.isArray(answer.body)) throw this.notGithub('GET /app/installations', answer);
      for (const item of answer.body) {
        if (!isObject(item) || typeof item['id'] !== 'number') continue;
        const account = isObject(item['account']) && typeof item['account']['login'] === 'string' ? item['account']['login'] : String(item['id']);
        const permissions = isObject(item['permissions']) ? Object.fromEntries(Object.entries(item['permissions']).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) : {};
        installations.push({ id: item['id'], account, permissions, suspended: Boolean(item['suspended_at']) });
      }
      if (answer.body.length < 100) break;
    }
    return installations;
  }

  /** An installation token (minted, or reused until near its expiry) that GitHub accepts for the installation's repositories. */
  async installationToken(installationId: number): Promise<void> {
    const token = await this.tokenFor(installationId);
    const route = 'GET /installation/repositories';
    const answer = await this.request('GET', '/installation/repositories?per_page=1', `token ${token}`);
    if (answer.status === 401) {
      this.tokens.delete(installationId);
      throw new GithubProbeError(`${route} answered 401 to a fresh installation token (${said(answer)})`, 'the installation may have been removed or suspended; check the App installation on the organization');
    }
    if (answer.status === 403) {
      throw new GithubProbeError(`${route} answered 403 (${said(answer)})`, "grant the App the 'Metadata: read' repository permission and accept it on the installation");
    }
    if (answer.status >= 300) throw this.unexpected(route, answer);
  }

  /** The newest App webhook deliveries in GitHub's delivery log (`GET /app/hook/deliveries`). */
  async deliveries(): Promise<ProbedDelivery[]> {
    const route = 'GET /app/hook/deliveries';
    const answer = await this.asApp('GET', '/app/hook/deliveries?per_page=100');
    if (!Array.isArray(answer.body)) throw this.notGithub(route, answer);
    return answer.body.filter(isObject).map((item) => ({
      guid: String(item['guid'] ?? ''),
      event: String(item['event'] ?? ''),
      deliveredAt: String(item['delivered_at'] ?? ''),
      statusCode: typeof item['status_code'] === 'number' ? item['status_code'] : 0,
    }));
  }

  private async tokenFor(installationId: number): Promise<string> {
    const cached = this.tokens.get(installationId);
    // Reused until as near its expiry as the clients' tokens, so a check a minute does not mint one a minute.
    if (cached && this.clock.now() < cached.expiresAt - TOKEN_RENEWAL_MARGIN_MS) return cached.token;
    const route = `POST /app/installations/${installationId}/access_tokens`;
    const answer = await this.asApp('POST', `/app/installations/${installationId}/access_tokens`);
    if (answer.status === 404) throw new GithubProbeError(`${route} answered 404: installation ${installationId} does not exist for this App`, 'the App was uninstalled from this account; install it again or ignore the account');
    if (answer.status === 403) throw new GithubProbeError(`${route} answered 403 (${said(answer)})`, 'the installation is probably suspended; unsuspend it in the organization settings (GitHub Apps)');
    if (answer.status >= 300 || !isObject(answer.body) || typeof answer.body['token'] !== 'string') throw this.unexpected(route, answer);
    const expiresAt = Date.parse(String(answer.body['expires_at'] ?? ''));
    this.tokens.set(installationId, { token: answer.body['token'], expiresAt: Number.isNaN(expiresAt) ? this.clock.now() : expiresAt });
    return answer.body['token'];
  }

  /** A request with the App JWT; a 401 is explained (key, App id, clock), other statuses are the caller's. */
  private async asApp(method: string, path: string): Promise<Answer> {
    const route = `${method} ${path.split('?')[0]}`;
    const answer = await this.request(method, path, `bearer ${await this.auth.appJwt()}`);
    if (answer.status === 401) throw this.jwtRefused(route, answer);
    if (answer.status === 404 && route === 'GET /app') throw this.notGithub(route, answer);
    if (answer.status >= 500) throw new GithubProbeError(`${route} answered ${answer.status} (${said(answer)})`, `GitHub at ${this.config.apiUrl} is failing; nothing to change here if it recovers`);
    return answer;
  }

  private async request(method: string, path: string, authorization: string): Promise<Answer> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.config.apiUrl}${path}`, {
        method,
        headers: { authorization, accept: 'application/vnd.github+json', 'user-agent': GITHUB_USER_AGENT },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw this.unreachable(error);
    }
    const contentType = response.headers.get('content-type') ?? '';
    const text = await response.text();
    let body: unknown = text;
    if (contentType.includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: response.status, body, date: response.headers.get('date'), contentType };
  }

  private jwtRefused(route: string, answer: Answer): GithubProbeError {
    const message = messageOf(answer) ?? '';
    const refused = `${route} answered 401: GitHub refused the App JWT (${said(answer)})`;
    if (/integration not found/i.test(message)) {
      return new GithubProbeError(refused, `APP_ID=${this.appId} names no GitHub App on ${this.host()}: set APP_ID to the App ID shown on the App's settings page`);
    }
    if (/'exp'|'iat'|expiration time|issued at/i.test(message)) {
      return new GithubProbeError(refused, `the JWT's times are judged by GitHub's clock, and this machine's clock is ${this.skew(answer)}: synchronize it (NTP)`);
    }
    if (/could not be decoded|signature/i.test(message)) {
      return new GithubProbeError(
        refused,
        `PRIVATE_KEY is not a private key of the App APP_ID=${this.appId} (deleted, or another App's): generate one on the App's settings page and set PRIVATE_KEY, or set APP_ID to the App the key belongs to`,
      );
    }
    return new GithubProbeError(refused, 'check APP_ID and PRIVATE_KEY');
  }

  private skew(answer: Answer): string {
    const theirs = answer.date ? Date.parse(answer.date) : Number.NaN;
    if (Number.isNaN(theirs)) return 'probably off';
    const seconds = Math.round((this.clock.now() - theirs) / 1000);
    return seconds === 0 ? 'close to it (then the key or APP_ID is at fault)' : `${Math.abs(seconds)} s ${seconds > 0 ? 'ahead of' : 'behind'} GitHub's`;
  }

  private unreachable(error: unknown): GithubProbeError {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const code = (cause as { code?: unknown } | undefined)?.code;
    const reason = typeof code === 'string' ? code : cause instanceof Error ? cause.message : String(cause);
    const fix = this.config.enterpriseHost
      ? `check GHE_HOST (${this.config.enterpriseHost}) and GHE_PROTOCOL: this machine cannot reach the GitHub Enterprise Server there`
      : 'check the network path from this machine to api.github.com (proxy, firewall, DNS)';
    return new GithubProbeError(`cannot reach GitHub at ${this.config.apiUrl}: ${reason}`, fix);
  }

  private notGithub(route: string, answer: Answer): GithubProbeError {
    return new GithubProbeError(
      `${this.config.apiUrl} does not answer as GitHub's API: ${route} answered ${answer.status}${answer.contentType ? ` (${answer.contentType.split(';')[0]})` : ''}`,
      this.config.enterpriseHost ? `check GHE_HOST (${this.config.enterpriseHost}): it must be the host name of the GitHub Enterprise Server` : 'a proxy between this machine and api.github.com answers instead of GitHub',
    );
  }

  private unexpected(route: string, answer: Answer): GithubProbeError {
    return new GithubProbeError(`${route} answered ${answer.status} (${said(answer)})`, 'see GitHub\'s message');
  }

  private host(): string {
    return this.config.enterpriseHost ?? 'github.com';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(answer: Answer): string | undefined {
  if (isObject(answer.body) && typeof answer.body['message'] === 'string') return answer.body['message'];
  return typeof answer.body === 'string' && answer.body ? answer.body.slice(0, 200) : undefined;
}

function said(answer: Answer): string {
  const message = messageOf(answer);
  return message ? `GitHub said: ${JSON.stringify(message)}` : 'no message';
}
