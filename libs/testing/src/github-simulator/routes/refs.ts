import { errorResult, json, notFound, RouteDefinition, visibleRepo } from '../context';
import { paginate } from '../pagination';

export const refRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/releases',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      return repo ? paginate(ctx, ctx.state.repoData(repo).releases, (release) => ctx.render.release(repo, release)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/releases/latest',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const release = repo && ctx.state.repoData(repo).releases.find((candidate) => !candidate.draft && !candidate.prerelease);
      return repo && release ? json(ctx.render.release(repo, release)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/releases/{id}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const release = repo && ctx.state.repoData(repo).releases.find((candidate) => String(candidate.id) === ctx.params.id);
      return repo && release ? json(ctx.render.release(repo, release)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/tags',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      return repo ? paginate(ctx, ctx.state.repoData(repo).tags, (tag) => ctx.render.tag(repo, tag)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/git/refs/tags/{tag+}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const tag = repo && ctx.state.repoData(repo).tags.find((candidate) => candidate.name === ctx.params.tag);
      return repo && tag ? json(ctx.render.tagRef(repo, tag)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/branches',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const protectedOnly = ctx.query.get('protected');
      const branches = ctx.state.repoData(repo).branches.filter((branch) => protectedOnly === null || (branch.protection !== null) === (protectedOnly === 'true'));
      return paginate(ctx, branches, (branch) => ctx.render.branch(repo, branch));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/branches/{branch+}/protection',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const branch = repo && ctx.state.repoData(repo).branches.find((candidate) => candidate.name === ctx.params.branch);
      if (!repo || !branch) return errorResult(404, 'Branch not found');
      const protection = ctx.render.protection(repo, branch);
      return protection ? json(protection) : errorResult(404, 'Branch not protected');
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/branches/{branch+}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const branch = repo && ctx.state.repoData(repo).branches.find((candidate) => candidate.name === ctx.params.branch);
      if (!repo) return notFound();
      return branch ? json(ctx.render.branchDetail(repo, branch)) : errorResult(404, 'Branch not found');
    },
  },
];
