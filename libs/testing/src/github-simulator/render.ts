import { createHash } from 'node:crypto';
import { JsonObject, templates } from './templates';
import {
  BranchRecord,
  CodeScanningAlertRecord,
  CollaboratorRecord,
  DependabotAlertRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  EnvironmentRecord,
  InstallationRecord,
  IssueRecord,
  LabelRecord,
  OrgRecord,
  PullRecord,
  ReleaseRecord,
  RepoPermission,
  RepoRecord,
  SecretScanningAlertRecord,
  SimulatorState,
  TagRecord,
  TeamRecord,
  UserRecord,
  WorkflowRecord,
  WorkflowRunRecord,
} from './state';

/** GitHub's legacy global node id: base64 of `0<len>:<Type><id>`. */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

/** The git blob id of a file, as `git hash-object` computes it. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** The descriptions GitHub gives the labels every new repository starts with. */
const DEFAULT_LABEL_DESCRIPTIONS: Record<string, string> = {
  bug: "Something isn't working",
  documentation: 'Improvements or additions to documentation',
  duplicate: 'This issue or pull request already exists',
  enhancement: 'New feature or request',
  'good first issue': 'Good for newcomers',
  'help wanted': 'Extra attention is needed',
  invalid: "This doesn't seem right",
  question: 'Further information is requested',
  wontfix: 'This will not be worked on',
};

const PERMISSION_ORDER: RepoPermission[] = ['pull', 'triage', 'push', 'maintain', 'admin'];

/** The role GitHub names a repository permission by (`role_name`, `member` webhooks): `pull` is read, `push` write. */
export function roleNameOf(permission: RepoPermission): string {
  return permission === 'pull' ? 'read' : permission === 'push' ? 'write' : permission;
}

export function permissionsObject(permission: RepoPermission): Record<string, boolean> {
  const rank = PERMISSION_ORDER.indexOf(permission);
  return { admin: rank >= 4, maintain: rank >= 3, push: rank >= 2, triage: rank >= 1, pull: true };
}

/**
 * Turns records into REST objects whose URLs point at the simulator. One renderer serves one request: it reuses
 * the repository and account objects it already built (a page of pull requests embeds its repository many times).
 */
export class Renderer {
  private readonly t = templates();
  private readonly repoCache = new Map<number, JsonObject>();
  private readonly accountCache = new Map<string, JsonObject>();

  constructor(
    readonly apiBase: string,
    readonly webBase: string,
    private readonly state: SimulatorState,
  ) {}

  private vars(extra: Record<string, string>): Record<string, string> {
    return { api: this.apiBase, web: this.webBase, ...extra };
  }

  /** The "simple user" object (owner, user, author, …) for a user or an organization login. */
  account(login: string): JsonObject {
    const cached = this.accountCache.get(login);
    if (cached) return cached;
    const rendered = this.renderAccount(login);
    this.accountCache.set(login, rendered);
    return rendered;
  }

  private renderAccount(login: string): JsonObject {
    const user = this.state.user(login);
    const org = user ? undefined : this.state.organization(login);
    const id = user?.id ?? org?.id ?? 0;
    const type = org ? 'Organization' : 'User';
    return this.t.user.render(this.vars({ login }), {
      login,
      id,
      node_id: nodeId(type, id),
      avatar_url: `${this.webBase}/avatars/u/${id}?`,
      type,
      site_admin: user?.siteAdmin ?? false,
    });
  }

  user(user: UserRecord, includePrivate = false): JsonObject {
    return {
      ...this.account(user.login),
      name: user.name,
      company: null,
      blog: '',
      location: null,
      email: user.email,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: user.createdAt,
      updated_at: user.createdAt,
      ...(includePrivate ? { private_gists: 0, total_private_repos: 0, owned_private_repos: 0, two_factor_authentication: true, collaborators: 0, disk_usage: 0 } : {}),
    };
  }

