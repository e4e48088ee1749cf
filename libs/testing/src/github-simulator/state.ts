/** The simulator's in-memory model: compact records; REST objects are rendered from them per request. */

export interface UserRecord {
  id: number;
  login: string;
  name: string;
  email: string | null;
  createdAt: string;
  siteAdmin: boolean;
}

export interface TeamRecord {
  id: number;
  slug: string;
  name: string;
  description: string;
  privacy: 'closed' | 'secret';
  memberLogins: string[];
}

export type RepoPermission = 'pull' | 'triage' | 'push' | 'maintain' | 'admin';

export interface CollaboratorRecord {
  login: string;
  permission: RepoPermission;
  /** `outside`: not an org member; `direct`: a member added to the repository; `team`: through a team. */
  affiliation: 'direct' | 'outside' | 'team';
}

export interface OrgRecord {
  id: number;
  login: string;
  name: string;
  description: string;
  createdAt: string;
  installationId: number;
  memberLogins: string[];
  teams: TeamRecord[];
  /** Sorted by full name. */
  repos: RepoRecord[];
}

export type PermissionLevel = 'read' | 'write';

export interface InstallationRecord {
  id: number;
  orgLogin: string;
  createdAt: string;
  /** What the App may do in this installation (`checks: 'write'`, …); its tokens carry the same. */
  permissions: Record<string, PermissionLevel>;
}

/** The permissions every generated installation has. */
export const DEFAULT_INSTALLATION_PERMISSIONS: Readonly<Record<string, PermissionLevel>> = {
  metadata: 'read',
  contents: 'read',
  pull_requests: 'read',
  issues: 'read',
  actions: 'write',
  checks: 'write',
  members: 'read',
  administration: 'read',
  deployments: 'read',
  environments: 'read',
  security_events: 'read',
  secret_scanning_alerts: 'read',
  vulnerability_alerts: 'read',
  custom_properties: 'read',
  organization_hooks: 'write',
};

export interface RepoRecord {
  id: number;
  /** 1-based position among all repositories; derived ids and the repository's own PRNG stream use it. */
  index: number;
  ownerLogin: string;
  name: string;
  fullName: string;
  visibility: 'public' | 'private' | 'internal';
  fork: boolean;
  archived: boolean;
  description: string;
  language: string | null;
  topics: string[];
  defaultBranch: string;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  size: number;
  stars: number;
  customProperties: Record<string, string>;
  teams: Array<{ slug: string; permission: RepoPermission }>;
  collaborators: CollaboratorRecord[];
  /** Its GitHub Pages site (`GET …/pages`); absent: none (404). Set on the model: GitHub sends no webhook for it. */
  pages?: PagesRecord;
}

export interface PagesRecord {
  cname: string | null;
  buildType: 'legacy' | 'workflow';
  sourceBranch: string;
  sourcePath: '/' | '/docs';
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
}

export interface PullRecord {
  id: number;
  number: number;
  title: string;
  body: string;
  userLogin: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  labels: LabelRecord[];
  headRef: string;
  headSha: string;
  baseRef: string;
  mergeCommitSha: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  additions: number;
  deletions: number;
  changedFiles: number;
  commits: number;
  comments: number;
  /** The id the PR has as an issue (`GET …/issues/{number}`). */
  issueId: number;
  /** The commit the head branch was forked from, when known: `GET …/pulls/{number}/files` diffs head against it. */
  mergeBaseSha?: string;
}

export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string;
  userLogin: string;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | null;
  labels: LabelRecord[];
  assigneeLogins: string[];
  comments: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface ReleaseRecord {
  id: number;
  tagName: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  authorLogin: string;
  targetCommitish: string;
  createdAt: string;
  publishedAt: string | null;
}

export interface TagRecord {
  name: string;
  sha: string;
}

export interface BranchRecord {
  name: string;
  sha: string;
  protection: BranchProtectionRecord | null;
  /** The commit a branch created at run time started from. */
  forkedFrom?: string;
}

