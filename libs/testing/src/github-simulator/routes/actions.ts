import { json, notFound, RouteContext, RouteDefinition, visibleRepo } from '../context';
import { paginateWrapped } from '../pagination';
import { RepoRecord, WorkflowRecord, WorkflowRunRecord } from '../state';
import { dateQualifier } from './sorting';

/** A workflow by numeric id or by file name (`ci.yml`). */
function findWorkflow(ctx: RouteContext, repo: RepoRecord): WorkflowRecord | undefined {
  const key = ctx.params.workflow;
  return ctx.state.repoData(repo).workflows.find((workflow) => String(workflow.id) === key || workflow.path.split('/').pop() === key || workflow.path === key);
}

/** `status` matches a status or a conclusion, as on GitHub; plus `branch`, `event`, `head_sha` and `created`. */
function filterRuns(ctx: RouteContext, runs: readonly WorkflowRunRecord[]): WorkflowRunRecord[] {
  const status = ctx.query.get('status');
  const branch = ctx.query.get('branch');
  const event = ctx.query.get('event');
  const headSha = ctx.query.get('head_sha');
  const actor = ctx.query.get('actor');
  const created = dateQualifier(ctx.query.get('created'));
  return runs.filter(
    (run) =>
      (status === null || run.status === status || run.conclusion === status) &&
      (branch === null || run.headBranch === branch) &&
      (event === null || run.event === event) &&
      (headSha === null || run.headSha === headSha) &&
      (actor === null || run.actorLogin === actor) &&
      (created === undefined || created(run.createdAt)),
  );
}

export const actionRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/actions/workflows',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      return repo ? paginateWrapped(ctx, 'workflows', ctx.state.repoData(repo).workflows, (workflow) => ctx.render.workflow(repo, workflow)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/actions/workflows/{workflow}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const workflow = repo && findWorkflow(ctx, repo);
      return repo && workflow ? json(ctx.render.workflow(repo, workflow)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/actions/workflows/{workflow}/runs',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const workflow = repo && findWorkflow(ctx, repo);
      if (!repo || !workflow) return notFound();
      const runs = filterRuns(ctx, ctx.state.repoData(repo).runs.filter((run) => run.workflowId === workflow.id));
      return paginateWrapped(ctx, 'workflow_runs', runs, (run) => ctx.render.run(repo, run));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/actions/runs',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      return repo ? paginateWrapped(ctx, 'workflow_runs', filterRuns(ctx, ctx.state.repoData(repo).runs), (run) => ctx.render.run(repo, run)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/actions/runs/{id}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const run = repo && ctx.state.repoData(repo).runs.find((candidate) => String(candidate.id) === ctx.params.id);
      return repo && run ? json(ctx.render.run(repo, run)) : notFound();
    },
  },
];

