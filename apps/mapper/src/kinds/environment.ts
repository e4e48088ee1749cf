import { fetchEnvironments, GithubObject, withVariables } from '@glint/github';
import type { ResourceConfig } from '@glint/mapping';
import { KindModule, payloadObject } from './kind-module';

/** Re-read: a `deployment` payload names its environment only. Environments are upserted from deployments, never deleted (as the peer does). */
export const environmentKind: KindModule = {
  kind: 'environment',
  repositoryScoped: true,
  list: (context, selector) => fetchEnvironments(context, selector),
  liveEvents: ['deployment'],
  async liveObjects(live) {
    const name = payloadObject(live.payload, 'deployment')?.['environment'];
    if (typeof name !== 'string' || !name || !live.repository) return [];
    const environment = await live.read('GET /repos/{owner}/{repo}/environments/{environment_name}', { environment_name: name });
    const repository = live.repository;
    const variables = async (object: GithubObject, resource: ResourceConfig): Promise<GithubObject> =>
      resource.selector['includeVariables'] === true && repository ? withVariables(live.fetch, repository, { ...object, name }) : object;
    return environment ? [{ kind: 'environment', current: live.known(environment), known: live.known(environment), enrich: variables }] : [];
  },
};
