import { actorLogin, bodyObject, errorResult, json, notFound, RouteContext, RouteDefinition, RouteResult, validationFailed, visibleRepo } from '../context';
import { RepoData } from '../state';

const MAX_INPUTS = 10;

/** A branch or tag (short or `refs/…`) and the commit it points at. */
function resolveRef(data: RepoData, ref: string): { branch: string; sha: string } | undefined {
  const short = ref.replace(/^refs\/(heads|tags)\//, '');
  const branch = !ref.startsWith('refs/tags/') ? data.branches.find((candidate) => candidate.name === short) : undefined;
  if (branch) return { branch: branch.name, sha: branch.sha };
  const tag = !ref.startsWith('refs/heads/') ? data.tags.find((candidate) => candidate.name === short) : undefined;
  return tag ? { branch: tag.name, sha: tag.sha } : undefined;
}

function dispatch(ctx: RouteContext): RouteResult {
  const repo = visibleRepo(ctx);
  if (!repo) return notFound();
  const data = ctx.state.repoData(repo);
  const key = ctx.params.workflow;
  const workflow = data.workflows.find((candidate) => String(candidate.id) === key || candidate.path.split('/').pop() === key || candidate.path === key);
  if (!workflow) return notFound();
  const body = bodyObject(ctx);
  if (typeof body.ref !== 'string' || body.ref === '') return validationFailed('Invalid request.\n\n"ref" wasn\'t supplied.');
  const inputs = body.inputs ?? {};
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) return validationFailed("Invalid request.\n\nFor 'properties/inputs', it is not an object.");
  if (Object.keys(inputs).length > MAX_INPUTS) return validationFailed('you may only define up to 10 `inputs` for a `workflow_dispatch` event');
  const ref = resolveRef(data, body.ref);
  if (!ref) return validationFailed(`No ref found for: ${body.ref}`);
  if (!/\bworkflow_dispatch\b/.test(data.files.get(workflow.path) ?? '')) return validationFailed("Workflow does not have 'workflow_dispatch' trigger");
  if (workflow.state !== 'active') return errorResult(422, 'Cannot trigger a \'workflow_dispatch\' on a disabled workflow');
  const run = ctx.runner.dispatch(repo, workflow, ref, actorLogin(ctx), inputs as Record<string, unknown>);
  if (body.return_run_details === true && ctx.options.supportsReturnRunDetails) {
    return json({ workflow_run_id: run.id, run_url: `${ctx.render.apiBase}/repos/${repo.fullName}/actions/runs/${run.id}`, html_url: `${ctx.render.webBase}/${repo.fullName}/actions/runs/${run.id}` });
  }
  return { status: 204 };
}

function cancel(ctx: RouteContext): RouteResult {
  const repo = visibleRepo(ctx);
  const run = repo && ctx.state.repoData(repo).runs.find((candidate) => String(candidate.id) === ctx.params.id);
  if (!repo || !run) return notFound();
  return ctx.runner.cancel(repo, run) ? json({}, 202) : errorResult(409, 'Cannot cancel a workflow run that is completed.');
}

export const dispatchRoutes: RouteDefinition[] = [
  { method: 'POST', pattern: '/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches', auth: 'token', handler: dispatch },
  { method: 'POST', pattern: '/repos/{owner}/{repo}/actions/runs/{id}/cancel', auth: 'token', handler: cancel },
];
