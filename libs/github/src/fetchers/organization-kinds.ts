import type { FetchContext, GithubObject } from './fetch-context';
import { RESYNC } from './fetch-context';
import { collect } from './repositories';

/** The organization itself, as one page of one object. */
export async function* fetchOrganization(context: FetchContext): AsyncIterable<GithubObject[]> {
  yield [await context.client.request<GithubObject>('GET /orgs/{org}', { org: context.organization }, RESYNC)];
}

export interface TeamSelector {
  /** Default true: each team carries `members.nodes`, as the peer's GraphQL shape does. */
  members?: boolean;
}

export async function* fetchTeams(context: FetchContext, selector: TeamSelector = {}): AsyncIterable<GithubObject[]> {
  for await (const teams of context.client.paginate<GithubObject & { slug: string }>('GET /orgs/{org}/teams', { org: context.organization }, RESYNC)) {
    if (selector.members === false) {
      yield teams.map((team) => ({ ...team, __organization: context.organization }));
      continue;
    }
    const withMembers: GithubObject[] = [];
    for (const team of teams) {
      const members = await collect<GithubObject>(context, 'GET /orgs/{org}/teams/{team_slug}/members', { org: context.organization, team_slug: team.slug });
      withMembers.push({ ...team, members: { nodes: members }, __organization: context.organization });
    }
    yield withMembers;
  }
}

/** Organization members. */
export async function* fetchUsers(context: FetchContext): AsyncIterable<GithubObject[]> {
  for await (const members of context.client.paginate<GithubObject>('GET /orgs/{org}/members', { org: context.organization }, RESYNC)) {
    yield members.map((member) => ({ ...member, __organization: context.organization }));
  }
}
