import { fetchTeams, GithubObject } from '@glint/github';
import { payloadOf } from '../events/webhook-payload';
import { KindModule, LiveContext } from './kind-module';

/** Re-read with its members: `team` and `membership` payloads carry neither the whole team nor its members. */
export const teamKind: KindModule = {
  kind: 'team',
  repositoryScoped: false,
  list: (context, selector) => fetchTeams(context, selector),
  liveEvents: ['team', 'membership'],
  async liveObjects(live) {
    const team = payloadOf(live.event, 'team', 'membership')?.team;
    const slug = team && 'slug' in team ? team.slug : undefined;
    if (!team || typeof slug !== 'string') return [];
    live.enrichments.relationsChanged(live.fetch.organization);
    const known = { ...team, __organization: live.fetch.organization };
    if (live.event.event === 'team' && live.action === 'deleted') return [{ kind: 'team', current: null, known, observedAt: live.deletedAt() }];
    return [{ kind: 'team', current: await teamWithMembers(live, slug), known }];
  },
};

async function teamWithMembers(live: LiveContext, slug: string): Promise<GithubObject | null> {
  const { client, organization } = live.fetch;
  const team = await live.read('GET /orgs/{org}/teams/{team_slug}', { org: organization, team_slug: slug });
  if (!team) return null;
  const members: GithubObject[] = [];
  for await (const page of client.paginate<GithubObject>('GET /orgs/{org}/teams/{team_slug}/members', { org: organization, team_slug: slug })) members.push(...page);
  return { ...team, members: { nodes: members }, __organization: organization };
}
