import { fetchWorkflowRuns } from '@glint/github';
import { KindModule, listOption, payloadObject } from './kind-module';

/** A `workflow_run` payload's object is the REST run (`GET …/actions/runs/{id}`), ordered by `updated_at`. */
export const workflowRunKind: KindModule = {
  kind: 'workflow-run',
  repositoryScoped: true,
  list: (context, selector) => fetchWorkflowRuns(context, selector),
  liveEvents: ['workflow_run'],
  async liveObjects(live) {
    const run = payloadObject(live.payload, 'workflow_run');
    if (!run || !live.repository) return [];
    return [await live.fromPayload('workflow-run', live.known(run), () => live.readKnown('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { run_id: run['id'] }))];
  },
  keeps(selector, object) {
    const statuses = listOption(selector['statuses'], []);
    return statuses.length === 0 || statuses.includes(String(object['status'])) || statuses.includes(String(object['conclusion']));
  },
};
