import { fetchTags } from '@glint/github';
import { KindModule } from './kind-module';

/** Re-read: `create` and `delete` payloads name the tag, not its REST object. */
export const tagKind: KindModule = {
  kind: 'tag',
  repositoryScoped: true,
  list: (context, selector) => fetchTags(context, selector),
  liveEvents: ['create', 'delete'],
  async liveObjects(live) {
    const tag = live.payload['ref'];
    if (live.payload['ref_type'] !== 'tag' || typeof tag !== 'string' || !live.repository) return [];
    const known = live.known({ name: tag });
    if (live.event.event === 'delete') return [{ kind: 'tag', current: null, known, observedAt: live.deletedAt() }];
    const ref = await live.read('GET /repos/{owner}/{repo}/git/refs/tags/{tag}', { tag });
    return [{ kind: 'tag', current: ref && live.known({ ...ref, name: tag, commit: ref['object'] }), known }];
  },
};
