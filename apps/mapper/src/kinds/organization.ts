import { fetchOrganization } from '@glint/github';
import { KindModule } from './kind-module';

/** Re-read: an `organization` payload carries the organization's short form, not `GET /orgs/{org}`. */
export const organizationKind: KindModule = {
  kind: 'organization',
  repositoryScoped: false,
  list: (context) => fetchOrganization(context),
  liveEvents: ['organization'],
  async liveObjects(live) {
    if (live.action === 'member_added' || live.action === 'member_removed') return [];
    const organization = await live.read('GET /orgs/{org}', { org: live.fetch.organization });
    return organization ? [{ kind: 'organization', current: organization, known: organization }] : [];
  },
};
