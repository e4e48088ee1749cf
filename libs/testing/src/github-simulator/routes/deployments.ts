import { json, notFound, RouteDefinition, visibleRepo } from '../context';
import { paginate, paginateWrapped } from '../pagination';

export const deploymentRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/environments',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      return repo ? paginateWrapped(ctx, 'environments', ctx.state.repoData(repo).environments, (env) => ctx.render.environment(repo, env)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/environments/{name}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const env = repo && ctx.state.repoData(repo).environments.find((candidate) => candidate.name === ctx.params.name);
      return repo && env ? json(ctx.render.environment(repo, env)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/deployments',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const environment = ctx.query.get('environment');
      const task = ctx.query.get('task');
      const ref = ctx.query.get('ref');
      const sha = ctx.query.get('sha');
      const deployments = ctx.state.repoData(repo).deployments.filter(
        (deployment) => (environment === null || deployment.environment === environment) && (task === null || deployment.task === task) && (ref === null || deployment.ref === ref) && (sha === null || deployment.sha === sha),
      );
      return paginate(ctx, deployments, (deployment) => ctx.render.deployment(repo, deployment));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/deployments/{id}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const deployment = repo && ctx.state.repoData(repo).deployments.find((candidate) => String(candidate.id) === ctx.params.id);
      return repo && deployment ? json(ctx.render.deployment(repo, deployment)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/deployments/{id}/statuses',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const deployment = repo && ctx.state.repoData(repo).deployments.find((candidate) => String(candidate.id) === ctx.params.id);
      if (!repo || !deployment) return notFound();
      // Newest first, like GitHub.
      return paginate(ctx, [...deployment.statuses].reverse(), (status) => ctx.render.deploymentStatus(repo, deployment, status));
    },
  },
];
