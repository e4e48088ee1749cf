import { externalGroupOf, FetchContext, fetchTeams, GithubObject, samlEmails, TeamSelector, withSamlEmails } from '@glint/github';
import type { ResourceConfig } from '@glint/mapping';
import { payloadOf } from '../events/webhook-payload';
import { KindModule, LiveContext } from './kind-module';

/** Re-read with its members: `team` and `membership` payloads carry neither the whole team nor its members. */
export const teamKind: KindModule = {
  kind: 'team',
  repositoryScoped: false,
  list: (context, selector) => fetchTeams(context, teamSelector(selector)),
  liveEvents: ['team', 'membership'],
  async liveObjects(live) {
    const team = payloadOf(live.event, 'team', 'membership')?.team;
    const slug = team && 'slug' in team ? team.slug : undefined;
    if (!team || typeof slug !== 'string') return [];
    live.enrichments.relationsChanged(live.fetch.organization);
    const known = { ...team, __organization: live.fetch.organization };
    if (live.event.event === 'team' && live.action === 'deleted') return [{ kind: 'team', current: null, known, observedAt: live.deletedAt() }];
    return [{ kind: 'team', current: await teamWithMembers(live, slug), known, enrich: (object, resource) => withSelectorOptions(live.fetch, object, slug, resource) }];
  },
};

function teamSelector(selector: Readonly<Record<string, unknown>>): TeamSelector {
  return { members: selector['members'] !== false, includeSAMLEmail: selector['includeSAMLEmail'] === true, include_external_group: selector['include_external_group'] === true };
}

async function teamWithMembers(live: LiveContext, slug: string): Promise<GithubObject | null> {
  const { client, organization } = live.fetch;
  const team = await live.read('GET /orgs/{org}/teams/{team_slug}', { org: organization, team_slug: slug });
  if (!team) return null;
  const members: GithubObject[] = [];
  for await (const page of client.paginate<GithubObject>('GET /orgs/{org}/teams/{team_slug}/members', { org: organization, team_slug: slug })) members.push(...page);
  return { ...team, members: { nodes: members }, __organization: organization };
}

/** What the resource's selector adds to a team read live: its members' SAML e-mails, its external group. */
async function withSelectorOptions(context: FetchContext, team: GithubObject, slug: string, resource: ResourceConfig): Promise<GithubObject> {
  const selector = teamSelector(resource.selector);
  const enriched: GithubObject = { ...team };
  const members = team['members'];
  if (selector.includeSAMLEmail && typeof members === 'object' && members !== null && 'nodes' in members && Array.isArray(members.nodes)) {
    const nodes = members.nodes.filter((node): node is GithubObject => typeof node === 'object' && node !== null);
    enriched['members'] = { nodes: withSamlEmails(nodes, await samlEmails(context, 'includeSAMLEmail')) };
  }
  if (selector.include_external_group) enriched['__external_group'] = await externalGroupOf(context, slug);
  return enriched;
}
