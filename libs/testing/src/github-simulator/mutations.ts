import { SimulatedClock } from './clock';
import { ADMIN_LOGIN, isoSeconds } from './generator';
import { recordCommit } from './commits';
import { branchFiles, ChangedFile, commitOnBranch, lineDiff, pullRequestFiles } from './repo-files';
import { BranchRecord, IssueRecord, LabelRecord, PullRecord, ReleaseRecord, RepoData, RepoRecord, SimulatorState, TagRecord, WorkflowRecord } from './state';
import { EventSender, newSha, PushCommit, ZERO_SHA } from './webhooks/payloads';

export interface PushResult {
  ref: string;
  before: string;
  after: string;
  added: string[];
  modified: string[];
  removed: string[];
}

/** What every mutation needs: the model, the clock and the webhook sender. */
export interface MutationDeps {
  state: SimulatorState;
  clock: SimulatedClock;
  events: EventSender;
}

export function requireRepo(state: SimulatorState, owner: string, name: string): RepoRecord {
  const repo = state.repo(owner, name);
  if (!repo) throw new Error(`Repository ${owner}/${name} not found`);
  return repo;
}

/** What every family of repository changes needs: the simulator's clock and a repository by owner and name. */
export abstract class RepositoryMutations {
  constructor(protected readonly deps: MutationDeps) {}

  protected now(): string {
    return isoSeconds(this.deps.clock.now());
  }

  protected repo(owner: string, name: string): { repo: RepoRecord; data: RepoData } {
    const repo = requireRepo(this.deps.state, owner, name);
    return { repo, data: this.deps.state.repoData(repo) };
  }
}

/**
 * Changes to a repository's contents, each sending the webhooks GitHub sends for it. A push changes the files of
 * its branch only; a branch nobody committed to shares the default branch's files (see `repo-files.ts`).
 */
export class ContentMutations extends RepositoryMutations {

  private pull(data: RepoData, number: number, repo: RepoRecord): PullRecord {
    const pull = data.pulls.find((candidate) => candidate.number === number);
    if (!pull) throw new Error(`Pull request #${number} not found in ${repo.fullName}`);
    return pull;
  }

  private issue(data: RepoData, number: number, repo: RepoRecord): IssueRecord {
    const issue = data.issues.find((candidate) => candidate.number === number);
    if (!issue) throw new Error(`Issue #${number} not found in ${repo.fullName}`);
    return issue;
  }

  /**
   * Opens a pull request from `head` (created from `base` when missing) into `base`. With `files`, a commit making
   * those changes (text, or null to remove) is pushed to `head` first, as a contributor would: the pull request's
   * files and the contents at its head sha then differ from the base branch.
   */
  openPullRequest(
    owner: string,
    name: string,
    options: { title?: string; body?: string; head?: string; base?: string; draft?: boolean; user?: string; files?: Record<string, string | null> } = {},
  ): PullRecord {
    const { repo, data } = this.repo(owner, name);
    const number = nextNumber(data);
    const base = options.base ?? repo.defaultBranch;
    const baseBranch = data.branches.find((branch) => branch.name === base);
    if (!baseBranch) throw new Error(`Base branch ${base} not found in ${repo.fullName}`);
    const headRef = options.head ?? `change-${number}`;
    if (headRef === base) throw new Error(`The head and base of a pull request must differ (both ${base})`);
    if (options.files) this.push(owner, name, { branch: headRef, files: options.files, from: base, message: options.title, author: options.user });
    let head = data.branches.find((branch) => branch.name === headRef);
    if (!head) {
      head = { name: headRef, sha: newSha(), protection: null, forkedFrom: baseBranch.sha };
      // A fork of the base: its files stay the base's of this moment, whatever the base gets later.
      data.commitFiles.set(head.sha, new Map(branchFiles(repo, data, baseBranch)));
      data.branches.push(head);
    }
    const now = this.now();
    const pull: PullRecord = {
      id: this.deps.state.nextId(),
      issueId: this.deps.state.nextId(),
      number,
      title: options.title ?? `Change ${number}`,
      body: options.body ?? '',
      userLogin: options.user ?? ADMIN_LOGIN,
      state: 'open',
      draft: options.draft ?? false,
      merged: false,
      labels: [],
      headRef,
      headSha: head.sha,
      baseRef: base,
      mergeCommitSha: null,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      additions: 1,
      deletions: 0,
      changedFiles: 1,
      commits: 1,
      comments: 0,
      mergeBaseSha: head.forkedFrom ?? baseBranch.sha,
    };
    this.countChanges(repo, data, pull);
    data.pulls.push(pull);
    this.pullEvent(repo, pull, 'opened');
    return pull;
  }

