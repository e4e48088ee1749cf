import { csv, errorResult, json, notFound, RouteContext, RouteDefinition, visibleRepo } from '../context';
import { paginate } from '../pagination';
import { blobSha } from '../render';
import { filesAtRef } from '../repo-files';
import { RepoRecord } from '../state';
import { JsonObject } from '../templates';

/** The files of a ref (the default branch when absent), or undefined when the ref does not exist. */
function filesAt(ctx: RouteContext, repo: RepoRecord, ref: string | null): Map<string, string> | undefined {
  const data = ctx.state.repoData(repo);
  return ref === null || ref === '' ? data.files : filesAtRef(repo, data, ref);
}

/** Directories implied by the file paths, e.g. `.github` and `.github/workflows`. */
function directoriesOf(files: Map<string, string>): Set<string> {
  const dirs = new Set<string>();
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return dirs;
}

function treeSha(repo: RepoRecord, path: string): string {
  return blobSha(`tree ${repo.fullName}/${path}`);
}

function contentEntry(ctx: RouteContext, repo: RepoRecord, path: string, ref: string, type: 'file' | 'dir', content?: string): JsonObject {
  const api = `${ctx.render.apiBase}/repos/${repo.fullName}`;
  const sha = content !== undefined ? blobSha(content) : treeSha(repo, path);
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`;
  const html = `${ctx.render.webBase}/${repo.fullName}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${path}`;
  return {
    name: path.split('/').pop() ?? path,
    path,
    sha,
    size: content !== undefined ? Buffer.byteLength(content) : 0,
    url: self,
    html_url: html,
    git_url: git,
    download_url: type === 'file' ? `${ctx.render.webBase}/raw/${repo.fullName}/${ref}/${path}` : null,
    type,
    _links: { self, git, html },
  };
}

/** GitHub wraps base64 file content at 60 characters. */
function wrappedBase64(content: string): string {
  const encoded = Buffer.from(content, 'utf8').toString('base64');
  return `${encoded.replace(/(.{60})/g, '$1\n')}\n`;
}

function contents(ctx: RouteContext, rawPath: string): ReturnType<RouteDefinition['handler']> {
  const repo = visibleRepo(ctx);
  if (!repo) return notFound();
  const ref = ctx.query.get('ref') ?? repo.defaultBranch;
  const files = filesAt(ctx, repo, ref);
  if (!files) return errorResult(404, `No commit found for the ref ${ref}`);
  const path = rawPath.replace(/^\/+|\/+$/g, '');
  const content = files.get(path);
  if (content !== undefined) {
    return json({ ...contentEntry(ctx, repo, path, ref, 'file', content), content: wrappedBase64(content), encoding: 'base64' });
  }
  const dirs = directoriesOf(files);
  if (path !== '' && !dirs.has(path)) return notFound();
  const prefix = path === '' ? '' : `${path}/`;
  const entries: JsonObject[] = [];
  for (const dir of [...dirs].sort()) {
    if (dir.startsWith(prefix) && !dir.slice(prefix.length).includes('/')) entries.push(contentEntry(ctx, repo, dir, ref, 'dir'));
  }
  for (const [file, text] of [...files.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (file.startsWith(prefix) && !file.slice(prefix.length).includes('/')) entries.push(contentEntry(ctx, repo, file, ref, 'file', text));
  }
  return json(entries);
}

function fullRepository(ctx: RouteContext, repo: RepoRecord): JsonObject {
  const org = ctx.state.organization(repo.ownerLogin);
  return { ...ctx.render.repo(repo), organization: org ? ctx.render.account(org.login) : null, network_count: 0, subscribers_count: 0 };
}

export const repoRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      return json(fullRepository(ctx, repo));
    },
  },
  {
    method: 'GET',
    pattern: '/repositories/{id}',
    auth: 'token',
    handler: (ctx) => {
      const repo = ctx.state.reposById.get(Number(ctx.params.id));
      if (!repo) return notFound();
      ctx.params.owner = repo.ownerLogin;
      ctx.params.repo = repo.name;
      return visibleRepo(ctx) ? json(fullRepository(ctx, repo)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/teams',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const org = repo && ctx.state.organization(repo.ownerLogin);
      if (!repo || !org) return notFound();
      const teams = repo.teams.flatMap((entry) => {
        const team = org.teams.find((candidate) => candidate.slug === entry.slug);
        return team ? [{ team, permission: entry.permission }] : [];
      });
      return paginate(ctx, teams, ({ team, permission }) => ctx.render.team(org, team, permission));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/collaborators',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const affiliation = ctx.query.get('affiliation') ?? 'all';
      const permission = ctx.query.get('permission');
      const matching = repo.collaborators.filter((collaborator) => {
        if (affiliation === 'outside' && collaborator.affiliation !== 'outside') return false;
        if (affiliation === 'direct' && collaborator.affiliation === 'team') return false;
        return permission === null || collaborator.permission === permission;
      });
      return paginate(ctx, matching, (collaborator) => ctx.render.collaborator(collaborator));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/collaborators/{login}/permission',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      const collaborator = repo?.collaborators.find((candidate) => candidate.login.toLowerCase() === ctx.params.login.toLowerCase());
      if (!repo || !collaborator) return notFound();
      const rendered = ctx.render.collaborator(collaborator);
      return json({ permission: collaborator.permission === 'pull' ? 'read' : collaborator.permission === 'push' ? 'write' : collaborator.permission, role_name: rendered.role_name, user: rendered });
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/properties/values',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      return repo ? json(Object.entries(repo.customProperties).map(([property_name, value]) => ({ property_name, value }))) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/topics',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      return repo ? json({ names: repo.topics }) : notFound();
    },
  },
  { method: 'GET', pattern: '/repos/{owner}/{repo}/contents', auth: 'token', handler: (ctx) => contents(ctx, '') },
  { method: 'GET', pattern: '/repos/{owner}/{repo}/contents/{path+}', auth: 'token', handler: (ctx) => contents(ctx, ctx.params.path) },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/git/trees/{ref+}',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const ref = ctx.params.ref;
      const files = filesAt(ctx, repo, ref);
      if (!files) return errorResult(404, 'Not Found');
      const recursive = csv(ctx.query.get('recursive')) !== undefined;
      const api = `${ctx.render.apiBase}/repos/${repo.fullName}`;
      const entries: JsonObject[] = [];
      for (const dir of [...directoriesOf(files)].sort()) {
        if (recursive || !dir.includes('/')) entries.push({ path: dir, mode: '040000', type: 'tree', sha: treeSha(repo, dir), url: `${api}/git/trees/${treeSha(repo, dir)}` });
      }
      for (const [path, content] of [...files.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        const sha = blobSha(content);
        if (recursive || !path.includes('/')) entries.push({ path, mode: '100644', type: 'blob', sha, size: Buffer.byteLength(content), url: `${api}/git/blobs/${sha}` });
      }
      entries.sort((a, b) => (String(a.path) < String(b.path) ? -1 : 1));
      const sha = treeSha(repo, `@${ref}`);
      return json({ sha, url: `${api}/git/trees/${sha}`, tree: entries, truncated: false });
    },
  },
];