  orgSimple(org: OrgRecord): JsonObject {
    return this.t.organization.render(this.vars({ login: org.login }), {
      login: org.login,
      id: org.id,
      node_id: nodeId('Organization', org.id),
      avatar_url: `${this.webBase}/avatars/u/${org.id}?`,
      description: org.description,
    });
  }

  orgFull(org: OrgRecord): JsonObject {
    return {
      ...this.orgSimple(org),
      name: org.name,
      company: null,
      blog: `${this.webBase}/${org.login}`,
      location: null,
      email: null,
      is_verified: false,
      has_organization_projects: true,
      has_repository_projects: true,
      public_repos: org.repos.filter((repo) => repo.visibility === 'public').length,
      public_gists: 0,
      followers: 0,
      following: 0,
      html_url: `${this.webBase}/${org.login}`,
      created_at: org.createdAt,
      updated_at: org.createdAt,
      archived_at: null,
      type: 'Organization',
    };
  }

  /** `GET /users/{org}` answers an organization with the user shape. */
  orgAsUser(org: OrgRecord): JsonObject {
    return { ...this.account(org.login), name: org.name, company: null, blog: '', location: null, email: null, bio: org.description, public_repos: org.repos.filter((repo) => repo.visibility === 'public').length, followers: 0, following: 0, created_at: org.createdAt, updated_at: org.createdAt };
  }

  repo(repo: RepoRecord, permission?: RepoPermission): JsonObject {
    if (permission !== undefined) return this.renderRepo(repo, permission);
    const cached = this.repoCache.get(repo.id);
    if (cached) return cached;
    const rendered = this.renderRepo(repo, 'admin');
    this.repoCache.set(repo.id, rendered);
    return rendered;
  }

  private renderRepo(repo: RepoRecord, permission: RepoPermission): JsonObject {
    const full = repo.fullName;
    const host = new URL(this.webBase).host;
    const openIssues = this.openIssueCount(repo);
    return this.t.repository.render(this.vars({ full }), {
      id: repo.id,
      node_id: nodeId('Repository', repo.id),
      name: repo.name,
      full_name: full,
      private: repo.visibility !== 'public',
      owner: this.account(repo.ownerLogin),
      description: repo.description,
      fork: repo.fork,
      created_at: repo.createdAt,
      updated_at: repo.updatedAt,
      pushed_at: repo.pushedAt,
      git_url: `git://${host}/${full}.git`,
      ssh_url: `git@${host}:${full}.git`,
      clone_url: `${this.webBase}/${full}.git`,
      svn_url: `${this.webBase}/${full}`,
      homepage: null,
      size: repo.size,
      stargazers_count: repo.stars,
      watchers_count: repo.stars,
      watchers: repo.stars,
      language: repo.language,
      has_pages: false,
      forks_count: 0,
      forks: 0,
      archived: repo.archived,
      disabled: false,
      open_issues_count: openIssues,
      open_issues: openIssues,
      license: null,
      topics: repo.topics,
      visibility: repo.visibility,
      is_template: false,
      default_branch: repo.defaultBranch,
      has_discussions: false,
      custom_properties: repo.customProperties,
      permissions: permissionsObject(permission),
    });
  }

  private openIssueCount(repo: RepoRecord): number {
    const data = this.state.repoData(repo);
    return data.issues.filter((issue) => issue.state === 'open').length + data.pulls.filter((pull) => pull.state === 'open').length;
  }

