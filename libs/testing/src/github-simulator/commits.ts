import { createHash } from 'node:crypto';
import { ADMIN_LOGIN } from './generator';
import { CommitRecord, PullRecord, RepoData, RepoRecord } from './state';

/** Keeps a commit made at run time, so `compare` and a pull request's commits can walk back through it. */
export function recordCommit(data: RepoData, commit: CommitRecord): void {
  (data.commits ??= new Map()).set(commit.sha, commit);
}

/**
 * The commit a sha names: one made at run time, or the head of a generated ref (branch, tag, pull request,
 * deployment, workflow run), which has no recorded parent. Undefined when nothing in the repository has that sha.
 */
export function commitOf(repo: RepoRecord, data: RepoData, sha: string): CommitRecord | undefined {
  const wanted = sha.toLowerCase();
  const recorded = data.commits?.get(wanted);
  if (recorded) return recorded;
  const deployment = data.deployments.find((candidate) => candidate.sha === wanted);
  if (deployment) return generated(wanted, deployment.createdAt, `Deployed to ${deployment.environment}`);
  const pull = data.pulls.find((candidate) => candidate.headSha === wanted || candidate.mergeCommitSha === wanted);
  if (pull) return generated(wanted, pull.headSha === wanted ? pull.updatedAt : (pull.mergedAt ?? pull.updatedAt), pull.title);
  const run = data.runs.find((candidate) => candidate.headSha === wanted);
  if (run) return generated(wanted, run.createdAt, `Head of ${run.headBranch}`);
  const branch = data.branches.find((candidate) => candidate.sha === wanted);
  if (branch) return generated(wanted, repo.pushedAt, `Head of ${branch.name}`);
  if (data.tags.some((tag) => tag.sha === wanted)) return generated(wanted, repo.pushedAt, 'Tagged commit');
  // A generated head a push replaced: its files are kept, its own date was not.
  if (data.commitFiles.has(wanted)) return generated(wanted, repo.createdAt, 'Earlier head');
  return undefined;
}

function generated(sha: string, date: string, message: string): CommitRecord {
  return { sha, parents: [], message, authorLogin: ADMIN_LOGIN, date };
}

/**
 * The commits reachable from `head` that `base` does not reach, oldest first, following first parents as far as
 * commits were recorded; undefined when `base` is not on that line (GitHub then compares from a merge base the
 * simulator does not model).
 */
export function commitsBetween(repo: RepoRecord, data: RepoData, base: string, head: string): CommitRecord[] | undefined {
  const line: CommitRecord[] = [];
  let current = commitOf(repo, data, head);
  const stop = base.toLowerCase();
  while (current && current.sha !== stop) {
    line.push(current);
    const parent = current.parents[0];
    current = parent === undefined ? undefined : commitOf(repo, data, parent);
  }
  return current ? line.reverse() : undefined;
}

/**
 * A pull request's commits, oldest first: the recorded ones between where its branch was forked and its head, or, for
 * a generated pull request, `pull.commits` commits ending at its head, spread between its creation and last update.
 */
export function pullRequestCommits(repo: RepoRecord, data: RepoData, pull: PullRecord): CommitRecord[] {
  if (pull.mergeBaseSha) {
    const recorded = commitsBetween(repo, data, pull.mergeBaseSha, pull.headSha);
    if (recorded) return recorded;
  }
  const count = Math.max(1, pull.commits);
  const first = Date.parse(pull.createdAt);
  const step = Math.max(0, Date.parse(pull.updatedAt) - first) / count;
  return Array.from({ length: count }, (_, index) => ({
    sha: index === count - 1 ? pull.headSha : derivedSha(`${pull.headSha}:${index}`),
    parents: [],
    message: index === 0 ? pull.title : `Follow-up ${index} on ${pull.headRef}`,
    authorLogin: pull.userLogin,
    date: new Date(first + step * index).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }));
}

function derivedSha(source: string): string {
  return createHash('sha1').update(source).digest('hex');
}
