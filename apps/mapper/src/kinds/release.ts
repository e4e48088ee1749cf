import { fetchReleases } from '@glint/github';
import { KindModule, payloadObject } from './kind-module';

/** Re-read: a `release` payload's object has no `updated_at`, so two of its states cannot be ordered. */
export const releaseKind: KindModule = {
  kind: 'release',
  repositoryScoped: true,
  list: (context, selector) => fetchReleases(context, selector),
  liveEvents: ['release'],
  async liveObjects(live) {
    const release = payloadObject(live.payload, 'release');
    if (!release || !live.repository) return [];
    if (live.action === 'deleted') return [{ kind: 'release', current: null, known: live.known(release), observedAt: live.deletedAt(release) }];
    const current = await live.read('GET /repos/{owner}/{repo}/releases/{release_id}', { release_id: release['id'] });
    return [{ kind: 'release', current: current && live.known(current), known: live.known(release) }];
  },
};