  label(repo: RepoRecord, label: LabelRecord): JsonObject {
    return {
      id: label.id,
      node_id: nodeId('Label', label.id),
      url: `${this.apiBase}/repos/${repo.fullName}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: label.name in DEFAULT_LABEL_DESCRIPTIONS,
      description: DEFAULT_LABEL_DESCRIPTIONS[label.name] ?? null,
    };
  }

  pull(repo: RepoRecord, pull: PullRecord): JsonObject {
    const repoObject = this.repo(repo);
    const owner = this.account(repo.ownerLogin);
    const user = this.account(pull.userLogin);
    const api = `${this.apiBase}/repos/${repo.fullName}`;
    const web = `${this.webBase}/${repo.fullName}`;
    const branchSha = this.state.repoData(repo).branches.find((branch) => branch.name === pull.baseRef)?.sha ?? pull.headSha;
    return this.t.pullRequest.render(this.vars({ full: repo.fullName, n: String(pull.number), sha: pull.headSha }), {
      id: pull.id,
      node_id: nodeId('PullRequest', pull.id),
      number: pull.number,
      state: pull.state,
      title: pull.title,
      user,
      body: pull.body,
      labels: pull.labels.map((label) => this.label(repo, label)),
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergeCommitSha,
      head: { label: `${repo.ownerLogin}:${pull.headRef}`, ref: pull.headRef, sha: pull.headSha, user: owner, repo: repoObject },
      base: { label: `${repo.ownerLogin}:${pull.baseRef}`, ref: pull.baseRef, sha: branchSha, user: owner, repo: repoObject },
      _links: {
        self: { href: `${api}/pulls/${pull.number}` },
        html: { href: `${web}/pull/${pull.number}` },
        issue: { href: `${api}/issues/${pull.number}` },
        comments: { href: `${api}/issues/${pull.number}/comments` },
        review_comments: { href: `${api}/pulls/${pull.number}/comments` },
        review_comment: { href: `${api}/pulls/comments{/number}` },
        commits: { href: `${api}/pulls/${pull.number}/commits` },
        statuses: { href: `${api}/statuses/${pull.headSha}` },
      },
      author_association: 'MEMBER',
      draft: pull.draft,
      merged: pull.merged,
      merged_by: pull.merged ? user : null,
      auto_merge: null,
      comments: pull.comments,
      commits: pull.commits,
      additions: pull.additions,
      deletions: pull.deletions,
      changed_files: pull.changedFiles,
    });
  }

  issue(repo: RepoRecord, issue: IssueRecord): JsonObject {
    const assignees = issue.assigneeLogins.map((login) => this.account(login));
    return this.t.issue.render(this.vars({ full: repo.fullName, n: String(issue.number) }), {
      id: issue.id,
      node_id: nodeId('Issue', issue.id),
      number: issue.number,
      title: issue.title,
      user: this.account(issue.userLogin),
      labels: issue.labels.map((label) => this.label(repo, label)),
      state: issue.state,
      state_reason: issue.stateReason,
      assignee: assignees[0] ?? null,
      assignees,
      milestone: null,
      comments: issue.comments,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
      author_association: 'MEMBER',
      body: issue.body,
    });
  }

  /** A pull request as `/issues` lists it: an issue with a `pull_request` key. */
  pullAsIssue(repo: RepoRecord, pull: PullRecord): JsonObject {
    const api = `${this.apiBase}/repos/${repo.fullName}`;
    return this.t.issue.render(this.vars({ full: repo.fullName, n: String(pull.number) }), {
      id: pull.issueId,
      node_id: nodeId('Issue', pull.issueId),
      number: pull.number,
      title: pull.title,
      user: this.account(pull.userLogin),
      labels: pull.labels.map((label) => this.label(repo, label)),
      state: pull.state,
      state_reason: pull.state === 'closed' ? 'completed' : null,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: pull.comments,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      author_association: 'MEMBER',
      draft: pull.draft,
      pull_request: {
        url: `${api}/pulls/${pull.number}`,
        html_url: `${this.webBase}/${repo.fullName}/pull/${pull.number}`,
        diff_url: `${this.webBase}/${repo.fullName}/pull/${pull.number}.diff`,
        patch_url: `${this.webBase}/${repo.fullName}/pull/${pull.number}.patch`,
        merged_at: pull.mergedAt,
      },
      body: pull.body,
    });
  }

  release(repo: RepoRecord, release: ReleaseRecord): JsonObject {
    return this.t.release.render(this.vars({ full: repo.fullName, id: String(release.id), tag: release.tagName }), {
      upload_url: `${this.webBase.replace('://', '://uploads.')}/api/uploads/repos/${repo.fullName}/releases/${release.id}/assets{?name,label}`,
      id: release.id,
      node_id: nodeId('Release', release.id),
      tag_name: release.tagName,
      target_commitish: release.targetCommitish,
      name: release.name,
      draft: release.draft,
      prerelease: release.prerelease,
      author: this.account(release.authorLogin),
      created_at: release.createdAt,
      published_at: release.publishedAt,
      body: release.body,
    });
  }

  tag(repo: RepoRecord, tag: TagRecord): JsonObject {
    return {
      name: tag.name,
      zipball_url: `${this.apiBase}/repos/${repo.fullName}/zipball/refs/tags/${tag.name}`,
      tarball_url: `${this.apiBase}/repos/${repo.fullName}/tarball/refs/tags/${tag.name}`,
      commit: { sha: tag.sha, url: `${this.apiBase}/repos/${repo.fullName}/commits/${tag.sha}` },
      node_id: nodeId('Ref', `${repo.id}:refs/tags/${tag.name}`),
    };
  }

  tagRef(repo: RepoRecord, tag: TagRecord): JsonObject {
    return {
      ref: `refs/tags/${tag.name}`,
      node_id: nodeId('Ref', `${repo.id}:refs/tags/${tag.name}`),
      url: `${this.apiBase}/repos/${repo.fullName}/git/refs/tags/${tag.name}`,
      object: { sha: tag.sha, type: 'commit', url: `${this.apiBase}/repos/${repo.fullName}/git/commits/${tag.sha}` },
    };
  }

  branch(repo: RepoRecord, branch: BranchRecord): JsonObject {
    return {
      name: branch.name,
      commit: { sha: branch.sha, url: `${this.apiBase}/repos/${repo.fullName}/commits/${branch.sha}` },
      protected: branch.protection !== null,
    };
  }

  branchDetail(repo: RepoRecord, branch: BranchRecord): JsonObject {
    const api = `${this.apiBase}/repos/${repo.fullName}`;
    const name = encodeURIComponent(branch.name);
    return {
      name: branch.name,
      commit: {
        sha: branch.sha,
        node_id: nodeId('Commit', branch.sha),
        commit: {
          author: { name: 'Simulator', email: 'sim@example.com', date: repo.pushedAt },
          committer: { name: 'Simulator', email: 'sim@example.com', date: repo.pushedAt },
          message: `Head of ${branch.name}`,
          tree: { sha: branch.sha, url: `${api}/git/trees/${branch.sha}` },
          url: `${api}/git/commits/${branch.sha}`,
          comment_count: 0,
        },
        url: `${api}/commits/${branch.sha}`,
        comments_url: `${api}/commits/${branch.sha}/comments`,
        author: null,
        committer: null,
        html_url: `${this.webBase}/${repo.fullName}/commit/${branch.sha}`,
        parents: [],
      },
      _links: { self: `${api}/branches/${name}`, html: `${this.webBase}/${repo.fullName}/tree/${name}` },
      protected: branch.protection !== null,
      protection: branch.protection
        ? { enabled: true, required_status_checks: { enforcement_level: 'non_admins', contexts: branch.protection.requiredStatusChecks, checks: branch.protection.requiredStatusChecks.map((context) => ({ context, app_id: null })) } }
        : { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
      protection_url: `${api}/branches/${name}/protection`,
    };
  }

  protection(repo: RepoRecord, branch: BranchRecord): JsonObject | undefined {
    const rules = branch.protection;
    if (!rules) return undefined;
    const url = `${this.apiBase}/repos/${repo.fullName}/branches/${encodeURIComponent(branch.name)}/protection`;
    return {
      url,
      required_status_checks: { url: `${url}/required_status_checks`, strict: true, contexts: rules.requiredStatusChecks, checks: rules.requiredStatusChecks.map((context) => ({ context, app_id: null })) },
      required_pull_request_reviews: { url: `${url}/required_pull_request_reviews`, dismiss_stale_reviews: false, require_code_owner_reviews: false, require_last_push_approval: false, required_approving_review_count: rules.requiredApprovingReviewCount },
      enforce_admins: { url: `${url}/enforce_admins`, enabled: rules.enforceAdmins },
      required_linear_history: { enabled: rules.requireLinearHistory },
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
      block_creations: { enabled: false },
      required_conversation_resolution: { enabled: false },
      lock_branch: { enabled: false },
      allow_fork_syncing: { enabled: false },
      required_signatures: { url: `${url}/required_signatures`, enabled: false },
    };
  }

  workflow(repo: RepoRecord, workflow: WorkflowRecord): JsonObject {
    return this.t.workflow.render(this.vars({ full: repo.fullName, id: String(workflow.id), path: workflow.path }), {
      id: workflow.id,
      node_id: nodeId('Workflow', workflow.id),
      name: workflow.name,
      path: workflow.path,
      state: workflow.state,
      created_at: workflow.createdAt,
      updated_at: workflow.updatedAt,
      html_url: `${this.webBase}/${repo.fullName}/blob/${repo.defaultBranch}/${workflow.path}`,
      badge_url: `${this.webBase}/${repo.fullName}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`,
    });
  }

  run(repo: RepoRecord, run: WorkflowRunRecord): JsonObject {
    const workflow = this.state.repoData(repo).workflows.find((candidate) => candidate.id === run.workflowId);
    const repoObject = this.repo(repo);
    return this.t.workflowRun.render(this.vars({ full: repo.fullName, id: String(run.id), workflowId: String(run.workflowId), checkSuiteId: String(run.id + 7) }), {
      id: run.id,
      node_id: nodeId('WorkflowRun', run.id),
      name: workflow?.name ?? 'workflow',
      display_title: workflow?.name ?? 'workflow',
      path: workflow?.path ?? '',
      check_suite_id: run.id + 7,
      check_suite_node_id: nodeId('CheckSuite', run.id + 7),
      head_branch: run.headBranch,
      head_sha: run.headSha,
      head_commit: { id: run.headSha, tree_id: run.headSha, message: `Commit on ${run.headBranch}`, timestamp: run.createdAt, author: { name: run.actorLogin, email: `${run.actorLogin}@example.com` }, committer: { name: 'GitHub', email: 'noreply@example.com' } },
      run_number: run.runNumber,
      run_attempt: 1,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      workflow_id: run.workflowId,
      created_at: run.createdAt,
      updated_at: run.updatedAt,
      run_started_at: run.createdAt,
      actor: this.account(run.actorLogin),
      triggering_actor: this.account(run.actorLogin),
      repository: repoObject,
      head_repository: repoObject,
    });
  }

  environment(repo: RepoRecord, env: EnvironmentRecord): JsonObject {
    return {
      id: env.id,
      node_id: nodeId('Environment', env.id),
      name: env.name,
      url: `${this.apiBase}/repos/${repo.fullName}/environments/${encodeURIComponent(env.name)}`,
      html_url: `${this.webBase}/${repo.fullName}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
      created_at: env.createdAt,
      updated_at: env.updatedAt,
      can_admins_bypass: true,
      protection_rules: env.waitTimer > 0 ? [{ id: env.id + 1, node_id: nodeId('Gate', env.id + 1), type: 'wait_timer', wait_timer: env.waitTimer }] : [],
      deployment_branch_policy: null,
    };
  }

