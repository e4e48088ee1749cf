import { errorResult, json, notFound, RouteContext, RouteDefinition, visibleOrg } from '../context';
import { JsonObject } from '../templates';
import { paginate, pageOf, linkHeader } from '../pagination';
import { isoSeconds } from '../generator';

/** The App as `GET /app` (and a check run's `app`) shows it. */
export function appObject(ctx: RouteContext): JsonObject {
  return {
    id: ctx.options.appId,
    slug: 'glint-sim',
    client_id: `Iv1.sim${ctx.options.appId}`,
    node_id: Buffer.from(`03:App${ctx.options.appId}`).toString('base64'),
    owner: ctx.render.account(ctx.state.organizations[0]?.login ?? 'sim-admin'),
    name: 'Glint Sim',
    description: 'The GitHub App of the GitHub simulator',
    external_url: ctx.render.webBase,
    html_url: `${ctx.render.webBase}/github-apps/glint-sim`,
    created_at: isoSeconds(ctx.options.dataAnchorMs - 400 * 86_400_000),
    updated_at: isoSeconds(ctx.options.dataAnchorMs - 400 * 86_400_000),
    permissions: { metadata: 'read', contents: 'read', pull_requests: 'read', issues: 'read', actions: 'write', checks: 'write' },
    events: ['push', 'pull_request', 'issues', 'repository'],
    installations_count: ctx.state.installations.length,
  };
}

export const appRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/app',
    auth: 'jwt',
    handler: (ctx) => json(appObject(ctx)),
  },
  {
    method: 'GET',
    pattern: '/app/installations',
    auth: 'jwt',
    handler: (ctx) => paginate(ctx, ctx.state.installations, (installation) => ctx.render.installation(installation, ctx.options.appId)),
  },
  {
    method: 'GET',
    pattern: '/app/installations/{id}',
    auth: 'jwt',
    handler: (ctx) => {
      const installation = ctx.state.installations.find((candidate) => String(candidate.id) === ctx.params.id);
      return installation ? json(ctx.render.installation(installation, ctx.options.appId)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/orgs/{org}/installation',
    auth: 'jwt',
    handler: (ctx) => {
      const installation = ctx.state.installations.find((candidate) => candidate.orgLogin.toLowerCase() === ctx.params.org.toLowerCase());
      return installation ? json(ctx.render.installation(installation, ctx.options.appId)) : notFound();
    },
  },
  {
    method: 'POST',
    pattern: '/app/installations/{id}/access_tokens',
    auth: 'jwt',
    handler: (ctx) => {
      const installation = ctx.state.installations.find((candidate) => String(candidate.id) === ctx.params.id);
      if (!installation) return notFound();
      const { token, expiresAtMs } = ctx.auth.issueInstallationToken(installation);
      return json({ token, expires_at: isoSeconds(expiresAtMs), permissions: { ...installation.permissions }, repository_selection: 'all' }, 201);
    },
  },
  {
    method: 'GET',
    pattern: '/installation/repositories',
    auth: 'token',
    handler: (ctx) => {
      const principal = ctx.principal;
      if (principal.kind !== 'installation') return errorResult(403, 'This endpoint requires you to be authenticated as an installation.');
      const org = visibleOrg(ctx, principal.orgLogin);
      const repos = org?.repos ?? [];
      const page = pageOf(repos, ctx.query);
      const link = linkHeader(ctx.requestUrl, page);
      return { status: 200, body: { total_count: repos.length, repository_selection: 'all', repositories: page.items.map((repo) => ctx.render.repo(repo)) }, headers: link ? { link } : undefined };
    },
  },
  {
    method: 'GET',
    pattern: '/rate_limit',
    auth: 'token',
    free: true,
    handler: (ctx) => {
      const status = ctx.rateLimit;
      // What GitHub Enterprise Server answers with rate limiting off.
      if (!status) return errorResult(404, 'Rate limiting is not enabled.');
      const core = { limit: status.limit, remaining: status.remaining, used: status.used, reset: status.resetEpochSeconds, resource: 'core' };
      const fixed = (limit: number, resource: string) => ({ limit, remaining: limit, used: 0, reset: status.resetEpochSeconds, resource });
      return json({ resources: { core, search: fixed(30, 'search'), graphql: fixed(5000, 'graphql'), integration_manifest: fixed(5000, 'integration_manifest') }, rate: core });
    },
  },
];

