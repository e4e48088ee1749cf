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
  /** The organization the pattern is for (a mapping shared by several); every organization's when absent. */
  organization?: string;
  /** The repositories to look in; all of the organization's when absent. */
  repos?: readonly RepositoryRef[];
  /** Keep the content as text instead of parsing JSON/YAML. */
  skipParsing?: boolean;
  /** Pull requests changing a matched file get a check run validating its entity (see the mapper's config checks). */
  validationCheck?: boolean;
}

export interface FileSelector {
  files: readonly FilePattern[];
  /** Files attached to each file under `__includedFiles[path]`, the path relative to the file's folder. */
  includedFiles?: readonly string[];
}

export interface FolderPattern {
  path: string;
  organization?: string;
  repos?: readonly RepositoryRef[];
  /** Files attached to each matched folder under `folder.__includedFiles[path]`, the path relative to the folder. */
  includedFiles?: readonly string[];
}

export interface FolderSelector {
  folders: readonly FolderPattern[];
  /** Files attached to each folder under `__includedFiles[path]`, the path relative to the repository's root. */
  includedFiles?: readonly string[];
}

/** Whether a pattern naming an organization is for the one being listed (logins are case-insensitive). */
export function patternAppliesTo(pattern: { organization?: string }, organization: string): boolean {
  return pattern.organization === undefined || pattern.organization.toLowerCase() === organization.toLowerCase();
}

export interface TreeEntry {
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
    if (!patternAppliesTo(pattern, context.organization)) continue;
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
          ...(selector.includedFiles?.length ? { __includedFiles: await includedFiles(context, repository, branch, parentOf(entry.path), selector.includedFiles) } : {}),
        });
      }
      if (files.length > 0) yield files;
    }
  }
}

/** Folders (tree entries) matching each pattern: `{folder, __repository, __organization, __branch}`. */
export async function* fetchFolders(context: FetchContext, selector: FolderSelector): AsyncIterable<GithubObject[]> {
  for (const pattern of selector.folders) {
    if (!patternAppliesTo(pattern, context.organization)) continue;
    const matches = picomatch(pattern.path, { dot: true });
    const recursive = pattern.path.includes('/') || (pattern.path.includes('*') && pattern.path !== '*');
    for await (const { repository, branch } of repositoriesFor(context, pattern.repos)) {
      const folders: GithubObject[] = [];
      // The repository's root files are the same for each of its folders: read once, when a folder matches.
      let rootFiles: Record<string, string | null> | undefined;
      for (const entry of (await treeOf(context, repository, branch, recursive)).filter((candidate) => candidate.type === 'tree' && matches(candidate.path))) {
        const folder = pattern.includedFiles?.length ? { ...entry, __includedFiles: await includedFiles(context, repository, branch, entry.path, pattern.includedFiles) } : entry;
        if (selector.includedFiles?.length) rootFiles ??= await includedFiles(context, repository, branch, '', selector.includedFiles);
        const attached = rootFiles ? { __includedFiles: { ...rootFiles } } : {};
        folders.push({ folder, __repository: repository.name, __organization: context.organization, __branch: branch, ...attached });
      }
      if (folders.length > 0) yield folders;
    }
  }
}

/**
 * `{path: text}` of each requested file (null when absent), a path resolved inside `base` (a folder of the repository;
 * '' its root) unless it already starts with it, as the peer resolves `includedFiles`.
 */
async function includedFiles(context: FetchContext, repository: Repository, branch: string, base: string, paths: readonly string[]): Promise<Record<string, string | null>> {
  const files: Record<string, string | null> = {};
  for (const requested of paths) files[requested] = await readFile(context, repository, resolveIncluded(requested, base), branch);
  return files;
}

function resolveIncluded(requested: string, base: string): string {
  const path = requested.replace(/^\/+/, '');
  const folder = base.replace(/^\/+|\/+$/g, '');
  return folder === '' || folder === '.' || path.startsWith(`${folder}/`) ? path : `${folder}/${path}`;
}

/** The folder holding `path` ('' at the repository's root). */
export function parentOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
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

export async function* repositoriesFor(context: FetchContext, refs: readonly RepositoryRef[] | undefined): AsyncIterable<{ repository: Repository; branch: string }> {
  if (!refs?.length) {
    for await (const repositories of fetchRepositories(context)) {
      for (const repository of repositories) yield { repository, branch: repository.default_branch };
    }
    return;
  }
  const only = context.repositories && new Set(context.repositories.map((repository) => repository.name.toLowerCase()));
  for (const ref of refs) {
    if (only && !only.has(ref.name.toLowerCase())) continue;
    const repository = await context.client.request<Repository>('GET /repos/{owner}/{repo}', { owner: context.organization, repo: ref.name }, RESYNC);
    if (context.skipsRepository?.(repository)) continue;
    yield { repository, branch: ref.branch ?? repository.default_branch };
  }
}

export async function treeOf(context: FetchContext, repository: Repository, branch: string, recursive: boolean): Promise<TreeEntry[]> {
  const tree = await context.client.request<{ tree: TreeEntry[]; truncated?: boolean }>(
    'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
    { owner: repository.owner.login, repo: repository.name, tree_sha: branch, ...(recursive ? { recursive: '1' } : {}) },
    RESYNC,
  );
  return tree.tree;
}