  deployment(repo: RepoRecord, deployment: DeploymentRecord): JsonObject {
    return this.t.deployment.render(this.vars({ full: repo.fullName, id: String(deployment.id) }), {
      id: deployment.id,
      node_id: nodeId('Deployment', deployment.id),
      sha: deployment.sha,
      ref: deployment.ref,
      task: deployment.task,
      payload: {},
      original_environment: deployment.environment,
      environment: deployment.environment,
      description: deployment.description,
      creator: this.account(deployment.creatorLogin),
      created_at: deployment.createdAt,
      updated_at: deployment.updatedAt,
      transient_environment: false,
      production_environment: deployment.environment === 'production',
    });
  }

  deploymentStatus(repo: RepoRecord, deployment: DeploymentRecord, status: DeploymentStatusRecord): JsonObject {
    return this.t.deploymentStatus.render(this.vars({ full: repo.fullName, id: String(status.id), deploymentId: String(deployment.id) }), {
      id: status.id,
      node_id: nodeId('DeploymentStatus', status.id),
      state: status.state,
      creator: this.account(deployment.creatorLogin),
      description: status.description,
      environment: deployment.environment,
      target_url: '',
      log_url: '',
      environment_url: '',
      created_at: status.createdAt,
      updated_at: status.createdAt,
    });
  }

