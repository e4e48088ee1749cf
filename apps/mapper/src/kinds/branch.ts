import { fetchBranches, GithubObject } from '@glint/github';
import { KindModule, LiveContext } from './kind-module';
import { pushedBranch } from './push-paths';

/** Re-read: `create`, `delete` and `push` payloads name the branch, not its REST object. */
export const branchKind: KindModule = {
  kind: 'branch',
  repositoryScoped: true,
  list: (context, selector) => fetchBranches(context, selector),
  liveEvents: ['create', 'delete', 'push'],
  async liveObjects(live) {
    const { payload, repository } = live;
    if (!repository) return [];
    let name: string | undefined;
    let deleted: boolean;
    if (live.event.event === 'push') {
      name = pushedBranch(payload);
      deleted = payload['deleted'] === true;
    } else {
      name = payload['ref_type'] === 'branch' && typeof payload['ref'] === 'string' ? payload['ref'] : undefined;
      deleted = live.event.event === 'delete';
    }
    if (!name) return [];
    const known = live.known({ name });
    if (deleted) return [{ kind: 'branch', current: null, known, observedAt: live.deletedAt() }];
    const current = await branchObject(live, name);
    return [{ kind: 'branch', current, known }];
  },
  keeps: (selector, object) => selector['defaultBranchOnly'] !== true || object['__is_default_branch'] === true,
};

async function branchObject(live: LiveContext, branch: string): Promise<GithubObject | null> {
  const current = await live.read('GET /repos/{owner}/{repo}/branches/{branch}', { branch });
  const repository = live.repository;
  if (!current || !repository) return null;
  return live.known({ ...current, __is_default_branch: branch === repository.default_branch, __repository_object: repository });
}
