import { fetchUsers, samlEmails, withSamlEmails } from '@glint/github';
import { payloadOf } from '../events/webhook-payload';
import { KindModule, PayloadFirstKind } from './kind-module';

/** A member added or removed: the payload's user is the one the organization's member listing returns. */
export const userKind: KindModule & PayloadFirstKind = {
  kind: 'user',
  repositoryScoped: false,
  list: (context, selector) => fetchUsers(context, { includeSAMLEmail: selector['includeSAMLEmail'] === true }),
  liveEvents: ['organization'],
  // The peer's default mapping maps users by login.
  payloadFields: ['id', 'login'],
  async liveObjects(live) {
    const payload = payloadOf(live.event, 'organization');
    if (!payload || (payload.action !== 'member_added' && payload.action !== 'member_removed') || !payload.membership.user) return [];
    const object = { ...payload.membership.user, __organization: live.fetch.organization };
    return [
      {
        kind: 'user',
        current: payload.action === 'member_added' ? object : null,
        known: object,
        observedAt: live.deletedAt(),
        enrich: async (user, resource) => (resource.selector['includeSAMLEmail'] === true ? withSamlEmails([user], await samlEmails(live.fetch, 'includeSAMLEmail'))[0] : user),
      },
    ];
  },
};