  team(org: OrgRecord, team: TeamRecord, permission?: RepoPermission): JsonObject {
    return this.t.team.render(this.vars({ org: org.login, id: String(team.id), slug: team.slug }), {
      name: team.name,
      id: team.id,
      node_id: nodeId('Team', team.id),
      slug: team.slug,
      description: team.description,
      privacy: team.privacy,
      notification_setting: 'notifications_enabled',
      permission: permission ?? 'pull',
      ...(permission ? { permissions: permissionsObject(permission) } : {}),
      parent: null,
      type: 'organization',
    });
  }

  collaborator(collaborator: CollaboratorRecord): JsonObject {
    return { ...this.account(collaborator.login), permissions: permissionsObject(collaborator.permission), role_name: roleNameOf(collaborator.permission) };
  }

  installation(installation: InstallationRecord, appId: number): JsonObject {
    const org = this.state.organization(installation.orgLogin);
    return this.t.installation.render(this.vars({ id: String(installation.id) }), {
      id: installation.id,
      account: this.account(installation.orgLogin),
      repository_selection: 'all',
      html_url: `${this.webBase}/organizations/${installation.orgLogin}/settings/installations/${installation.id}`,
      app_id: appId,
      app_slug: 'glint-sim',
      target_id: org?.id ?? 0,
      target_type: 'Organization',
      permissions: { ...installation.permissions },
      events: ['push', 'pull_request', 'issues', 'release', 'repository', 'create', 'delete', 'workflow_run', 'deployment', 'deployment_status', 'dependabot_alert', 'code_scanning_alert', 'secret_scanning_alert', 'team', 'membership', 'member', 'organization'],
      created_at: installation.createdAt,
      updated_at: installation.createdAt,
      single_file_name: null,
      suspended_at: null,
      suspended_by: null,
    });
  }

