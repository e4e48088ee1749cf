import { ADMIN_LOGIN } from './generator';
import { ResolvedOptions } from './options';
import { Renderer } from './render';
import { OrgRecord, PermissionLevel, RepoRecord, SimulatorState } from './state';
import { Principal, SimulatorAuth } from './auth';
import { SimulatedClock } from './clock';
import { RateLimitStatus } from './rate-limit';
import { WebhookDeliverer } from './webhooks/deliverer';
import { EventSender } from './webhooks/payloads';
import { WorkflowRunner } from './workflow-runner';

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a route handler sees: the request, who makes it, and the simulator's model. */
export interface RouteContext {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The absolute URL of the request on the simulator (for `Link` headers). */
  requestUrl: URL;
  body: unknown;
  principal: Principal;
  state: SimulatorState;
  render: Renderer;
  auth: SimulatorAuth;
  clock: SimulatedClock;
  options: ResolvedOptions;
  /** The caller's primary rate limit before this request; undefined when rate limits are off. */
  rateLimit: RateLimitStatus | undefined;
  webhooks: WebhookDeliverer;
  events: EventSender;
  runner: WorkflowRunner;
}

export type RouteHandler = (ctx: RouteContext) => RouteResult;

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path below /api/v3; `{name}` is one segment, `{name+}` the rest of the path. */
  pattern: string;
  /** `jwt`: the App's JWT; `token`: an installation token or a PAT. */
  auth: 'jwt' | 'token';
  /** Not counted against the rate limit (like `GET /rate_limit`). */
  free?: boolean;
  handler: RouteHandler;
}

const DOCS = 'https://docs.github.com/enterprise-server@3.14/rest';

export function json(body: unknown, status = 200): RouteResult {
  return { status, body };
}

export function errorResult(status: number, message: string): RouteResult {
  return { status, body: { message, documentation_url: DOCS, status: String(status) } };
}

export const notFound = (): RouteResult => errorResult(404, 'Not Found');

/** GitHub's 422 for a request body it cannot accept. */
export function validationFailed(message: string): RouteResult {
  return errorResult(422, message);
}

/** The login acting for the caller: the PAT's user, else the site admin (the simulator has no bot users). */
export function actorLogin(ctx: RouteContext): string {
  return ctx.principal.kind === 'pat' ? ctx.principal.user.login : ADMIN_LOGIN;
}

export function bodyObject(ctx: RouteContext): Record<string, unknown> {
  return ctx.body !== null && typeof ctx.body === 'object' && !Array.isArray(ctx.body) ? (ctx.body as Record<string, unknown>) : {};
}

export function canSeeOrg(principal: Principal, login: string): boolean {
  if (principal.kind === 'installation') return principal.orgLogin.toLowerCase() === login.toLowerCase();
  return principal.kind === 'pat';
}

/** The organization, when it exists and the caller may see it. */
export function visibleOrg(ctx: RouteContext, login: string): OrgRecord | undefined {
  const org = ctx.state.organization(login);
  return org && canSeeOrg(ctx.principal, org.login) ? org : undefined;
}

/** The repository named by the `owner` and `repo` params, when it exists and the caller may see it. */
export function visibleRepo(ctx: RouteContext): RepoRecord | undefined {
  const repo = ctx.state.repo(ctx.params.owner, ctx.params.repo);
  return repo && canSeeOrg(ctx.principal, repo.ownerLogin) ? repo : undefined;
}

/**
 * GitHub's 403 when the calling installation lacks `permission` at `level` (write includes read); undefined when it
 * may. Personal access tokens are not limited.
 */
export function missingPermission(ctx: RouteContext, permission: string, level: PermissionLevel): RouteResult | undefined {
  const principal = ctx.principal;
  if (principal.kind !== 'installation') return undefined;
  const granted = ctx.state.installations.find((installation) => installation.id === principal.installationId)?.permissions[permission];
  return granted === 'write' || granted === level ? undefined : errorResult(403, 'Resource not accessible by integration');
}

/** Splits a comma-separated filter; undefined when absent or empty. */
export function csv(value: string | null): string[] | undefined {
  if (value === null) return undefined;
  const items = value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  return items.length > 0 ? items : undefined;
}
