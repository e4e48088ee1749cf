import { fetchCollaborators, GithubObject } from '@glint/github';
import type { ResourceConfig } from '@glint/mapping';
import { payloadOf } from '../events/webhook-payload';
import { KindModule } from './kind-module';

/** Re-read through the collaborator's permission: a `member` payload's user has no `role_name` or `permissions`. */
export const collaboratorKind: KindModule = {
  kind: 'collaborator',
  repositoryScoped: true,
  list: (context, selector) => fetchCollaborators(context, selector),
  liveEvents: ['member'],
  async liveObjects(live) {
    const member = payloadOf(live.event, 'member')?.member;
    const repository = live.repository;
    if (!member || !repository) return [];
    const login = member.login;
    live.enrichments.relationsChanged(live.fetch.organization, repository.name);
    const removed = live.action === 'removed' || live.action === 'deleted';
    const permission = removed ? null : await live.read('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { username: login });
    const user = permission?.['user'] as GithubObject | undefined;
    const target = { owner: repository.owner.login, repo: repository.name };
    const listedFor = async (resource: ResourceConfig): Promise<boolean> => {
      const affiliation = typeof resource.selector['affiliation'] === 'string' ? resource.selector['affiliation'] : 'all';
      if (affiliation === 'all') return true;
      for await (const page of live.fetch.client.paginate<{ login: string }>('GET /repos/{owner}/{repo}/collaborators', { ...target, affiliation })) {
        if (page.some((collaborator) => collaborator.login.toLowerCase() === login.toLowerCase())) return true;
      }
      return false;
    };
    return [{ kind: 'collaborator', current: user ? live.known(user) : null, known: live.known(member), listedFor, ...(removed ? { observedAt: live.deletedAt() } : {}) }];
  },
};
