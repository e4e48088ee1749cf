import picomatch from 'picomatch';
import { formatProblem } from '../config/app-config.types';
import { GitopsDiff, diffGitops } from './gitops-diff';
import { resolveFileReferences } from './file-references';
import { GitopsEntity, parsePortYml } from './port-yml';

/** Reads a file at a commit; null when it does not exist there. */
export type FileAtCommit = (path: string, sha: string) => Promise<string | null>;

export interface GitopsPush {
  before: string;
  after: string;
  /** Every path the push added, modified or removed. */
  changedPaths: readonly string[];
}

export class GitopsFileError extends Error {
  override readonly name = 'GitopsFileError';
}

/**
 * The catalog changes one push to the default branch makes through its `port.yml` files: each changed file
 * matching `specPath` is read before and after the push (a removed file declares nothing after, an added one
 * nothing before), and the two sets are diffed. An invalid file stops the whole change, with its problems.
 */
export async function gitopsChangesForPush(push: GitopsPush, specPath: readonly string[], read: FileAtCommit, options: { createMissingRelatedEntities: boolean }): Promise<GitopsDiff> {
  const matches = picomatch([...specPath], { dot: true });
  const files = push.changedPaths.filter((path) => matches(path));
  const before: GitopsEntity[] = [];
  const after: GitopsEntity[] = [];
  for (const path of files) {
    before.push(...(await entitiesAt(path, push.before, read)));
    after.push(...(await entitiesAt(path, push.after, read)));
  }
  return diffGitops(before, after, options);
}

async function entitiesAt(path: string, sha: string, read: FileAtCommit): Promise<GitopsEntity[]> {
  const text = await read(path, sha);
  if (text === null) return [];
  const parsed = parsePortYml(text);
  if (!parsed.ok) {
    throw new GitopsFileError(`${path} at ${sha.slice(0, 7)} is not a valid port.yml: ${parsed.problems.map(formatProblem).join('; ')}`);
  }
  return resolveFileReferences(parsed.entities, path, (referenced) => read(referenced, sha));
}
