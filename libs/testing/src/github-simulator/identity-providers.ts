import type { SimulatorState } from './state';

/** An identity-provider group as `GET /orgs/{org}/teams/{slug}/external-groups` lists it. */
export interface ExternalGroup {
  group_id: number;
  group_name: string;
  updated_at: string;
}

interface OrgIdentities {
  /** Login → SAML `nameId`: present once the organization has SAML single sign-on. */
  saml?: Map<string, string>;
  /** Team slug → its linked group: present once the organization uses Enterprise Managed Users. */
  externalGroups?: Map<string, ExternalGroup>;
}

/** What an organization's identity provider knows, beside the model (generated organizations have none). */
const registry = new WeakMap<SimulatorState, Map<string, OrgIdentities>>();

function identitiesOf(state: SimulatorState, org: string): OrgIdentities {
  let orgs = registry.get(state);
  if (!orgs) registry.set(state, (orgs = new Map()));
  let identities = orgs.get(org.toLowerCase());
  if (!identities) orgs.set(org.toLowerCase(), (identities = {}));
  return identities;
}

/** Turns on SAML single sign-on for the organization (if off) and links the member to `nameId`. */
export function setSamlIdentity(state: SimulatorState, org: string, login: string, nameId: string): void {
  const identities = identitiesOf(state, org);
  (identities.saml ??= new Map()).set(login, nameId);
}

/** The organization's SAML identities as login → nameId, or undefined without SAML single sign-on. */
export function samlIdentitiesOf(state: SimulatorState, org: string): ReadonlyMap<string, string> | undefined {
  return identitiesOf(state, org).saml;
}

/** Makes the organization an Enterprise Managed Users one (if not yet) and links the team to the group. */
export function linkExternalGroup(state: SimulatorState, org: string, slug: string, group: ExternalGroup): void {
  const identities = identitiesOf(state, org);
  (identities.externalGroups ??= new Map()).set(slug, group);
}

/** The organization's team → group links, or undefined when it does not use Enterprise Managed Users. */
export function externalGroupsOf(state: SimulatorState, org: string): ReadonlyMap<string, ExternalGroup> | undefined {
  return identitiesOf(state, org).externalGroups;
}
