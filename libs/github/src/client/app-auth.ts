import { createAppAuth } from '@octokit/auth-app';
import { request } from '@octokit/request';
import type { Clock } from './clock';
import { GithubApiError, GithubAuthenticationError, GithubPermissionError } from './errors';
import type { Principal } from './permissions';
import { errorMessage } from '@glint/runtime';

/** How a client fills `Authorization`, and how it gets a new value after a 401. */
export interface Authorizer {
  readonly principal: Principal;
  /** The header value, or undefined for anonymous requests. */
  authorization(): Promise<string | undefined>;
  /** After a 401 answered to `stale`: make the next `authorization()` return a fresh value. False when nothing can be refreshed. */
  refresh(stale: string | undefined): Promise<boolean>;
}

export const GITHUB_USER_AGENT = 'glint-github-app';

/** Installation tokens live 60 minutes; re-mint 5 minutes before expiry so no request carries a dying token. */
export const TOKEN_RENEWAL_MARGIN_MS = 5 * 60 * 1_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

export interface AppAuthOptions {
  appId: number;
  privateKey: string;
  apiUrl: string;
  clock: Clock;
  fetch?: typeof fetch;
}

/**
 * GitHub App credentials: a JWT per `/app/...` request and one installation token per installation, cached until 5
 * minutes before its `expires_at` by our own clock (auth-app's 59-minute cache is bypassed with `refresh: true`, so
 * an injected clock decides renewal), with at most one mint in flight per installation.
 */
export class AppAuthenticator {
  private readonly auth: ReturnType<typeof createAppAuth>;
  private readonly tokens = new Map<number, CachedToken>();
  private readonly inflight = new Map<number, Promise<CachedToken>>();
  private readonly clock: Clock;
  private mintCount = 0;

  constructor(options: AppAuthOptions) {
    this.clock = options.clock;
    this.auth = createAppAuth({
      appId: options.appId,
      privateKey: options.privateKey,
      request: request.defaults({
        baseUrl: options.apiUrl,
        headers: { 'user-agent': GITHUB_USER_AGENT },
        ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
      }),
    });
  }

  /** How many installation tokens were minted so far. */
  get mintedTokens(): number {
    return this.mintCount;
  }

  async appJwt(): Promise<string> {
    const authentication = await this.auth({ type: 'app' });
    return authentication.token;
  }

  async installationToken(installationId: number): Promise<string> {
    const cached = this.tokens.get(installationId);
    if (cached && this.clock.now() < cached.expiresAt - TOKEN_RENEWAL_MARGIN_MS) return cached.token;
    const pending = this.inflight.get(installationId);
    if (pending) return (await pending).token;
    const minting = this.mint(installationId).finally(() => this.inflight.delete(installationId));
    this.inflight.set(installationId, minting);
    return (await minting).token;
  }

  /** Drops the cached token if it is still `stale`, so concurrent 401s cause one mint, not many. */
  invalidate(installationId: number, stale: string): void {
    if (this.tokens.get(installationId)?.token === stale) this.tokens.delete(installationId);
  }

  installationAuthorizer(installationId: number): Authorizer {
    return {
      principal: 'app',
      authorization: async () => `token ${await this.installationToken(installationId)}`,
      refresh: async (stale) => {
        if (stale) this.invalidate(installationId, stale.replace(/^token /, ''));
        await this.installationToken(installationId);
        return true;
      },
    };
  }

  /** JWTs are minted per request, so a refresh is just another try (it helps when the clock was skewed). */
  appAuthorizer(): Authorizer {
    return {
      principal: 'app',
      authorization: async () => `bearer ${await this.appJwt()}`,
      refresh: async () => true,
    };
  }

  private async mint(installationId: number): Promise<CachedToken> {
    const route = `POST /app/installations/${installationId}/access_tokens`;
    try {
      this.mintCount += 1;
      const authentication = await this.auth({ type: 'installation', installationId, refresh: true });
      const entry = { token: authentication.token, expiresAt: Date.parse(authentication.expiresAt) };
      this.tokens.set(installationId, entry);
      return entry;
    } catch (error) {
      throw mintError(route, installationId, error);
    }
  }
}

function mintError(route: string, installationId: number, error: unknown): Error {
  // Duck-typed: auth-app may carry its own copy of @octokit/request-error.
  const status = (error as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'number') return new GithubApiError(`${route} failed: ${errorMessage(error)}`, 0, route);
  const said = `GitHub said: ${JSON.stringify(errorMessage(error))}`;
  switch (status) {
    case 401:
      return new GithubAuthenticationError(`${route} answered 401: GitHub refused the App JWT; check APP_ID and PRIVATE_KEY (${said})`, 401, route);
    case 403:
      return new GithubPermissionError(`${route} answered 403: installation ${installationId} is probably suspended (${said})`, 403, route, undefined);
    case 404:
      return new GithubApiError(`${route} answered 404: installation ${installationId} does not exist for this App (uninstalled?)`, 404, route);
    default:
      return new GithubApiError(`${route} answered ${status}: ${said}`, status, route);
  }
}


export function staticAuthorizer(token: string | undefined): Authorizer {
  return {
    principal: 'token',
    authorization: async () => (token ? `token ${token}` : undefined),
    refresh: async () => false,
  };
}
