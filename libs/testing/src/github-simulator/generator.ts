import { ResolvedOptions } from './options';
import { deriveSeed, Prng } from './prng';
import {
  CodeScanningAlertRecord,
  CollaboratorRecord,
  DependabotAlertRecord,
  DEFAULT_INSTALLATION_PERMISSIONS,
  DeploymentRecord,
  DeploymentState,
  EnvironmentRecord,
  IssueRecord,
  LabelRecord,
  OrgRecord,
  PullRecord,
  ReleaseRecord,
  RepoData,
  RepoPermission,
  RepoRecord,
  SecretScanningAlertRecord,
  Severity,
  SimulatorState,
  TeamRecord,
  WorkflowRecord,
  WorkflowRunRecord,
} from './state';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
export const ADMIN_LOGIN = 'sim-admin';
export const ORG_CONFIG_REPO = '.github-private';
export const ORG_CONFIG_PATH = '.github/port-app-config.yml';

const ORG_NAMES = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka'];
const FIRST_NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar'];
const REPO_PREFIXES = ['payments', 'billing', 'auth', 'search', 'catalog', 'inventory', 'shipping', 'notifications', 'analytics', 'gateway', 'checkout', 'ledger'];
const REPO_SUFFIXES = ['api', 'service', 'web', 'worker', 'lib', 'cli', 'infra', 'sdk'];
const LANGUAGES = ['TypeScript', 'Go', 'Python', 'Java', 'JavaScript', null];
const TOPICS = ['backend', 'frontend', 'infra', 'tooling', 'critical', 'experimental'];
const TEAMS = ['platform', 'payments', 'frontend', 'security', 'data'];
const LABELS = [
  { name: 'bug', color: 'd73a4a' },
  { name: 'enhancement', color: 'a2eeef' },
  { name: 'documentation', color: '0075ca' },
  { name: 'security', color: 'b60205' },
  { name: 'good first issue', color: '7057ff' },
];
const OTHER_BRANCHES = ['develop', 'release/1.x', 'feature/login', 'fix/typo'];
const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];
const PACKAGES = { npm: ['lodash', 'axios', 'minimist'], pip: ['requests', 'django'], maven: ['log4j-core'], go: ['golang.org/x/net'] };
/** The manifest a Dependabot alert of each ecosystem points at. */
export const MANIFESTS = { npm: 'package-lock.json', pip: 'requirements.txt', maven: 'pom.xml', go: 'go.mod' } as const;

