import { fetchWorkflowRuns, GithubObject } from '@glint/github';
import { KindModule, PayloadFirstKind, listOption, payloadObject, Selector } from './kind-module';

/** A `workflow_run` payload's object is the REST run (`GET …/actions/runs/{id}`), ordered by `updated_at`. */
export const workflowRunKind: KindModule & PayloadFirstKind = {
  kind: 'workflow-run',
  repositoryScoped: true,
  list: (context, selector) => fetchWorkflowRuns(context, selector),
  liveEvents: ['workflow_run'],
  // The peer's documented workflow run mappings, the `statuses` filter, identity and order.
  payloadFields: [
    'id',
    'name',
    'display_title',
    'status',
    'conclusion',
    'head_branch',
    'run_number',
    'run_attempt',
    'html_url',
    'created_at',
    'updated_at',
    'run_started_at',
    'triggering_actor.login',
    'workflow_id',
    'repository.name',
  ],
  async liveObjects(live) {
    const run = payloadObject(live.payload, 'workflow_run');
    if (!run || !live.repository) return [];
    return [await live.fromPayload(workflowRunKind, live.known(run), () => live.readKnown('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { run_id: run['id'] }))];
  },
  keeps(selector, object) {
    const statuses = listOption(selector['statuses'], []);
    const status = statuses.length === 0 || statuses.includes(String(object['status'])) || statuses.includes(String(object['conclusion']));
    return status && createdInWindow(selector, object);
  },
};

/** The listing's `created` filter (`since` days, else `since_date`), which GitHub applies to whole days. */
function createdInWindow(selector: Selector, run: GithubObject, now = Date.now()): boolean {
  const created = Date.parse(String(run['created_at']));
  const since = selector['since'];
  const sinceDate = selector['since_date'];
  let from: number | undefined;
  if (typeof since === 'number') from = Date.parse(new Date(now - since * 86_400_000).toISOString().slice(0, 10));
  else if (typeof sinceDate === 'string') from = Date.parse(sinceDate);
  return from === undefined || Number.isNaN(from) || Number.isNaN(created) || created >= from;
}
