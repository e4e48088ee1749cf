import { csv, json, notFound, RouteContext, RouteDefinition, visibleRepo } from '../context';
import { paginate } from '../pagination';
import { blobSha } from '../render';
import { ChangedFile, lineDiff, pullRequestFiles } from '../repo-files';
import { IssueRecord, PullRecord, RepoRecord } from '../state';
import { JsonObject } from '../templates';
import { directionOf, sortedBy } from './sorting';

type IssueLike = { kind: 'issue'; record: IssueRecord } | { kind: 'pull'; record: PullRecord };

function stateFilter(ctx: RouteContext): (state: 'open' | 'closed') => boolean {
  const wanted = ctx.query.get('state') ?? 'open';
  return (state) => wanted === 'all' || state === wanted;
}

/** GitHub lists at most this many files of a pull request. */
const MAX_PULL_FILES = 3000;

function renderDiffEntry(ctx: RouteContext, repo: RepoRecord, pull: PullRecord, file: ChangedFile): JsonObject {
  const diff = lineDiff(file.before, file.after);
  const path = file.filename.split('/').map(encodeURIComponent).join('/');
  const text = file.after ?? file.before ?? '';
  // A removed file's links point at the base, where it still exists.
  const ref = file.status === 'removed' ? (pull.mergeBaseSha ?? pull.headSha) : pull.headSha;
  return {
    sha: blobSha(text),
    filename: file.filename,
    status: file.status,
    additions: diff.additions,
    deletions: diff.deletions,
    changes: diff.additions + diff.deletions,
    blob_url: `${ctx.render.webBase}/${repo.fullName}/blob/${ref}/${path}`,
    raw_url: `${ctx.render.webBase}/${repo.fullName}/raw/${ref}/${path}`,
    contents_url: `${ctx.render.apiBase}/repos/${repo.fullName}/contents/${path}?ref=${ref}`,
    ...(diff.patch !== undefined ? { patch: diff.patch } : {}),
    ...(file.previousFilename !== undefined ? { previous_filename: file.previousFilename } : {}),
  };
}

function renderIssueLike(ctx: RouteContext, repo: RepoRecord, item: IssueLike): JsonObject {
  return item.kind === 'issue' ? ctx.render.issue(repo, item.record) : ctx.render.pullAsIssue(repo, item.record);
}

export const pullRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/pulls',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const matchesState = stateFilter(ctx);
      const head = ctx.query.get('head');
      const base = ctx.query.get('base');
      const pulls = ctx.state.repoData(repo).pulls.filter((pull) => matchesState(pull.state) && (base === null || pull.baseRef === base) && (head === null || `${repo.ownerLogin}:${pull.headRef}` === head));
      const sort = ctx.query.get('sort') === 'updated' ? 'updated' : 'created';
      // GitHub: desc by default when sorting by creation (or not sorting), asc otherwise.
      const direction = directionOf(ctx.query.get('direction'), ctx.query.get('sort') === null || sort === 'created' ? 'desc' : 'asc');
      const ordered = sortedBy(pulls, (pull) => (sort === 'updated' ? pull.updatedAt : pull.createdAt), direction, (pull) => pull.number);
      return paginate(ctx, ordered, (pull) => ctx.render.pull(repo, pull));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/pulls/{number}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const pull = repo && ctx.state.repoData(repo).pulls.find((candidate) => String(candidate.number) === ctx.params.number);
      return repo && pull ? json({ ...ctx.render.pull(repo, pull), mergeable: pull.state === 'open' ? true : null, rebaseable: pull.state === 'open' ? true : null, mergeable_state: pull.state === 'open' ? 'clean' : 'unknown', review_comments: 0 }) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/pulls/{number}/files',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const pull = repo && ctx.state.repoData(repo).pulls.find((candidate) => String(candidate.number) === ctx.params.number);
      if (!repo || !pull) return notFound();
      const files = pullRequestFiles(repo, ctx.state.repoData(repo), pull).slice(0, MAX_PULL_FILES);
      return paginate(ctx, files, (file) => renderDiffEntry(ctx, repo, pull, file));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/issues',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const data = ctx.state.repoData(repo);
      const matchesState = stateFilter(ctx);
      const labels = csv(ctx.query.get('labels'))?.map((label) => label.toLowerCase());
      const since = ctx.query.get('since');
      const sinceIso = since ? new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
      const assignee = ctx.query.get('assignee');
      const creator = ctx.query.get('creator');
      const items: IssueLike[] = [...data.issues.map((record): IssueLike => ({ kind: 'issue', record })), ...data.pulls.map((record): IssueLike => ({ kind: 'pull', record }))].filter(({ kind, record }) => {
        if (!matchesState(record.state)) return false;
        if (labels && !labels.every((label) => record.labels.some((candidate) => candidate.name.toLowerCase() === label))) return false;
        if (sinceIso !== undefined && record.updatedAt < sinceIso) return false;
        if (creator !== null && record.userLogin.toLowerCase() !== creator.toLowerCase()) return false;
        if (assignee !== null && assignee !== '*') {
          const assignees = kind === 'issue' ? record.assigneeLogins : [];
          if (assignee === 'none' ? assignees.length > 0 : !assignees.some((login) => login.toLowerCase() === assignee.toLowerCase())) return false;
        }
        return true;
      });
      const sortParam = ctx.query.get('sort');
      const sort = sortParam === 'updated' || sortParam === 'comments' ? sortParam : 'created';
      const direction = directionOf(ctx.query.get('direction'), 'desc');
      const key = (item: IssueLike): string => (sort === 'updated' ? item.record.updatedAt : sort === 'comments' ? String(item.record.comments).padStart(8, '0') : item.record.createdAt);
      return paginate(ctx, sortedBy(items, key, direction, (item) => item.record.number), (item) => renderIssueLike(ctx, repo, item));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/issues/{number}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const data = ctx.state.repoData(repo);
      const issue = data.issues.find((candidate) => String(candidate.number) === ctx.params.number);
      if (issue) return json(ctx.render.issue(repo, issue));
      const pull = data.pulls.find((candidate) => String(candidate.number) === ctx.params.number);
      return pull ? json(ctx.render.pullAsIssue(repo, pull)) : notFound();
    },
  },
];
