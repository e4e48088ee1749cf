import type { OrgRecord, SimulatorState } from '../state';
import { samlIdentitiesOf } from '../identity-providers';
import { byText, Connection, PageArgs } from './connection';
import { nodeId } from '../render';

interface ExternalIdentityView {
  guid: string;
  id: string;
  samlIdentity: { nameId: string; username: string; emails: Array<{ primary: boolean; type: string; value: string }> };
  user: { login: string };
}

/** `Organization.samlIdentityProvider`: null unless the organization has SAML single sign-on (`setSamlIdentity`). */
export function samlIdentityProviderOf(
  state: SimulatorState,
  org: OrgRecord,
  webBase: string,
): { id: string; ssoUrl: string; externalIdentities(args: PageArgs): Connection<[string, string], ExternalIdentityView> } | null {
  const identities = samlIdentitiesOf(state, org.login);
  if (!identities) return null;
  const entries = [...identities.entries()].sort(([a], [b]) => byText(a, b));
  return {
    id: nodeId('OrganizationIdentityProvider', org.id),
    ssoUrl: `${webBase}/orgs/${org.login}/sso`,
    externalIdentities: (args) =>
      new Connection(entries, args, ([login, nameId]) => ({
        guid: `${org.login}-${login}`,
        id: nodeId('ExternalIdentity', state.user(login)?.id ?? 0),
        samlIdentity: { nameId, username: nameId, emails: [{ primary: true, type: 'work', value: nameId }] },
        user: { login },
      })),
  };
}
