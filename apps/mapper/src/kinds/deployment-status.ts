import { fetchDeploymentStatuses } from '@glint/github';
import { currentDeployment, deploymentKept } from './deployment';
import { KindModule, PayloadFirstKind, payloadObject } from './kind-module';

/** A deployment status never changes once created: it is taken from the payload; its deployment decides whether it is kept. */
export const deploymentStatusKind: KindModule & PayloadFirstKind = {
  kind: 'deployment-status',
  repositoryScoped: true,
  list: (context, selector) => fetchDeploymentStatuses(context, selector),
  liveEvents: ['deployment_status'],
  payloadFields: ['id', 'state', 'description', 'environment', 'creator.login', 'target_url', 'deployment_url', 'url', 'created_at', 'updated_at'],
  async liveObjects(live) {
    const status = payloadObject(live.payload, 'deployment_status');
    const deployment = payloadObject(live.payload, 'deployment');
    if (!status || !deployment || !live.repository) return [];
    const current = await currentDeployment(live, deployment);
    const object = live.known({ ...status, __deployment_id: deployment['id'] });
    return [{ kind: 'deployment-status', current: current ? object : null, known: object, parent: current ?? live.known(deployment) }];
  },
  keeps: (selector, _object, scope) => scope.parent === undefined || deploymentKept(selector, scope.parent),
};
