import { Deployment, fetchDeployments, GithubObject, withFirstCommit } from '@glint/github';
import type { ResourceConfig } from '@glint/mapping';
import { KindModule, PayloadFirstKind, LiveContext, LiveObject, payloadObject, Selector } from './kind-module';

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
    let object: LiveObject;
    if (live.event.event === 'deployment_status') {
      if (!payloadObject(live.payload, 'deployment_status')) return [];
      object = { kind: 'deployment', current: await currentDeployment(live, deployment), known: live.known(deployment) };
    } else {
      object = await live.fromPayload(deploymentKind, live.known(deployment), () => currentDeployment(live, deployment));
    }
    return [{ ...object, enrich: firstCommitFor(live) }];
  },
  keeps: (selector, object) => deploymentKept(selector, object),
};

/** `__firstCommit` and `__commitCount` for a resource with `enrichWithFirstCommit`, as its listing adds them. */
function firstCommitFor(live: LiveContext): (object: GithubObject, resource: ResourceConfig) => Promise<GithubObject> {
  return async (object, resource) => {
    const repository = live.repository;
    if (resource.selector['enrichWithFirstCommit'] !== true || !repository || typeof object['id'] !== 'number') return object;
    return withFirstCommit(live.fetch, repository, object as Deployment);
  };
}

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