  dependabotAlert(repo: RepoRecord, alert: DependabotAlertRecord): JsonObject {
    const pkg = { ecosystem: alert.ecosystem, name: alert.packageName };
    const vulnerability = { package: pkg, severity: alert.severity, vulnerable_version_range: '< 2.0.0', first_patched_version: { identifier: '2.0.0' } };
    return this.t.dependabotAlert.render(this.vars({ full: repo.fullName, n: String(alert.number) }), {
      number: alert.number,
      state: alert.state,
      dependency: { package: pkg, manifest_path: alert.manifestPath, scope: 'runtime' },
      security_advisory: {
        ghsa_id: alert.ghsaId,
        cve_id: alert.cveId,
        summary: alert.summary,
        description: `${alert.summary} in ${alert.packageName}`,
        vulnerabilities: [vulnerability],
        severity: alert.severity,
        cvss: { vector_string: null, score: 0 },
        cwes: [],
        identifiers: [{ type: 'GHSA', value: alert.ghsaId }, { type: 'CVE', value: alert.cveId }],
        references: [],
        published_at: alert.createdAt,
        updated_at: alert.updatedAt,
        withdrawn_at: null,
      },
      security_vulnerability: vulnerability,
      created_at: alert.createdAt,
      updated_at: alert.updatedAt,
      dismissed_at: alert.state === 'dismissed' || alert.state === 'auto_dismissed' ? alert.closedAt : null,
      dismissed_by: null,
      dismissed_reason: alert.state === 'dismissed' ? 'tolerable_risk' : null,
      dismissed_comment: null,
      fixed_at: alert.state === 'fixed' ? alert.closedAt : null,
      auto_dismissed_at: alert.state === 'auto_dismissed' ? alert.closedAt : null,
    });
  }