export interface BranchProtectionRecord {
  requiredApprovingReviewCount: number;
  requiredStatusChecks: string[];
  enforceAdmins: boolean;
  requireLinearHistory: boolean;
}

export interface WorkflowRecord {
  id: number;
  name: string;
  path: string;
  state: 'active' | 'disabled_manually';
  createdAt: string;
  updatedAt: string;
}

export type RunStatus = 'queued' | 'in_progress' | 'completed';
export type RunConclusion = 'success' | 'failure' | 'cancelled' | 'skipped' | null;

export interface WorkflowRunRecord {
  id: number;
  workflowId: number;
  runNumber: number;
  event: 'push' | 'pull_request' | 'workflow_dispatch' | 'schedule';
  status: RunStatus;
  conclusion: RunConclusion;
  headBranch: string;
  headSha: string;
  actorLogin: string;
  createdAt: string;
  updatedAt: string;
  /** What `workflow_dispatch` was given (not rendered: GitHub's run objects do not show inputs either). */
  inputs?: Record<string, unknown>;
}

export interface EnvironmentRecord {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  waitTimer: number;
  /** Its variables (`GET …/environments/{name}/variables`); absent: none. Set on the model: GitHub sends no webhook for them. */
  variables?: VariableRecord[];
}

export interface VariableRecord {
  name: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

/** A commit made at run time (a push, a merge), with its parent: what `compare` and a pull request's commits walk. */
export interface CommitRecord {
  sha: string;
  parents: string[];
  message: string;
  authorLogin: string;
  date: string;
}

export type DeploymentState = 'pending' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface DeploymentStatusRecord {
  id: number;
  state: DeploymentState;
  description: string;
  createdAt: string;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: 'deploy' | 'deploy:migrations';
  environment: string;
  description: string;
  creatorLogin: string;
  createdAt: string;
  updatedAt: string;
  /** Oldest first. */
  statuses: DeploymentStatusRecord[];
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface DependabotAlertRecord {
  number: number;
  state: 'open' | 'dismissed' | 'fixed' | 'auto_dismissed';
  severity: Severity;
  ecosystem: 'npm' | 'pip' | 'maven' | 'go';
  packageName: string;
  manifestPath: string;
  ghsaId: string;
  cveId: string;
  summary: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface CodeScanningAlertRecord {
  number: number;
  state: 'open' | 'dismissed' | 'fixed';
  ruleId: string;
  ruleDescription: string;
  severity: 'error' | 'warning' | 'note';
  securitySeverity: Severity;
  path: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface SecretScanningAlertRecord {
  number: number;
  state: 'open' | 'resolved';
  resolution: 'false_positive' | 'revoked' | 'used_in_tests' | 'wont_fix' | null;
  secretType: string;
  secretTypeDisplayName: string;
  secret: string;
  createdAt: string;
  updatedAt: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
  externalId: string;
  detailsUrl: string | null;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** Appended by each create or update that sends `output.annotations` (at most 50 per request). */
  annotations: CheckAnnotationRecord[];
}

export interface CheckAnnotationRecord {
  path: string;
  startLine: number;
  endLine: number;
  startColumn: number | null;
  endColumn: number | null;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title: string | null;
  rawDetails: string | null;
}

export interface OrgHookRecord {
  id: number;
  orgLogin: string;
  url: string;
  secret: string | null;
  contentType: 'json' | 'form';
  insecureSsl: '0' | '1';
  events: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Everything inside one repository, generated on first use (deterministically) and kept. */
export interface RepoData {
  /** The highest issue or pull request number given so far, deleted issues included. */
  highestNumber?: number;
  /** By number, ascending. */
  pulls: PullRecord[];
  /** Real issues only (PRs are rendered as issues from `pulls`). */
  issues: IssueRecord[];
  releases: ReleaseRecord[];
  tags: TagRecord[];
  branches: BranchRecord[];
  workflows: WorkflowRecord[];
  runs: WorkflowRunRecord[];
  environments: EnvironmentRecord[];
  deployments: DeploymentRecord[];
  dependabotAlerts: DependabotAlertRecord[];
  codeScanningAlerts: CodeScanningAlertRecord[];
  secretScanningAlerts: SecretScanningAlertRecord[];
  /** Created through the API only; newest last. */
  checkRuns: CheckRunRecord[];
  /**
   * The default branch's files, path → UTF-8 text. Every other branch shares them until a commit is made on it
   * (see `repo-files.ts`).
   */
  files: Map<string, string>;
  /** Files at commits made at run time (and at the heads they replaced), by sha: other branches' contents, older versions. */
  commitFiles: Map<string, Map<string, string>>;
  /** Commits made at run time, by sha; generated heads have none (their commit is rendered from the ref alone). */
  commits?: Map<string, CommitRecord>;
}

/** The whole model; `repoData` generates a repository's contents when first asked. */
export class SimulatorState {
  readonly organizations: OrgRecord[] = [];
  readonly users = new Map<string, UserRecord>();
  readonly installations: InstallationRecord[] = [];
  readonly reposById = new Map<number, RepoRecord>();
  private readonly reposByFullName = new Map<string, RepoRecord>();
  private readonly orgsByLogin = new Map<string, OrgRecord>();
  private readonly dataByRepoId = new Map<number, RepoData>();
  readonly orgHooks: OrgHookRecord[] = [];
  /** Ids of records created at run time, above every generated id. */
  private idSequence = 90_000_000_000;

  constructor(private readonly generateRepoData: (repo: RepoRecord) => RepoData) {}

  addOrganization(org: OrgRecord): void {
    this.organizations.push(org);
    this.orgsByLogin.set(org.login.toLowerCase(), org);
    for (const repo of org.repos) {
      this.reposById.set(repo.id, repo);
      this.reposByFullName.set(repo.fullName.toLowerCase(), repo);
    }
  }

  addUser(user: UserRecord): void {
    this.users.set(user.login.toLowerCase(), user);
  }

  user(login: string): UserRecord | undefined {
    return this.users.get(login.toLowerCase());
  }

  organization(login: string): OrgRecord | undefined {
    return this.orgsByLogin.get(login.toLowerCase());
  }

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.reposByFullName.get(`${owner}/${name}`.toLowerCase());
  }

  nextId(): number {
    this.idSequence += 1;
    return this.idSequence;
  }

  /** Adds a repository created at run time (its contents given, not generated) to its organization. */
  addRepository(org: OrgRecord, repo: RepoRecord, data: RepoData): void {
    org.repos.push(repo);
    org.repos.sort((a, b) => (a.fullName < b.fullName ? -1 : a.fullName > b.fullName ? 1 : 0));
    this.reposById.set(repo.id, repo);
    this.reposByFullName.set(repo.fullName.toLowerCase(), repo);
    this.dataByRepoId.set(repo.id, data);
  }

  removeRepository(repo: RepoRecord): void {
    const org = this.organization(repo.ownerLogin);
    if (org) org.repos.splice(org.repos.indexOf(repo), 1);
    this.reposById.delete(repo.id);
    this.reposByFullName.delete(repo.fullName.toLowerCase());
  }

  renameRepository(repo: RepoRecord, name: string): void {
    this.reposByFullName.delete(repo.fullName.toLowerCase());
    repo.name = name;
    repo.fullName = `${repo.ownerLogin}/${name}`;
    this.reposByFullName.set(repo.fullName.toLowerCase(), repo);
    const org = this.organization(repo.ownerLogin);
    org?.repos.sort((a, b) => (a.fullName < b.fullName ? -1 : a.fullName > b.fullName ? 1 : 0));
  }

  repoData(repo: RepoRecord): RepoData {
    let data = this.dataByRepoId.get(repo.id);
    if (!data) {
      data = this.generateRepoData(repo);
      this.dataByRepoId.set(repo.id, data);
    }
    return data;
  }
}