  editPullRequest(owner: string, name: string, number: number, changes: { title?: string; body?: string; base?: string }): PullRecord {
    const { repo, data } = this.repo(owner, name);
    const pull = this.pull(data, number, repo);
    const from: Record<string, unknown> = {};
    if (changes.title !== undefined && changes.title !== pull.title) {
      from.title = { from: pull.title };
      pull.title = changes.title;
    }
    if (changes.body !== undefined && changes.body !== pull.body) {
      from.body = { from: pull.body };
      pull.body = changes.body;
    }
    if (changes.base !== undefined && changes.base !== pull.baseRef) {
      const oldSha = data.branches.find((branch) => branch.name === pull.baseRef)?.sha ?? ZERO_SHA;
      from.base = { ref: { from: pull.baseRef }, sha: { from: oldSha } };
      pull.baseRef = changes.base;
    }
    pull.updatedAt = this.now();
    this.pullEvent(repo, pull, 'edited', { changes: from });
    return pull;
  }

  closePullRequest(owner: string, name: string, number: number): PullRecord {
    const { repo, data } = this.repo(owner, name);
    const pull = this.pull(data, number, repo);
    if (pull.state === 'closed') throw new Error(`Pull request #${number} is already closed`);
    pull.state = 'closed';
    pull.closedAt = pull.updatedAt = this.now();
    this.pullEvent(repo, pull, 'closed');
    return pull;
  }

  /** Closes the pull request as merged, then pushes the merge commit, with the pull request's file changes, to its base branch. */
  mergePullRequest(owner: string, name: string, number: number): PullRecord {
    const { repo, data } = this.repo(owner, name);
    const pull = this.pull(data, number, repo);
    if (pull.state === 'closed') throw new Error(`Pull request #${number} is not open`);
    const base = data.branches.find((branch) => branch.name === pull.baseRef);
    const before = base?.sha ?? ZERO_SHA;
    const changes = fileChangesOf(pullRequestFiles(repo, data, pull));
    const sha = newSha();
    const now = this.now();
    Object.assign(pull, { state: 'closed', merged: true, mergeCommitSha: sha, closedAt: now, mergedAt: now, updatedAt: now });
    this.pullEvent(repo, pull, 'closed');
    const committed = base ? commitOnBranch(repo, data, base, sha, changes) : { added: [], modified: [], removed: [] };
    repo.pushedAt = now;
    const commit: PushCommit = { sha, message: `Merge pull request #${pull.number} from ${repo.ownerLogin}/${pull.headRef}\n\n${pull.title}`, timestamp: now, authorLogin: ADMIN_LOGIN, ...committed };
    recordCommit(data, { sha, parents: [before, pull.headSha], message: commit.message, authorLogin: ADMIN_LOGIN, date: now });
    this.deps.events.push(repo, ADMIN_LOGIN, { ref: `refs/heads/${pull.baseRef}`, before, after: sha, commits: [commit] });
    return pull;
  }

