import { errorResult, json, notFound, RouteDefinition, visibleOrg } from '../context';
import { externalGroupsOf } from '../identity-providers';

export const teamIdentityRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/orgs/{org}/teams/{slug}/external-groups',
    auth: 'token',
    handler: (ctx) => {
      const org = visibleOrg(ctx, ctx.params.org);
      if (!org || !org.teams.some((team) => team.slug === ctx.params.slug)) return notFound();
      const groups = externalGroupsOf(ctx.state, org.login);
      // GitHub's answer for an organization outside an Enterprise Managed Users enterprise.
      if (!groups) return errorResult(400, 'This organization is not part of externally managed enterprise.');
      const group = groups.get(ctx.params.slug);
      return json({ groups: group ? [group] : [] });
    },
  },
];
