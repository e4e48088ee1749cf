import type { FetchContext, GithubObject } from './fetch-context';
import { RESYNC } from './fetch-context';
import { externalGroupOf, samlEmails, withSamlEmails } from './identities';
import { collect } from './repositories';

/** The organization itself, as one page of one object. */
export async function* fetchOrganization(context: FetchContext): AsyncIterable<GithubObject[]> {
  yield [await context.client.request<GithubObject>('GET /orgs/{org}', { org: context.organization }, RESYNC)];
}

export interface TeamSelector {
  /** Default true: each team carries `members.nodes`, as the peer's GraphQL shape does. */
  members?: boolean;
  /** Each member gets `__SAMLEmail` (and an empty `email` filled from it), from the organization's SAML identities. */
  includeSAMLEmail?: boolean;
  /** Each team gets `__external_group`: the identity-provider group linked to it, or null. */
  include_external_group?: boolean;
}

export async function* fetchTeams(context: FetchContext, selector: TeamSelector = {}): AsyncIterable<GithubObject[]> {
  let emails: ReadonlyMap<string, string> | undefined;
  for await (const teams of context.client.paginate<GithubObject & { slug: string }>('GET /orgs/{org}/teams', { org: context.organization }, RESYNC)) {
    if (selector.includeSAMLEmail && selector.members !== false) emails ??= await samlEmails(context, 'includeSAMLEmail');
    const page: GithubObject[] = [];
    for (const team of teams) page.push(await teamWithOptions(context, { ...team, __organization: context.organization }, selector, emails));
    yield page;
  }
}

/** A team (from the listing or a live read) with what the selector adds: members, their SAML e-mails, its external group. */
export async function teamWithOptions(
  context: FetchContext,
  team: GithubObject & { slug: string },
  selector: TeamSelector,
  emails?: ReadonlyMap<string, string>,
): Promise<GithubObject> {
  const enriched: GithubObject = { ...team };
  if (selector.members !== false) {
    const members = await collect<GithubObject>(context, 'GET /orgs/{org}/teams/{team_slug}/members', { org: context.organization, team_slug: team.slug });
    enriched['members'] = { nodes: selector.includeSAMLEmail ? withSamlEmails(members, emails ?? (await samlEmails(context, 'includeSAMLEmail'))) : members };
  }
  if (selector.include_external_group) enriched['__external_group'] = await externalGroupOf(context, team.slug);
  return enriched;
}

export interface UserSelector {
  /** Each user gets `__SAMLEmail` (and an empty `email` filled from it), from the organization's SAML identities. */
  includeSAMLEmail?: boolean;
}

/** Organization members. */
export async function* fetchUsers(context: FetchContext, selector: UserSelector = {}): AsyncIterable<GithubObject[]> {
  let emails: ReadonlyMap<string, string> | undefined;
  for await (const members of context.client.paginate<GithubObject>('GET /orgs/{org}/members', { org: context.organization }, RESYNC)) {
    const users = members.map((member) => ({ ...member, __organization: context.organization }));
    if (!selector.includeSAMLEmail) {
      yield users;
      continue;
    }
    emails ??= await samlEmails(context, 'includeSAMLEmail');
    yield withSamlEmails(users, emails);
  }
}