  /**
   * One commit on `branch` (created from `from`, by default the default branch, when missing) adding, changing or
   * (`null`) removing files. Open pull requests from that branch move to the new head (`pull_request` synchronize).
   */
  push(owner: string, name: string, options: { branch: string; files?: Record<string, string | null>; message?: string; author?: string; from?: string }): PushResult {
    const { repo, data } = this.repo(owner, name);
    const author = options.author ?? ADMIN_LOGIN;
    let branch = data.branches.find((candidate) => candidate.name === options.branch);
    const before = branch?.sha ?? ZERO_SHA;
    if (!branch) {
      const fromName = options.from ?? repo.defaultBranch;
      const from = data.branches.find((candidate) => candidate.name === fromName);
      if (!from) throw new Error(`Branch ${fromName} not found in ${repo.fullName}`);
      if (!data.commitFiles.has(from.sha)) data.commitFiles.set(from.sha, new Map(branchFiles(repo, data, from)));
      branch = { name: options.branch, sha: from.sha, protection: null, forkedFrom: from.sha };
      data.branches.push(branch);
      this.createEvent(repo, 'branch', options.branch);
    }
    const after = newSha();
    const changes = commitOnBranch(repo, data, branch, after, options.files ?? {});
    const result: PushResult = { ref: `refs/heads/${options.branch}`, before, after, ...changes };
    data.workflows = data.workflows.filter((workflow) => !changes.removed.includes(workflow.path));
    for (const path of [...changes.added, ...changes.modified]) {
      if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) && !data.workflows.some((workflow) => workflow.path === path)) data.workflows.push(this.workflowFor(path, options.files?.[path] ?? ''));
    }
    const now = this.now();
    repo.pushedAt = repo.updatedAt = now;
    const commit: PushCommit = { sha: result.after, message: options.message ?? `Update ${[...result.added, ...result.modified, ...result.removed].join(', ') || options.branch}`, timestamp: now, authorLogin: author, added: result.added, removed: result.removed, modified: result.modified };
    recordCommit(data, { sha: after, parents: before === ZERO_SHA ? [branch.forkedFrom ?? before] : [before], message: commit.message, authorLogin: author, date: now });
    this.deps.events.push(repo, author, { ref: result.ref, before, after: result.after, commits: [commit] });
    for (const pull of data.pulls.filter((candidate) => candidate.state === 'open' && candidate.headRef === options.branch)) {
      const previous = pull.headSha;
      pull.headSha = after;
      pull.updatedAt = now;
      pull.commits += 1;
      this.countChanges(repo, data, pull);
      this.pullEvent(repo, pull, 'synchronize', { before: previous, after });
    }
    return result;
  }

  createBranch(owner: string, name: string, options: { name: string; from?: string }): BranchRecord {
    const { repo, data } = this.repo(owner, name);
    if (data.branches.some((branch) => branch.name === options.name)) throw new Error(`Branch ${options.name} already exists`);
    const from = data.branches.find((branch) => branch.name === (options.from ?? repo.defaultBranch));
    if (!from) throw new Error(`Branch ${options.from ?? repo.defaultBranch} not found`);
    const branch: BranchRecord = { name: options.name, sha: from.sha, protection: null, forkedFrom: from.sha };
    data.branches.push(branch);
    this.createEvent(repo, 'branch', branch.name);
    this.deps.events.push(repo, ADMIN_LOGIN, { ref: `refs/heads/${branch.name}`, before: ZERO_SHA, after: branch.sha, commits: [], baseRef: `refs/heads/${from.name}` });
    return branch;
  }

  deleteBranch(owner: string, name: string, branchName: string): BranchRecord {
    const { repo, data } = this.repo(owner, name);
    if (branchName === repo.defaultBranch) throw new Error('The default branch cannot be deleted');
    const branch = data.branches.find((candidate) => candidate.name === branchName);
    if (!branch) throw new Error(`Branch ${branchName} not found`);
    data.branches.splice(data.branches.indexOf(branch), 1);
    this.deps.events.repo('delete', repo, ADMIN_LOGIN, () => ({ ref: branchName, ref_type: 'branch', pusher_type: 'user' }));
    this.deps.events.push(repo, ADMIN_LOGIN, { ref: `refs/heads/${branchName}`, before: branch.sha, after: ZERO_SHA, commits: [] });
    return branch;
  }

  createTag(owner: string, name: string, options: { name: string; sha?: string }): TagRecord {
    const { repo, data } = this.repo(owner, name);
    if (data.tags.some((tag) => tag.name === options.name)) throw new Error(`Tag ${options.name} already exists`);
    const tag: TagRecord = { name: options.name, sha: options.sha ?? data.branches.find((branch) => branch.name === repo.defaultBranch)?.sha ?? newSha() };
    data.tags.unshift(tag);
    this.createEvent(repo, 'tag', tag.name);
    this.deps.events.push(repo, ADMIN_LOGIN, { ref: `refs/tags/${tag.name}`, before: ZERO_SHA, after: tag.sha, commits: [] });
    return tag;
  }

  /** A release (its tag created when missing, unless a draft): `created`, then `published` and `released` unless a draft. */
  createRelease(owner: string, name: string, options: { tagName: string; name?: string; body?: string; draft?: boolean; prerelease?: boolean; targetCommitish?: string }): ReleaseRecord {
    const { repo, data } = this.repo(owner, name);
    const draft = options.draft ?? false;
    if (!draft && !data.tags.some((tag) => tag.name === options.tagName)) this.createTag(owner, name, { name: options.tagName });
    const now = this.now();
    const release: ReleaseRecord = {
      id: this.deps.state.nextId(),
      tagName: options.tagName,
      name: options.name ?? options.tagName,
      body: options.body ?? '',
      draft,
      prerelease: options.prerelease ?? false,
      authorLogin: ADMIN_LOGIN,
      targetCommitish: options.targetCommitish ?? repo.defaultBranch,
      createdAt: now,
      publishedAt: draft ? null : now,
    };
    data.releases.unshift(release);
    const actions = draft ? ['created'] : release.prerelease ? ['created', 'published', 'prereleased'] : ['created', 'published', 'released'];
    for (const action of actions) this.deps.events.repo('release', repo, ADMIN_LOGIN, (render) => ({ action, release: render.release(repo, release) }));
    return release;
  }

  deleteRelease(owner: string, name: string, id: number): ReleaseRecord {
    const { repo, data } = this.repo(owner, name);
    const release = data.releases.find((candidate) => candidate.id === id);
    if (!release) throw new Error(`Release ${id} not found`);
    this.deps.events.repo('release', repo, ADMIN_LOGIN, (render) => ({ action: 'deleted', release: render.release(repo, release) }));
    data.releases.splice(data.releases.indexOf(release), 1);
    return release;
  }

  openIssue(owner: string, name: string, options: { title: string; body?: string; labels?: string[]; assignees?: string[]; user?: string }): IssueRecord {
    const { repo, data } = this.repo(owner, name);
    const now = this.now();
    const issue: IssueRecord = {
      id: this.deps.state.nextId(),
      number: nextNumber(data),
      title: options.title,
      body: options.body ?? '',
      userLogin: options.user ?? ADMIN_LOGIN,
      state: 'open',
      stateReason: null,
      labels: (options.labels ?? []).map((label) => this.label(data, label)),
      assigneeLogins: options.assignees ?? [],
      comments: 0,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    data.issues.push(issue);
    this.deps.events.repo('issues', repo, issue.userLogin, (render) => ({ action: 'opened', issue: render.issue(repo, issue) }));
    return issue;
  }

  closeIssue(owner: string, name: string, number: number, options: { reason?: 'completed' | 'not_planned' } = {}): IssueRecord {
    const { repo, data } = this.repo(owner, name);
    const issue = this.issue(data, number, repo);
    issue.state = 'closed';
    issue.stateReason = options.reason ?? 'completed';
    issue.closedAt = issue.updatedAt = this.now();
    this.deps.events.repo('issues', repo, ADMIN_LOGIN, (render) => ({ action: 'closed', issue: render.issue(repo, issue) }));
    return issue;
  }

  /** Adds a label (created when new) to an issue (`issues` labeled) or a pull request (`pull_request` labeled). */
  labelIssue(owner: string, name: string, number: number, labelName: string): IssueRecord | PullRecord {
    const { repo, data } = this.repo(owner, name);
    const item = data.issues.find((candidate) => candidate.number === number) ?? data.pulls.find((candidate) => candidate.number === number);
    if (!item) throw new Error(`Issue #${number} not found in ${repo.fullName}`);
    const label = this.label(data, labelName);
    if (!item.labels.some((candidate) => candidate.name === label.name)) item.labels.push(label);
    item.updatedAt = this.now();
    if ('headRef' in item) this.pullEvent(repo, item, 'labeled', { label });
    else this.deps.events.repo('issues', repo, ADMIN_LOGIN, (render) => ({ action: 'labeled', issue: render.issue(repo, item), label: render.label(repo, label) }));
    return item;
  }

  deleteIssue(owner: string, name: string, number: number): IssueRecord {
    const { repo, data } = this.repo(owner, name);
    const issue = this.issue(data, number, repo);
    this.deps.events.repo('issues', repo, ADMIN_LOGIN, (render) => ({ action: 'deleted', issue: render.issue(repo, issue) }));
    data.issues.splice(data.issues.indexOf(issue), 1);
    return issue;
  }

  private pullEvent(repo: RepoRecord, pull: PullRecord, action: string, extra: { changes?: Record<string, unknown>; label?: LabelRecord; before?: string; after?: string } = {}): void {
    this.deps.events.repo('pull_request', repo, ADMIN_LOGIN, (render) => ({
      action,
      number: pull.number,
      ...(extra.changes ? { changes: extra.changes } : {}),
      ...(extra.before !== undefined && extra.after !== undefined ? { before: extra.before, after: extra.after } : {}),
      pull_request: render.pull(repo, pull),
      ...(extra.label ? { label: render.label(repo, extra.label) } : {}),
    }));
  }

  /** A pull request whose head has files of its own counts its real changes; others keep their generated numbers. */
  private countChanges(repo: RepoRecord, data: RepoData, pull: PullRecord): void {
    const files = pullRequestFiles(repo, data, pull);
    if (files.length === 0) return;
    const diffs = files.map((file) => lineDiff(file.before, file.after));
    pull.changedFiles = files.length;
    pull.additions = diffs.reduce((sum, diff) => sum + diff.additions, 0);
    pull.deletions = diffs.reduce((sum, diff) => sum + diff.deletions, 0);
  }

  private createEvent(repo: RepoRecord, refType: 'branch' | 'tag', ref: string): void {
    this.deps.events.repo('create', repo, ADMIN_LOGIN, () => ({ ref, ref_type: refType, master_branch: repo.defaultBranch, description: repo.description, pusher_type: 'user' }));
  }

  private label(data: RepoData, name: string): LabelRecord {
    const known = [...data.issues, ...data.pulls].flatMap((item) => item.labels).find((label) => label.name.toLowerCase() === name.toLowerCase());
    return known ?? { id: this.deps.state.nextId(), name, color: 'ededed' };
  }

  private workflowFor(path: string, content: string): WorkflowRecord {
    const now = this.now();
    const title = /^name:\s*(.+)$/m.exec(content)?.[1]?.trim().replace(/^['"]|['"]$/g, '');
    return { id: this.deps.state.nextId(), name: title ?? path, path, state: 'active', createdAt: now, updatedAt: now };
  }
}

/** The path → text (or null: removed) changes that turn a pull request's base into its head. */
function fileChangesOf(files: readonly ChangedFile[]): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const file of files) {
    if (file.previousFilename !== undefined) changes[file.previousFilename] = null;
    changes[file.filename] = file.after ?? null;
  }
  return changes;
}

/** Pull requests and issues share one number sequence. */
/** GitHub never gives a number twice in a repository, not even the number of a deleted issue. */
function nextNumber(data: RepoData): number {
  data.highestNumber = Math.max(data.highestNumber ?? 0, ...data.pulls.map((pull) => pull.number), ...data.issues.map((issue) => issue.number)) + 1;
  return data.highestNumber;
}
