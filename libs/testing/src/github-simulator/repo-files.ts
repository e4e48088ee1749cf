import { BranchRecord, PullRecord, RepoData, RepoRecord } from './state';

/** Path → UTF-8 text. */
export type FileSet = Map<string, string>;

/**
 * The files of a branch. The default branch owns `data.files` (changed in place by its commits); any other branch
 * has its head commit's own snapshot once something was committed on it, and shares the default branch's files
 * until then (generated branches always do).
 */
export function branchFiles(repo: RepoRecord, data: RepoData, branch: BranchRecord): FileSet {
  if (branch.name !== repo.defaultBranch) {
    const own = data.commitFiles.get(branch.sha);
    if (own) return own;
  }
  return data.files;
}

/** The files at a branch name (`refs/heads/` optional), a commit sha or a tag; undefined when no such ref exists. */
export function filesAtRef(repo: RepoRecord, data: RepoData, ref: string): FileSet | undefined {
  const name = ref.replace(/^refs\/heads\//, '');
  const byName = data.branches.find((branch) => branch.name === name);
  if (byName) return branchFiles(repo, data, byName);
  const sha = ref.toLowerCase();
  // A branch head is its live files; older commits are their snapshots.
  const byHead = data.branches.find((branch) => branch.name === repo.defaultBranch && branch.sha === sha) ?? data.branches.find((branch) => branch.sha === sha);
  if (byHead) return branchFiles(repo, data, byHead);
  const snapshot = data.commitFiles.get(sha);
  if (snapshot) return snapshot;
  const tag = ref.replace(/^refs\/tags\//, '');
  if (data.tags.some((candidate) => candidate.name === tag || candidate.sha === sha)) return data.files;
  return undefined;
}

export interface FileChanges {
  added: string[];
  modified: string[];
  removed: string[];
}

/**
 * One commit on `branch`: applies `changes` (text, or null to remove) and moves the branch to `sha`. The commit it
 * replaces stays readable by its sha, so contents at an older commit (a push's `before`, a merge base) still answer.
 */
export function commitOnBranch(repo: RepoRecord, data: RepoData, branch: BranchRecord, sha: string, changes: Record<string, string | null>): FileChanges {
  const current = branchFiles(repo, data, branch);
  if (!data.commitFiles.has(branch.sha)) data.commitFiles.set(branch.sha, new Map(current));
  const onDefault = branch.name === repo.defaultBranch;
  const files = onDefault ? data.files : new Map(current);
  const result: FileChanges = { added: [], modified: [], removed: [] };
  for (const [path, content] of Object.entries(changes)) {
    const existed = files.has(path);
    if (content === null) {
      if (!existed) continue;
      files.delete(path);
      result.removed.push(path);
    } else {
      files.set(path, content);
      (existed ? result.modified : result.added).push(path);
    }
  }
  if (!onDefault) data.commitFiles.set(sha, files);
  branch.sha = sha;
  return result;
}

export interface ChangedFile {
  filename: string;
  status: 'added' | 'modified' | 'removed' | 'renamed';
  previousFilename?: string;
  /** The text before (absent when added) and after (absent when removed). */
  before?: string;
  after?: string;
}

/** What changed from one file set to another, by file name; a removed and an added file with equal text are a rename. */
export function changedFiles(from: FileSet, to: FileSet): ChangedFile[] {
  const changes: ChangedFile[] = [];
  const removed = [...from.keys()].filter((path) => !to.has(path));
  for (const [path, text] of to) {
    const old = from.get(path);
    if (old === undefined) {
      const source = removed.findIndex((candidate) => from.get(candidate) === text);
      if (source >= 0) {
        const [previous] = removed.splice(source, 1);
        changes.push({ filename: path, status: 'renamed', previousFilename: previous, before: text, after: text });
      } else {
        changes.push({ filename: path, status: 'added', after: text });
      }
    } else if (old !== text) {
      changes.push({ filename: path, status: 'modified', before: old, after: text });
    }
  }
  for (const path of removed) changes.push({ filename: path, status: 'removed', before: from.get(path) });
  return changes.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
}

/**
 * A pull request's changes: its head against the commit its branch was forked from (GitHub's merge base), or
 * against its base branch when that is unknown (generated pull requests, which change nothing).
 */
export function pullRequestFiles(repo: RepoRecord, data: RepoData, pull: PullRecord): ChangedFile[] {
  const baseBranch = data.branches.find((branch) => branch.name === pull.baseRef);
  const from = (pull.mergeBaseSha !== undefined ? filesAtRef(repo, data, pull.mergeBaseSha) : undefined) ?? (baseBranch ? branchFiles(repo, data, baseBranch) : data.files);
  const to = filesAtRef(repo, data, pull.headSha) ?? from;
  return changedFiles(from, to);
}

export interface LineDiff {
  additions: number;
  deletions: number;
  /** A unified diff of one hunk that spans the whole file; undefined when nothing changed. */
  patch: string | undefined;
}

/** Above this many line pairs the diff is "everything removed, everything added" instead of a longest common subsequence. */
const MAX_LCS_CELLS = 4_000_000;

/** Lines added and removed from `before` to `after` (either absent: an added or removed file). */
export function lineDiff(before: string | undefined, after: string | undefined): LineDiff {
  const old = linesOf(before);
  const now = linesOf(after);
  const operations = old.length * now.length > MAX_LCS_CELLS ? [...old.map((line) => `-${line}`), ...now.map((line) => `+${line}`)] : lcsOperations(old, now);
  const additions = operations.filter((line) => line.startsWith('+')).length;
  const deletions = operations.filter((line) => line.startsWith('-')).length;
  if (additions === 0 && deletions === 0) return { additions, deletions, patch: undefined };
  const range = (count: number) => (count === 0 ? '0,0' : `1,${count}`);
  return { additions, deletions, patch: `@@ -${range(old.length)} +${range(now.length)} @@\n${operations.join('\n')}` };
}

function linesOf(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** ' ', '-' and '+' lines from a longest common subsequence of the two line lists. */
function lcsOperations(old: string[], now: string[]): string[] {
  const width = now.length + 1;
  const table = new Uint32Array((old.length + 1) * width);
  for (let i = old.length - 1; i >= 0; i--) {
    for (let j = now.length - 1; j >= 0; j--) {
      table[i * width + j] = old[i] === now[j] ? table[(i + 1) * width + j + 1] + 1 : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const operations: string[] = [];
  let i = 0;
  let j = 0;
  while (i < old.length || j < now.length) {
    if (i < old.length && j < now.length && old[i] === now[j]) {
      operations.push(` ${old[i]}`);
      i++;
      j++;
    } else if (i < old.length && (j === now.length || table[(i + 1) * width + j] >= table[i * width + j + 1])) {
      operations.push(`-${old[i]}`);
      i++;
    } else {
      operations.push(`+${now[j]}`);
      j++;
    }
  }
  return operations;
}
