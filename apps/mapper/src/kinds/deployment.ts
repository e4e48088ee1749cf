import { fetchDeployments, GithubObject } from '@glint/github';
import { KindModule, PayloadFirstKind, LiveContext, payloadObject, Selector } from './kind-module';

/**
 * A `deployment` payload's object is the REST deployment, ordered by `updated_at`. A `deployment_status` moves its
 * deployment's `updated_at`, which its payload's copy may not show, so that one re-reads the deployment.
 */
export const deploymentKind: KindModule & PayloadFirstKind = {
  kind: 'deployment',
  repositoryScoped: true,
  list: (context, selector) => fetchDeployments(context, selector),
  liveEvents: ['deployment', 'deployment_status'],
  // The peer's documented deployment mapping, the `task` and `environment` filters, identity and order.
  payloadFields: ['id', 'task', 'environment', 'description', 'sha', 'ref', 'url', 'creator.login', 'created_at', 'updated_at', 'transient_environment', 'production_environment'],
  async liveObjects(live) {
    const deployment = payloadObject(live.payload, 'deployment');
    if (!deployment || !live.repository) return [];
    if (live.event.event === 'deployment_status') {
      if (!payloadObject(live.payload, 'deployment_status')) return [];
      const current = await currentDeployment(live, deployment);
      return [{ kind: 'deployment', current, known: live.known(deployment) }];
    }
    return [await live.fromPayload(deploymentKind, live.known(deployment), () => currentDeployment(live, deployment))];
  },
  keeps: (selector, object) => deploymentKept(selector, object),
};

export function currentDeployment(live: LiveContext, deployment: GithubObject): Promise<GithubObject | null> {
  return live.readKnown('GET /repos/{owner}/{repo}/deployments/{deployment_id}', { deployment_id: deployment['id'] });
}

/** The `GET …/deployments?task=&environment=` filters. */
export function deploymentKept(selector: Selector, deployment: GithubObject): boolean {
  return matches(selector['task'], deployment['task']) && matches(selector['environment'], deployment['environment']);
}

function matches(wanted: unknown, actual: unknown): boolean {
  return typeof wanted !== 'string' || wanted === '' || wanted === actual;
}
