import { commitOf, commitsBetween, pullRequestCommits } from '../commits';
import { errorResult, json, notFound, RouteContext, RouteDefinition, visibleRepo } from '../context';
import { paginate } from '../pagination';
import { CommitRecord, RepoRecord } from '../state';
import { JsonObject } from '../templates';

/** A commit as `GET …/commits/{ref}`, a comparison and a pull request's commits render it. */
function renderCommit(ctx: RouteContext, repo: RepoRecord, commit: CommitRecord): JsonObject {
  const api = `${ctx.render.apiBase}/repos/${repo.fullName}`;
  const web = `${ctx.render.webBase}/${repo.fullName}`;
  const person = { name: commit.authorLogin, email: `${commit.authorLogin}@users.noreply.example.com`, date: commit.date };
  return {
    sha: commit.sha,
    node_id: `C_${Buffer.from(commit.sha).toString('base64url').slice(0, 20)}`,
    commit: {
      author: person,
      committer: person,
      message: commit.message,
      tree: { sha: commit.sha, url: `${api}/git/trees/${commit.sha}` },
      url: `${api}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${commit.sha}`,
    html_url: `${web}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    author: ctx.render.account(commit.authorLogin),
    committer: ctx.render.account(commit.authorLogin),
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${web}/commit/${sha}` })),
  };
}

export const commitRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/commits/{ref}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const commit = commitOf(repo, ctx.state.repoData(repo), ctx.params.ref);
      if (!commit) return errorResult(422, `No commit found for SHA: ${ctx.params.ref}`);
      return json({ ...renderCommit(ctx, repo, commit), stats: { total: 0, additions: 0, deletions: 0 }, files: [] });
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/compare/{basehead}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const [base, head] = ctx.params.basehead.split('...');
      const data = ctx.state.repoData(repo);
      const baseCommit = base ? commitOf(repo, data, base) : undefined;
      const headCommit = head ? commitOf(repo, data, head) : undefined;
      if (!baseCommit || !headCommit) return notFound();
      const ahead = commitsBetween(repo, data, baseCommit.sha, headCommit.sha);
      const behind = ahead ? undefined : commitsBetween(repo, data, headCommit.sha, baseCommit.sha);
      if (!ahead && !behind) return errorResult(404, `No common ancestor between ${base} and ${head}.`);
      const commits = ahead ?? [];
      const web = `${ctx.render.webBase}/${repo.fullName}`;
      return json({
        url: `${ctx.render.apiBase}/repos/${repo.fullName}/compare/${base}...${head}`,
        html_url: `${web}/compare/${base}...${head}`,
        permalink_url: `${web}/compare/${repo.ownerLogin}:${baseCommit.sha}...${repo.ownerLogin}:${headCommit.sha}`,
        diff_url: `${web}/compare/${base}...${head}.diff`,
        patch_url: `${web}/compare/${base}...${head}.patch`,
        base_commit: renderCommit(ctx, repo, baseCommit),
        merge_base_commit: renderCommit(ctx, repo, ahead ? baseCommit : headCommit),
        status: commits.length > 0 ? 'ahead' : behind && behind.length > 0 ? 'behind' : 'identical',
        ahead_by: commits.length,
        behind_by: behind?.length ?? 0,
        total_commits: commits.length,
        commits: commits.map((commit) => renderCommit(ctx, repo, commit)),
        files: [],
      });
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/pulls/{number}/commits',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const data = repo && ctx.state.repoData(repo);
      const pull = data?.pulls.find((candidate) => String(candidate.number) === ctx.params.number);
      if (!repo || !data || !pull) return notFound();
      return paginate(ctx, pullRequestCommits(repo, data, pull), (commit) => renderCommit(ctx, repo, commit));
    },
  },
];
