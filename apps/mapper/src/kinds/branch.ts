import { fetchBranches, GithubObject } from '@glint/github';
import type { ResourceConfig } from '@glint/mapping';
import { KindModule, listOption, LiveContext, Selector } from './kind-module';
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
    // The live read is the detailed branch (`detailed` or not, as the peer's); protection rules only where asked for.
    const withRules = async (object: GithubObject, resource: ResourceConfig): Promise<GithubObject> =>
      resource.selector['protectionRules'] === true ? { ...object, __protection_rules: await live.read('GET /repos/{owner}/{repo}/branches/{branch}/protection', { branch: name }) } : object;
    return [{ kind: 'branch', current, known, enrich: withRules }];
  },
  keeps: (selector, object) => branchKept(selector, object),
};

/** `defaultBranchOnly`, else `branchNames`: the branches the listing reads. */
function branchKept(selector: Selector, branch: GithubObject): boolean {
  if (selector['defaultBranchOnly'] === true) return branch['__is_default_branch'] === true;
  const names = listOption(selector['branchNames'], []);
  return names.length === 0 || names.includes(String(branch['name']));
}

async function branchObject(live: LiveContext, branch: string): Promise<GithubObject | null> {
  const current = await live.read('GET /repos/{owner}/{repo}/branches/{branch}', { branch });
  const repository = live.repository;
  if (!current || !repository) return null;
  return live.known({ ...current, __is_default_branch: branch === repository.default_branch, __repository_object: repository });
}
