import { errorResult, json, notFound, RouteContext, RouteDefinition, visibleOrg } from '../context';
import { paginate } from '../pagination';
import { RepoRecord } from '../state';

type RepoSort = 'full_name' | 'created' | 'updated' | 'pushed';

function repoSortKey(sort: RepoSort, repo: RepoRecord): string {
  switch (sort) {
    case 'created':
      return repo.createdAt;
    case 'updated':
      return repo.updatedAt;
    case 'pushed':
      return repo.pushedAt;
    case 'full_name':
      return repo.fullName.toLowerCase();
  }
}

function orgRepos(ctx: RouteContext, repos: readonly RepoRecord[]): RepoRecord[] {
  const type = ctx.query.get('type') ?? 'all';
  const filtered = repos.filter((repo) => {
    switch (type) {
      case 'public':
        return repo.visibility === 'public';
      case 'private':
        return repo.visibility !== 'public';
      case 'forks':
        return repo.fork;
      case 'sources':
        return !repo.fork;
      default:
        return true;
    }
  });
  const sortParam = ctx.query.get('sort');
  const sort: RepoSort = sortParam === 'created' || sortParam === 'updated' || sortParam === 'pushed' ? sortParam : 'full_name';
  const direction = ctx.query.get('direction') ?? (sort === 'full_name' ? 'asc' : 'desc');
  // Org repos are stored sorted by full name already.
  if (sort !== 'full_name') filtered.sort((a, b) => (repoSortKey(sort, a) < repoSortKey(sort, b) ? -1 : repoSortKey(sort, a) > repoSortKey(sort, b) ? 1 : 0));
  if (direction === 'desc') filtered.reverse();
  return filtered;
}

export const orgRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/users/{login}',
    auth: 'token',
    handler: (ctx) => {
      const org = ctx.state.organization(ctx.params.login);
      if (org) return visibleOrg(ctx, org.login) ? json(ctx.render.orgAsUser(org)) : notFound();
      const user = ctx.state.user(ctx.params.login);
      return user ? json(ctx.render.user(user)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/orgs/{org}',
    auth: 'token',
    handler: (ctx) => {
      const org = visibleOrg(ctx, ctx.params.org);
      return org ? json(ctx.render.orgFull(org)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/user',
    auth: 'token',
    handler: (ctx) => (ctx.principal.kind === 'pat' ? json(ctx.render.user(ctx.principal.user, true)) : errorResult(403, 'Resource not accessible by integration')),
  },
  {
    method: 'GET',
    pattern: '/user/orgs',
    auth: 'token',
    handler: (ctx) => {
      const principal = ctx.principal;
      if (principal.kind !== 'pat') return errorResult(403, 'Resource not accessible by integration');
      return paginate(ctx, ctx.state.organizations, (org) => ctx.render.orgSimple(org));
    },
  },
  {
    method: 'GET',
    pattern: '/orgs/{org}/repos',
    auth: 'token',
    handler: (ctx) => {
      const org = visibleOrg(ctx, ctx.params.org);
      return org ? paginate(ctx, orgRepos(ctx, org.repos), (repo) => ctx.render.repo(repo)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/orgs/{org}/teams',
    auth: 'token',
    handler: (ctx) => {
      const org = visibleOrg(ctx, ctx.params.org);
      return org ? paginate(ctx, org.teams, (team) => ctx.render.team(org, team)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/orgs/{org}/teams/{slug}',
    auth: 'token',
    handler: (ctx) => {
      const org = visibleOrg(ctx, ctx.params.org);
      const team = org?.teams.find((candidate) => candidate.slug === ctx.params.slug);
      return org && team ? json({ ...ctx.render.team(org, team), members_count: team.memberLogins.length, repos_count: org.repos.filter((repo) => repo.teams.some((entry) => entry.slug === team.slug)).length, created_at: org.createdAt, updated_at: org.createdAt, organization: ctx.render.orgFull(org) }) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/orgs/{org}/teams/{slug}/members',
    auth: 'token',
    handler: (ctx) => {
      const org = visibleOrg(ctx, ctx.params.org);
      const team = org?.teams.find((candidate) => candidate.slug === ctx.params.slug);
      return team ? paginate(ctx, team.memberLogins, (login) => ctx.render.account(login)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/orgs/{org}/members',
    auth: 'token',
    handler: (ctx) => {
      const org = visibleOrg(ctx, ctx.params.org);
      return org ? paginate(ctx, org.memberLogins, (login) => ctx.render.account(login)) : notFound();
    },
  },
];
