import { fetchWorkflows } from '@glint/github';
import { KindModule, LiveObject } from './kind-module';
import { changedPaths, pushedBranch } from './push-paths';

const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/;

/** Re-read, on a push to the default branch that changes a workflow file: no event carries the workflow object. */
export const workflowKind: KindModule = {
  kind: 'workflow',
  repositoryScoped: true,
  list: (context, selector) => fetchWorkflows(context, selector),
  liveEvents: ['push'],
  async liveObjects(live) {
    const repository = live.repository;
    if (!repository || pushedBranch(live.payload) !== repository.default_branch) return [];
    const objects: LiveObject[] = [];
    for (const path of new Set(changedPaths(live.payload).filter((changed) => WORKFLOW_FILE.test(changed)))) {
      const file = path.split('/').pop();
      const workflow = await live.read('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}', { workflow_id: file });
      objects.push({ kind: 'workflow', current: workflow && live.known(workflow), known: live.known({ path, name: file }) });
    }
    return objects;
  },
};
