import { GithubApiError } from '../client';
import type { GithubGraphqlClient } from '../graphql/graphql-client';
import { type FetchContext, type GithubObject, RESYNC } from './fetch-context';

/** The organization's SAML identities: who each member is at the identity provider (`samlIdentity.nameId`). */
const SAML_IDENTITIES_QUERY = `
query ($organization: String!, $first: Int!, $after: String) {
  organization(login: $organization) {
    samlIdentityProvider {
      externalIdentities(first: $first, after: $after) {
        edges { node { samlIdentity { nameId } user { login } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;

interface SamlIdentitiesAnswer {
  organization: {
    samlIdentityProvider: {
      externalIdentities: {
        edges: Array<{ node: { samlIdentity: { nameId: string | null } | null; user: { login: string } | null } | null }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } | null;
  } | null;
}

const IDENTITIES_PER_PAGE = 100;

/** An option that reads through GitHub's GraphQL API was set where the product has no GraphQL client. */
export class GraphqlUnavailableError extends Error {}

/**
 * Member login → SAML `nameId` (the e-mail at the identity provider), as the peer reads them through GraphQL; empty
 * when the organization has no SAML single sign-on.
 */
export async function samlEmails(context: FetchContext, option: string): Promise<ReadonlyMap<string, string>> {
  const graphql = requireGraphql(context, option);
  const emails = new Map<string, string>();
  let after: string | null = null;
  for (;;) {
    const answer: SamlIdentitiesAnswer = await graphql.query<SamlIdentitiesAnswer>(SAML_IDENTITIES_QUERY, { organization: context.organization, first: IDENTITIES_PER_PAGE, after }, RESYNC);
    const identities = answer.organization?.samlIdentityProvider?.externalIdentities;
    if (!identities) return emails;
    for (const { node } of identities.edges) {
      if (node?.user && node.samlIdentity?.nameId) emails.set(node.user.login, node.samlIdentity.nameId);
    }
    if (!identities.pageInfo.hasNextPage || !identities.pageInfo.endCursor) return emails;
    after = identities.pageInfo.endCursor;
  }
}

/**
 * Members with `__SAMLEmail` (null when the member has no SAML identity), and an empty `email` filled from it, as the
 * peer's `includeSAMLEmail`.
 */
export function withSamlEmails<T extends GithubObject>(members: readonly T[], emails: ReadonlyMap<string, string>): T[] {
  return members.map((member) => {
    const login = typeof member['login'] === 'string' ? member['login'] : undefined;
    const samlEmail = (login && emails.get(login)) || null;
    return { ...member, __SAMLEmail: samlEmail, ...(!member['email'] && samlEmail ? { email: samlEmail } : {}) };
  });
}

/**
 * The identity-provider group linked to a team (`GET /orgs/{org}/teams/{slug}/external-groups`; GitHub links one at
 * most), or null: none linked, an organization without Enterprise Managed Users, or a team with explicit members
 * (GitHub answers 400 for both).
 */
export async function externalGroupOf(context: FetchContext, slug: string): Promise<GithubObject | null> {
  try {
    const answer = await context.client.request<{ groups?: GithubObject[] }>('GET /orgs/{org}/teams/{team_slug}/external-groups', { org: context.organization, team_slug: slug }, RESYNC);
    return answer.groups?.[0] ?? null;
  } catch (error) {
    if (error instanceof GithubApiError && (error.status === 400 || error.status === 404)) return null;
    throw error;
  }
}

function requireGraphql(context: FetchContext, option: string): GithubGraphqlClient {
  if (!context.graphql) throw new GraphqlUnavailableError(`${option} reads SAML identities through GitHub's GraphQL API, which this GitHub access has no client for`);
  return context.graphql;
}