/** Ids of things inside a repository: unique per kind, independent of generation order. */
function childId(kind: number, repo: RepoRecord, k: number): number {
  return kind * 1_000_000_000 + repo.index * 1000 + k;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function generateState(options: ResolvedOptions): SimulatorState {
  const anchor = options.dataAnchorMs;
  const state: SimulatorState = new SimulatorState((repo): RepoData => generateRepoData(options, repo, state.organization(repo.ownerLogin)));
  const rng = new Prng(options.seed);
  let userId = 100_000;
  const addUser = (login: string, siteAdmin = false): string => {
    if (!state.user(login)) {
      userId += 1;
      state.addUser({
        id: userId,
        login,
        name: login.replace(/-/g, ' '),
        email: `${login}@example.com`,
        createdAt: isoSeconds(anchor - rng.int(400, 2000) * DAY_MS),
        siteAdmin,
      });
    }
    return login;
  };
  addUser(ADMIN_LOGIN, true);
  const outsiders = [1, 2, 3].map((i) => addUser(`contractor-${i}`));
  let repoIndex = 0;
  for (let o = 0; o < options.organizations; o++) {
    const login = `${ORG_NAMES[o % ORG_NAMES.length]}${o >= ORG_NAMES.length ? `-${Math.floor(o / ORG_NAMES.length)}` : ''}`;
    const members = [ADMIN_LOGIN, ...rng.sample(FIRST_NAMES, 8).map((first) => addUser(`${login}-${first}`))];
    const teams: TeamRecord[] = rng.sample(TEAMS, 3).map((slug, t) => ({
      id: 20_000 + o * 100 + t + 1,
      slug,
      name: slug[0].toUpperCase() + slug.slice(1),
      description: `The ${slug} team`,
      privacy: rng.chance(0.8) ? 'closed' : 'secret',
      memberLogins: rng.sample(members.slice(1), rng.int(2, 5)),
    }));
    const repos: RepoRecord[] = [];
    const makeRepo = (name: string, overrides: Partial<RepoRecord>): RepoRecord => {
      repoIndex += 1;
      const created = anchor - rng.int(130, 1500) * DAY_MS - rng.int(0, 86_399) * 1000;
      const updated = anchor - rng.int(0, 120) * DAY_MS - rng.int(0, 86_399) * 1000;
      const repoTeams = rng.sample(teams, rng.int(1, 2)).map((team) => ({ slug: team.slug, permission: rng.pick<RepoPermission>(['pull', 'push', 'maintain', 'admin']) }));
      const collaborators: CollaboratorRecord[] = [
        { login: ADMIN_LOGIN, permission: 'admin', affiliation: 'direct' },
        ...rng.sample(members.slice(1), rng.int(1, 3)).map((member): CollaboratorRecord => ({ login: member, permission: rng.pick<RepoPermission>(['push', 'maintain', 'triage']), affiliation: rng.chance(0.5) ? 'direct' : 'team' })),
        ...(rng.chance(0.3) ? [{ login: rng.pick(outsiders), permission: 'pull' as const, affiliation: 'outside' as const }] : []),
      ];
      const language = rng.pick(LANGUAGES);
      return {
        id: 1_000_000 + repoIndex,
        index: repoIndex,
        ownerLogin: login,
        name,
        fullName: `${login}/${name}`,
        visibility: rng.pick(['public', 'private', 'private', 'internal']),
        fork: rng.chance(0.1),
        archived: rng.chance(0.08),
        description: `The ${name.replace(/-\d+$/, '').replace(/-/g, ' ')} of ${login}`,
        language,
        topics: rng.sample(TOPICS, rng.int(0, 2)),
        defaultBranch: 'main',
        createdAt: isoSeconds(created),
        updatedAt: isoSeconds(updated),
        pushedAt: isoSeconds(updated - rng.int(0, 48) * HOUR_MS),
        size: rng.int(10, 50_000),
        stars: rng.int(0, 200),
        customProperties: { team: repoTeams[0].slug, tier: String(rng.int(1, 3)), 'service-type': rng.pick(['api', 'library', 'website']) },
        teams: repoTeams,
        collaborators,
        ...overrides,
      };
    };
    for (let r = 0; r < options.reposPerOrg; r++) {
      const name = `${rng.pick(REPO_PREFIXES)}-${rng.pick(REPO_SUFFIXES)}-${String(r + 1).padStart(3, '0')}`;
      repos.push(makeRepo(name, {}));
    }
    repos.push(makeRepo(ORG_CONFIG_REPO, { visibility: 'private', fork: false, archived: false, language: null, topics: [], description: 'Organization configuration' }));
    repos.sort((a, b) => (a.fullName < b.fullName ? -1 : a.fullName > b.fullName ? 1 : 0));
    const org: OrgRecord = {
      id: 10_000 + o + 1,
      login,
      name: `${login[0].toUpperCase()}${login.slice(1)} Inc.`,
      description: `The ${login} organization`,
      createdAt: isoSeconds(anchor - rng.int(1600, 3000) * DAY_MS),
      installationId: 50_000 + o + 1,
      memberLogins: members,
      teams,
      repos,
    };
    state.addOrganization(org);
    state.installations.push({ id: org.installationId, orgLogin: login, createdAt: isoSeconds(anchor - rng.int(200, 400) * DAY_MS), permissions: { ...DEFAULT_INSTALLATION_PERMISSIONS } });
  }
  return state;
}

function labelsOf(rng: Prng, repo: RepoRecord, count: number): LabelRecord[] {
  return rng.sample(LABELS, count).map((label) => ({ id: childId(10, repo, LABELS.indexOf(label)), ...label }));
}

/** A repository's contents, from its own PRNG stream (so the order repositories are visited in does not matter). */
export function generateRepoData(options: ResolvedOptions, repo: RepoRecord, org: OrgRecord | undefined): RepoData {
  const rng = new Prng(deriveSeed(options.seed, repo.index));
  const anchor = options.dataAnchorMs;
  const people = org?.memberLogins ?? [ADMIN_LOGIN];
  const files = new Map<string, string>();
  files.set('README.md', `# ${repo.name}\n\n${repo.description}.\n`);
  const empty: RepoData = {
    pulls: [], issues: [], releases: [], tags: [], workflows: [], runs: [], environments: [], deployments: [],
    dependabotAlerts: [], codeScanningAlerts: [], secretScanningAlerts: [], checkRuns: [], files, commitFiles: new Map(),
    branches: [{ name: repo.defaultBranch, sha: rng.sha(), protection: null }],
  };
  if (repo.name === ORG_CONFIG_REPO) {
    files.set(ORG_CONFIG_PATH, orgPortAppConfig());
    return empty;
  }
  const data = empty;
  if (repo.language === 'TypeScript' || repo.language === 'JavaScript') {
    files.set('package.json', `${JSON.stringify({ name: `@${repo.ownerLogin}/${repo.name}`, version: `1.${rng.int(0, 9)}.0`, private: true, scripts: { test: 'jest' } }, null, 2)}\n`);
  }
  if (rng.chance(0.5)) {
    files.set('.github/port.yml', `identifier: ${repo.name}\ntitle: ${repo.name}\nblueprint: service\nproperties:\n  tier: "${repo.customProperties.tier}"\n`);
  }

  // Branches: main plus a few, some protected.
  data.branches[0].protection = rng.chance(0.6) ? { requiredApprovingReviewCount: rng.int(1, 2), requiredStatusChecks: ['ci'], enforceAdmins: rng.chance(0.5), requireLinearHistory: rng.chance(0.3) } : null;
  for (const name of rng.sample(OTHER_BRANCHES, rng.int(1, 3))) {
    data.branches.push({ name, sha: rng.sha(), protection: name === 'release/1.x' ? { requiredApprovingReviewCount: 1, requiredStatusChecks: [], enforceAdmins: false, requireLinearHistory: true } : null });
  }
  const branchNames = data.branches.map((branch) => branch.name);

  // Pull requests and issues share one number sequence, in creation order.
  const items: Array<{ kind: 'pull' | 'issue'; created: number }> = [];
  for (let i = 0; i < options.pullRequestsPerRepo; i++) items.push({ kind: 'pull', created: anchor - rng.int(60, 120 * 24 * 60) * 60_000 });
  for (let i = 0; i < options.issuesPerRepo; i++) items.push({ kind: 'issue', created: anchor - rng.int(60, 120 * 24 * 60) * 60_000 });
  items.sort((a, b) => a.created - b.created);
  items.forEach((item, i) => {
    const number = i + 1;
    const age = anchor - item.created;
    const closedAfter = Math.min(age - 1000, rng.int(1, 240) * HOUR_MS);
    if (item.kind === 'pull') {
      const roll = rng.next();
      const state = roll < 0.4 ? 'open' : 'closed';
      const merged = roll >= 0.65;
      const closed = state === 'closed' ? item.created + closedAfter : null;
      const updated = closed ?? item.created + Math.floor(rng.next() * age);
      const pull: PullRecord = {
        id: childId(1, repo, number),
        issueId: childId(2, repo, number),
        number,
        title: `${rng.pick(['Add', 'Fix', 'Refactor', 'Update'])} ${rng.pick(['login flow', 'retry logic', 'dependencies', 'docs', 'metrics', 'cache'])}`,
        body: 'Generated by the GitHub simulator.',
        userLogin: rng.pick(people),
        state,
        draft: state === 'open' && rng.chance(0.2),
        merged,
        labels: labelsOf(rng, repo, rng.int(0, 2)),
        headRef: `change-${number}`,
        headSha: rng.sha(),
        baseRef: repo.defaultBranch,
        mergeCommitSha: merged ? rng.sha() : null,
        createdAt: isoSeconds(item.created),
        updatedAt: isoSeconds(updated),
        closedAt: closed === null ? null : isoSeconds(closed),
        mergedAt: merged && closed !== null ? isoSeconds(closed) : null,
        additions: rng.int(1, 800),
        deletions: rng.int(0, 400),
        changedFiles: rng.int(1, 30),
        commits: rng.int(1, 12),
        comments: rng.int(0, 10),
      };
      data.pulls.push(pull);
    } else {
      const state = rng.chance(0.6) ? 'open' : 'closed';
      const closed = state === 'closed' ? item.created + closedAfter : null;
      const issue: IssueRecord = {
        id: childId(2, repo, number),
        number,
        title: `${rng.pick(['Crash when', 'Slow', 'Wrong output when', 'Support'])} ${rng.pick(['saving', 'loading the page', 'importing CSV', 'dark mode', 'SSO'])}`,
        body: 'Generated by the GitHub simulator.',
        userLogin: rng.pick(people),
        state,
        stateReason: state === 'closed' ? rng.pick(['completed', 'not_planned'] as const) : null,
        labels: labelsOf(rng, repo, rng.int(0, 2)),
        assigneeLogins: rng.chance(0.5) ? [rng.pick(people)] : [],
        comments: rng.int(0, 15),
        createdAt: isoSeconds(item.created),
        updatedAt: isoSeconds(closed ?? item.created + Math.floor(rng.next() * age)),
        closedAt: closed === null ? null : isoSeconds(closed),
      };
      data.issues.push(issue);
    }
  });

  // Releases (newest first) and their tags, plus an old tag without a release.
  const releaseCount = rng.int(0, 3);
  for (let k = 0; k < releaseCount; k++) {
    const created = anchor - (releaseCount - k) * rng.int(5, 30) * DAY_MS;
    const draft = k === releaseCount - 1 && rng.chance(0.2);
    const release: ReleaseRecord = {
      id: childId(3, repo, k + 1),
      tagName: `v1.${k}.0`,
      name: `Release 1.${k}.0`,
      body: `Changes in 1.${k}.0`,
      draft,
      prerelease: !draft && rng.chance(0.2),
      authorLogin: rng.pick(people),
      targetCommitish: repo.defaultBranch,
      createdAt: isoSeconds(created),
      publishedAt: draft ? null : isoSeconds(created + HOUR_MS),
    };
    data.releases.unshift(release);
    if (!draft) data.tags.unshift({ name: release.tagName, sha: rng.sha() });
  }
  data.tags.push({ name: 'v0.1.0', sha: rng.sha() });

  // Workflows and their runs.
  const workflowDefs = [{ name: 'CI', file: 'ci.yml' }, ...(rng.chance(0.5) ? [{ name: 'Deploy', file: 'deploy.yml' }] : [])];
  workflowDefs.forEach((def, w) => {
    const workflow: WorkflowRecord = {
      id: childId(4, repo, w + 1),
      name: def.name,
      path: `.github/workflows/${def.file}`,
      state: 'active',
      createdAt: repo.createdAt,
      updatedAt: isoSeconds(anchor - rng.int(1, 100) * DAY_MS),
    };
    data.workflows.push(workflow);
    files.set(workflow.path, `name: ${def.name}\non: [push, workflow_dispatch]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n`);
    const runCount = rng.int(3, 5);
    for (let k = 0; k < runCount; k++) {
      const created = anchor - rng.int(10, 40 * 24 * 60) * 60_000;
      const live = k === runCount - 1 && rng.chance(0.25);
      const run: WorkflowRunRecord = {
        id: childId(5, repo, w * 100 + k + 1),
        workflowId: workflow.id,
        runNumber: k + 1,
        event: rng.pick(['push', 'pull_request', 'workflow_dispatch', 'schedule'] as const),
        status: live ? rng.pick(['queued', 'in_progress'] as const) : 'completed',
        conclusion: live ? null : rng.pick(['success', 'success', 'success', 'failure', 'failure', 'cancelled', 'skipped'] as const),
        headBranch: rng.pick(branchNames),
        headSha: rng.sha(),
        actorLogin: rng.pick(people),
        createdAt: isoSeconds(created),
        updatedAt: isoSeconds(created + rng.int(1, 30) * 60_000),
      };
      data.runs.push(run);
    }
  });
  data.runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));

  // Environments, deployments to them and their statuses.
  const envNames = rng.chance(0.7) ? ['production', ...(rng.chance(0.6) ? ['staging'] : [])] : [];
  envNames.forEach((name, e) => {
    const env: EnvironmentRecord = { id: childId(6, repo, e + 1), name, createdAt: repo.createdAt, updatedAt: isoSeconds(anchor - rng.int(1, 90) * DAY_MS), waitTimer: name === 'production' ? 5 : 0 };
    data.environments.push(env);
    const count = rng.int(1, 2);
    for (let k = 0; k < count; k++) {
      const created = anchor - rng.int(60, 90 * 24 * 60) * 60_000;
      const deploymentNo = e * 10 + k + 1;
      const final: DeploymentState = rng.pick(['success', 'success', 'failure', 'error', 'in_progress']);
      const states: DeploymentState[] = final === 'in_progress' ? ['pending', 'in_progress'] : ['pending', final];
      const deployment: DeploymentRecord = {
        id: childId(7, repo, deploymentNo),
        sha: rng.sha(),
        ref: repo.defaultBranch,
        task: rng.chance(0.8) ? 'deploy' : 'deploy:migrations',
        environment: name,
        description: `Deploy to ${name}`,
        creatorLogin: rng.pick(people),
        createdAt: isoSeconds(created),
        updatedAt: isoSeconds(created + states.length * 60_000),
        statuses: states.map((state, s) => ({ id: childId(8, repo, deploymentNo * 10 + s + 1), state, description: `Deployment ${state}`, createdAt: isoSeconds(created + (s + 1) * 60_000) })),
      };
      data.deployments.push(deployment);
    }
  });
  data.deployments.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));

  // Security alerts in several states and severities.
  const dependabotCount = rng.int(0, 4);
  for (let k = 0; k < dependabotCount; k++) {
    const ecosystem = rng.pick(['npm', 'pip', 'maven', 'go'] as const);
    const created = anchor - rng.int(1, 100) * DAY_MS;
    const state = rng.pick(['open', 'open', 'dismissed', 'fixed', 'auto_dismissed'] as const);
    const alert: DependabotAlertRecord = {
      number: k + 1,
      state,
      severity: rng.pick(SEVERITIES),
      ecosystem,
      packageName: rng.pick(PACKAGES[ecosystem]),
      manifestPath: MANIFESTS[ecosystem],
      ghsaId: `GHSA-${rng.sha().slice(0, 4)}-${rng.sha().slice(0, 4)}-${rng.sha().slice(0, 4)}`,
      cveId: `CVE-2025-${rng.int(10_000, 99_999)}`,
      summary: 'Vulnerable dependency',
      createdAt: isoSeconds(created),
      updatedAt: isoSeconds(created + DAY_MS),
      closedAt: state === 'open' ? null : isoSeconds(created + DAY_MS),
    };
    data.dependabotAlerts.unshift(alert);
  }
  const codeScanningCount = rng.int(0, 3);
  for (let k = 0; k < codeScanningCount; k++) {
    const created = anchor - rng.int(1, 100) * DAY_MS;
    const state = rng.pick(['open', 'open', 'dismissed', 'fixed'] as const);
    const rule = rng.pick([
      { id: 'js/sql-injection', description: 'Database query built from user-controlled sources', severity: 'error' as const },
      { id: 'js/unused-local-variable', description: 'Unused variable', severity: 'note' as const },
      { id: 'py/weak-crypto', description: 'Use of a broken cryptographic algorithm', severity: 'warning' as const },
    ]);
    data.codeScanningAlerts.unshift({
      number: k + 1,
      state,
      ruleId: rule.id,
      ruleDescription: rule.description,
      severity: rule.severity,
      securitySeverity: rng.pick(SEVERITIES),
      path: 'src/index.ts',
      createdAt: isoSeconds(created),
      updatedAt: isoSeconds(created + DAY_MS),
      closedAt: state === 'open' ? null : isoSeconds(created + DAY_MS),
    } satisfies CodeScanningAlertRecord);
  }
  const secretCount = rng.int(0, 2);
  for (let k = 0; k < secretCount; k++) {
    const created = anchor - rng.int(1, 100) * DAY_MS;
    const resolved = rng.chance(0.4);
    data.secretScanningAlerts.unshift({
      number: k + 1,
      state: resolved ? 'resolved' : 'open',
      resolution: resolved ? rng.pick(['false_positive', 'revoked', 'used_in_tests', 'wont_fix'] as const) : null,
      secretType: 'github_personal_access_token',
      secretTypeDisplayName: 'GitHub Personal Access Token',
      secret: `ghp_${rng.sha().slice(0, 36)}`,
      createdAt: isoSeconds(created),
      updatedAt: isoSeconds(created + (resolved ? DAY_MS : 0)),
    } satisfies SecretScanningAlertRecord);
  }
  return data;
}

function orgPortAppConfig(): string {
  return [
    'deleteDependentEntities: true',
    'createMissingRelatedEntities: true',
    'resources:',
    '  - kind: repository',
    '    selector:',
    "      query: 'true'",
    '    port:',
    '      entity:',
    '        mappings:',
    '          identifier: .name',
    '          title: .name',
    "          blueprint: '\"service\"'",
    '          properties:',
    '            readme: file://README.md',
    '            url: .html_url',
    '            defaultBranch: .default_branch',
    '  - kind: pull-request',
    '    selector:',
    "      query: 'true'",
    '    port:',
    '      entity:',
    '        mappings:',
    '          identifier: .head.repo.name + (.id|tostring)',
    '          title: .title',
    "          blueprint: '\"githubPullRequest\"'",
    '          properties:',
    '            status: .status',
    '            link: .html_url',
    '',
  ].join('\n');
}
