import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import type { FetchContext, GithubObject } from './fetch-context';
import { RESYNC } from './fetch-context';
import { fetchRepositories, readFile, Repository } from './repositories';

export interface RepositoryRef {
  name: string;
  branch?: string;
}

export interface FilePattern {
  /** A glob over paths in the repository (globstar, case-insensitive, dotfiles included). */
  path: string;
  /** The repositories to look in; all of the organization's when absent. */
  repos?: readonly RepositoryRef[];
  /** Keep the content as text instead of parsing JSON/YAML. */
  skipParsing?: boolean;
}

export interface FileSelector {
  files: readonly FilePattern[];
}

export interface FolderPattern {
  path: string;
  repos?: readonly RepositoryRef[];
}

export interface FolderSelector {
  folders: readonly FolderPattern[];
}

interface TreeEntry {
  path: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
  url?: string;
}

/** Blobs over 1 MB are left out, as GitHub's contents API does not serve them inline. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Files matching each pattern, one page per repository: `{organization, repository, branch, path, name, content, metadata}`. */
export async function* fetchFiles(context: FetchContext, selector: FileSelector): AsyncIterable<GithubObject[]> {
  for (const pattern of selector.files) {
    const matches = picomatch(pattern.path, { dot: true, nocase: true });
    for await (const { repository, branch } of repositoriesFor(context, pattern.repos)) {
      const entries = (await treeOf(context, repository, branch, true)).filter(
        (entry) => entry.type === 'blob' && matches(entry.path) && (entry.size ?? 0) <= MAX_FILE_BYTES,
      );
      const files: GithubObject[] = [];
      for (const entry of entries) {
        const text = await readFile(context, repository, entry.path, branch);
        if (text === null) continue;
        files.push({
          organization: context.organization,
          repository,
          branch,
          path: entry.path,
          name: entry.path.split('/').pop(),
          content: pattern.skipParsing ? text : parseContent(entry.path, text),
          metadata: entry,
        });
      }
      if (files.length > 0) yield files;
    }
  }
}

/** Folders (tree entries) matching each pattern: `{folder, __repository, __organization, __branch}`. */
export async function* fetchFolders(context: FetchContext, selector: FolderSelector): AsyncIterable<GithubObject[]> {
  for (const pattern of selector.folders) {
    const matches = picomatch(pattern.path, { dot: true });
    const recursive = pattern.path.includes('/') || (pattern.path.includes('*') && pattern.path !== '*');
    for await (const { repository, branch } of repositoriesFor(context, pattern.repos)) {
      const folders = (await treeOf(context, repository, branch, recursive))
        .filter((entry) => entry.type === 'tree' && matches(entry.path))
        .map((entry) => ({ folder: entry, __repository: repository.name, __organization: context.organization, __branch: branch }));
      if (folders.length > 0) yield folders;
    }
  }
}

/** JSON and YAML files are parsed; anything else, or content that does not parse, stays text. */
export function parseContent(path: string, text: string): unknown {
  const lower = path.toLowerCase();
  try {
    if (lower.endsWith('.json')) return JSON.parse(text);
    if (lower.endsWith('.yml') || lower.endsWith('.yaml')) return parseYaml(text);
  } catch {
    return text;
  }
  return text;
}

async function* repositoriesFor(context: FetchContext, refs: readonly RepositoryRef[] | undefined): AsyncIterable<{ repository: Repository; branch: string }> {
  if (!refs?.length) {
    for await (const repositories of fetchRepositories(context)) {
      for (const repository of repositories) yield { repository, branch: repository.default_branch };
    }
    return;
  }
  for (const ref of refs) {
    const repository = await context.client.request<Repository>('GET /repos/{owner}/{repo}', { owner: context.organization, repo: ref.name }, RESYNC);
    yield { repository, branch: ref.branch ?? repository.default_branch };
  }
}

async function treeOf(context: FetchContext, repository: Repository, branch: string, recursive: boolean): Promise<TreeEntry[]> {
  const tree = await context.client.request<{ tree: TreeEntry[]; truncated?: boolean }>(
    'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
    { owner: repository.owner.login, repo: repository.name, tree_sha: branch, ...(recursive ? { recursive: '1' } : {}) },
    RESYNC,
  );
  return tree.tree;
}
