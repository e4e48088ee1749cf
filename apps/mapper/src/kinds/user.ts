import { fetchUsers } from '@glint/github';
import { KindModule, payloadObject } from './kind-module';

/** A member added or removed: the payload's user is the one the organization's member listing returns. */
export const userKind: KindModule = {
  kind: 'user',
  repositoryScoped: false,
  list: (context) => fetchUsers(context),
  liveEvents: ['organization'],
  async liveObjects(live) {
    if (live.action !== 'member_added' && live.action !== 'member_removed') return [];
    const membership = live.payload['membership'] as { user?: unknown } | undefined;
    const user = membership && typeof membership.user === 'object' && membership.user !== null ? payloadObject({ user: membership.user }, 'user') : undefined;
    if (!user) return [];
    const object = { ...user, __organization: live.fetch.organization };
    return [{ kind: 'user', current: live.action === 'member_added' ? object : null, known: object, observedAt: live.now().toISOString() }];
  },
};
