/** Paths a push added, modified or removed, from its commits. */
export function changedPaths(payload: Readonly<Record<string, unknown>>): string[] {
  const commits = (payload['commits'] as Array<{ added?: string[]; modified?: string[]; removed?: string[] }> | undefined) ?? [];
  const headCommit = payload['head_commit'] as { added?: string[]; modified?: string[]; removed?: string[] } | undefined | null;
  const all = headCommit && commits.length === 0 ? [headCommit] : commits;
  return all.flatMap((commit) => [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])]);
}

/** The branch a push moved, or undefined for a tag push. */
export function pushedBranch(payload: Readonly<Record<string, unknown>>): string | undefined {
  const ref = payload['ref'];
  return typeof ref === 'string' && ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}