  codeScanningAlert(repo: RepoRecord, alert: CodeScanningAlertRecord): JsonObject {
    return this.t.codeScanningAlert.render(this.vars({ full: repo.fullName, n: String(alert.number) }), {
      number: alert.number,
      created_at: alert.createdAt,
      updated_at: alert.updatedAt,
      instances_url: `${this.apiBase}/repos/${repo.fullName}/code-scanning/alerts/${alert.number}/instances`,
      state: alert.state,
      fixed_at: alert.state === 'fixed' ? alert.closedAt : null,
      dismissed_by: null,
      dismissed_at: alert.state === 'dismissed' ? alert.closedAt : null,
      dismissed_reason: alert.state === 'dismissed' ? 'false positive' : null,
      dismissed_comment: null,
      rule: { id: alert.ruleId, severity: alert.severity, security_severity_level: alert.securitySeverity, description: alert.ruleDescription, name: alert.ruleId, tags: ['security'] },
      tool: { name: 'CodeQL', guid: null, version: '2.19.0' },
      most_recent_instance: { ref: `refs/heads/${repo.defaultBranch}`, analysis_key: '.github/workflows/codeql.yml:analyze', environment: '{}', category: '.github/workflows/codeql.yml:analyze', state: alert.state, commit_sha: this.state.repoData(repo).branches[0]?.sha ?? '', message: { text: alert.ruleDescription }, location: { path: alert.path, start_line: 10, end_line: 10, start_column: 1, end_column: 20 }, classifications: [] },
    });
  }

  /** A code scanning alert as `code_scanning_alert` webhooks carry it: the rule has no `security_severity_level`. */
  codeScanningAlertEvent(repo: RepoRecord, alert: CodeScanningAlertRecord): JsonObject {
    const rendered = this.codeScanningAlert(repo, alert);
    const { security_severity_level: _level, ...rule } = rendered.rule as JsonObject;
    return { ...rendered, rule };
  }

  /** A secret scanning alert as `secret_scanning_alert` webhooks carry it: neither `state` nor the secret. */
  secretScanningAlertEvent(repo: RepoRecord, alert: SecretScanningAlertRecord): JsonObject {
    const { state: _state, ...rest } = this.secretScanningAlert(repo, alert, true);
    return rest;
  }

  secretScanningAlert(repo: RepoRecord, alert: SecretScanningAlertRecord, hideSecret: boolean): JsonObject {
    const api = `${this.apiBase}/repos/${repo.fullName}/secret-scanning/alerts/${alert.number}`;
    return {
      number: alert.number,
      created_at: alert.createdAt,
      updated_at: alert.updatedAt,
      url: api,
      html_url: `${this.webBase}/${repo.fullName}/security/secret-scanning/${alert.number}`,
      locations_url: `${api}/locations`,
      state: alert.state,
      resolution: alert.resolution,
      resolved_at: alert.state === 'resolved' ? alert.updatedAt : null,
      resolved_by: null,
      resolution_comment: null,
      secret_type: alert.secretType,
      secret_type_display_name: alert.secretTypeDisplayName,
      ...(hideSecret ? {} : { secret: alert.secret }),
      validity: 'unknown',
      push_protection_bypassed: false,
      publicly_leaked: false,
      multi_repo: false,
    };
  }
}
