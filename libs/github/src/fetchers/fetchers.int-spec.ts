import { loadConfig } from '@glint/config';
import { GithubSimulator } from '@glint/testing';
import { createGithubAccess } from '../client';
import type { FetchContext, GithubObject } from './fetch-context';
import { fetchFiles, fetchFolders } from './files';
import { fetchOrganization, fetchTeams, fetchUsers } from './organization-kinds';
import { fetchPullRequests } from './pull-requests';
import { fetchRepositories } from './repositories';
import {
  fetchBranches,
  fetchCodeScanningAlerts,
  fetchCollaborators,
  fetchDependabotAlerts,
  fetchDeployments,
  fetchDeploymentStatuses,
  fetchEnvironments,
  fetchIssues,
  fetchReleases,
  fetchSecretScanningAlerts,
  fetchTags,
  fetchWorkflowRuns,
  fetchWorkflows,
} from './repository-kinds';

const DAY = 86_400_000;

async function all<T>(pages: AsyncIterable<T[]>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let count = 0;
  for await (const page of pages) {
    items.push(...page);
    count += 1;
  }
  return { items, pages: count };
}

describe('fetchers against the GitHub simulator, through the App client', () => {
  let simulator: GithubSimulator;
  let context: FetchContext;
  let organization: string;

  beforeAll(async () => {
    simulator = await GithubSimulator.start({ seed: 11, organizations: 2, reposPerOrg: 7, pullRequestsPerRepo: 9, issuesPerRepo: 6 });
    const host = new URL(simulator.url).host;
    const config = loadConfig(
      { APP_ID: String(simulator.appId), PRIVATE_KEY: Buffer.from(simulator.appPrivateKeyPem).toString('base64'), GHE_HOST: host, GHE_PROTOCOL: 'http' },
      ['mapper'],
    );
    expect(config.github.apiUrl).toBe(`${simulator.url}/api/v3`);
    const access = createGithubAccess(config.github, { clock: { now: () => simulator.now() } });
    const installations = await access.installations();
    expect(installations.map((installation) => installation.accountLogin).sort()).toEqual(simulator.state.organizations.map((org) => org.login).sort());
    organization = installations[0].accountLogin;
    context = { client: access.clientFor(installations[0].id), organization };
  });

  afterAll(async () => {
    await simulator?.close();
  });

  const org = () => {
    const record = simulator.state.organization(organization);
    if (!record) throw new Error('unknown organization');
    return record;
  };
  const repos = () => org().repos;
  const data = () => repos().map((repo) => ({ repo, data: simulator.state.repoData(repo) }));

  it('lists the organization', async () => {
    const { items } = await all(fetchOrganization(context));
    expect(items).toEqual([expect.objectContaining({ login: organization, id: org().id })]);
  });

  it('pages through every repository of the installation, with included files and relations', async () => {
    const { items } = await all(fetchRepositories(context, { includedFiles: ['README.md', 'NOT-THERE.md'], includedRelations: ['teams', 'collaborators', 'customProperties'] }));

    expect(items.map((repo) => repo.full_name).sort()).toEqual(repos().map((repo) => repo.fullName).sort());
    for (const repository of items) {
      const record = repos().find((repo) => repo.fullName === repository.full_name);
      expect(repository['__includedFiles']).toEqual({
        'README.md': record ? (simulator.state.repoData(record).files.get('README.md') ?? null) : null,
        'NOT-THERE.md': null,
      });
      expect((repository['__teams'] as GithubObject[]).map((team) => team['slug']).sort()).toEqual(record?.teams.map((team) => team.slug).sort());
      expect(repository['custom_properties']).toEqual(record?.customProperties);
    }
  });

  it('filters repositories by type (private includes internal, as on GHES)', async () => {
    const { items } = await all(fetchRepositories(context, { repositoryType: 'private' }));
    expect(items.map((repo) => repo.name).sort()).toEqual(repos().filter((repo) => repo.visibility !== 'public').map((repo) => repo.name).sort());
  });

  it('lists open pull requests, and closed ones within the window, each with __repository and __organization', async () => {
    const now = simulator.now();
    const { items: open } = await all(fetchPullRequests(context, {}, now));
    const expectedOpen = data().flatMap(({ repo, data: content }) => content.pulls.filter((pull) => pull.state === 'open').map((pull) => `${repo.name}#${pull.number}`));
    expect(open.map((pull) => `${pull.__repository}#${pull.number}`).sort()).toEqual(expectedOpen.sort());
    expect(open.every((pull) => pull.__organization === organization)).toBe(true);

    const { items: closed } = await all(fetchPullRequests(context, { states: ['closed'], since: 60 }, now));
    const expectedClosed = data().flatMap(({ repo, data: content }) =>
      content.pulls
        .filter((pull) => pull.state === 'closed' && Date.parse(pull.updatedAt) >= now - 60 * DAY)
        .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))
        .slice(0, 100)
        .map((pull) => `${repo.name}#${pull.number}`),
    );
    expect(closed.map((pull) => `${pull.__repository}#${pull.number}`).sort()).toEqual(expectedClosed.sort());
    expect(expectedClosed.length).toBeGreaterThan(0);
  });

  it('applies closedSinceDate and maxResults to closed pull requests', async () => {
    const now = simulator.now();
    const since = new Date(now - 90 * DAY).toISOString();
    const { items } = await all(fetchPullRequests(context, { states: ['closed'], closedSinceDate: since, maxResults: 2 }, now));
    const perRepo = new Map<string, number>();
    for (const pull of items) perRepo.set(pull.__repository, (perRepo.get(pull.__repository) ?? 0) + 1);

    expect([...perRepo.values()].every((count) => count <= 2)).toBe(true);
    expect(items.every((pull) => Date.parse(pull.closed_at ?? '') >= Date.parse(since))).toBe(true);
  });

  it('lists issues without pull requests, filtered by state and labels', async () => {
    const { items } = await all(fetchIssues(context, { state: 'all' }));
    const expected = data().flatMap(({ repo, data: content }) => content.issues.map((issue) => `${repo.name}#${issue.number}`));
    expect(items.map((issue) => `${issue.__repository}#${issue['number']}`).sort()).toEqual(expected.sort());
    expect(items.some((issue) => issue['pull_request'] !== undefined)).toBe(false);

    const label = data().flatMap(({ data: content }) => content.issues.flatMap((issue) => issue.labels.map((entry) => entry.name)))[0];
    const { items: labelled } = await all(fetchIssues(context, { state: 'all', labels: [label] }));
    expect(labelled.length).toBeGreaterThan(0);
    expect(labelled.every((issue) => (issue['labels'] as GithubObject[]).some((entry) => entry['name'] === label))).toBe(true);
  });

  it.each([
    ['releases', () => fetchReleases(context), (content: ReturnType<GithubSimulator['state']['repoData']>) => content.releases.length],
    ['tags', () => fetchTags(context), (content: ReturnType<GithubSimulator['state']['repoData']>) => content.tags.length],
    ['workflows', () => fetchWorkflows(context), (content: ReturnType<GithubSimulator['state']['repoData']>) => content.workflows.length],
    ['environments', () => fetchEnvironments(context), (content: ReturnType<GithubSimulator['state']['repoData']>) => content.environments.length],
    ['deployments', () => fetchDeployments(context), (content: ReturnType<GithubSimulator['state']['repoData']>) => content.deployments.length],
    [
      'deployment statuses',
      () => fetchDeploymentStatuses(context),
      (content: ReturnType<GithubSimulator['state']['repoData']>) => content.deployments.reduce((sum, deployment) => sum + deployment.statuses.length, 0),
    ],
  ])('lists every one of the %s, enriched with __repository', async (_kind, fetch, count) => {
    const { items } = await all(fetch());
    expect(items).toHaveLength(data().reduce((sum, { data: content }) => sum + count(content), 0));
    expect(items.every((item) => typeof item.__repository === 'string' && item.__organization === organization)).toBe(true);
  });

  it('filters deployments and their statuses by environment, with __deployment_id', async () => {
    const environment = data().flatMap(({ data: content }) => content.deployments.map((deployment) => deployment.environment))[0];
    const { items } = await all(fetchDeploymentStatuses(context, { environment }));
    const expected = data().flatMap(({ data: content }) => content.deployments.filter((deployment) => deployment.environment === environment).flatMap((deployment) => deployment.statuses.map((status) => `${deployment.id}/${status.id}`)));
    expect(items.map((status) => `${status['__deployment_id']}/${status['id']}`).sort()).toEqual(expected.sort());
  });

  it('marks default branches and adds protection rules', async () => {
    const { items } = await all(fetchBranches(context, { protectionRules: true }));
    const expected = data().flatMap(({ repo, data: content }) => content.branches.map((branch) => `${repo.name}:${branch.name}:${branch.name === repo.defaultBranch}:${branch.protection !== null}`));
    expect(items.map((branch) => `${branch.__repository}:${branch['name']}:${branch['__is_default_branch']}:${branch['__protection_rules'] !== null}`).sort()).toEqual(expected.sort());

    const { items: defaults } = await all(fetchBranches(context, { defaultBranchOnly: true }));
    expect(defaults).toHaveLength(repos().length);
  });

  it('lists workflow runs per status', async () => {
    const { items } = await all(fetchWorkflowRuns(context, { statuses: ['completed', 'failure'], maxRunsPerWorkflow: 3 }));
    const expected = data().reduce(
      (sum, { data: content }) =>
        sum +
        content.workflows.reduce(
          (perRepo, workflow) =>
            perRepo +
            Math.min(3, content.runs.filter((run) => run.workflowId === workflow.id && run.status === 'completed').length) +
            Math.min(3, content.runs.filter((run) => run.workflowId === workflow.id && run.conclusion === 'failure').length),
          0,
        ),
      0,
    );
    expect(expected).toBeGreaterThan(0);
    expect(items).toHaveLength(expected);
    expect(items.every((run) => run['status'] === 'completed')).toBe(true);
  });

  it('lists alerts by state', async () => {
    const { items: dependabot } = await all(fetchDependabotAlerts(context, { states: ['open', 'fixed'] }));
    expect(dependabot.length).toBe(data().reduce((sum, { data: content }) => sum + content.dependabotAlerts.filter((alert) => alert.state === 'open' || alert.state === 'fixed').length, 0));
    const { items: codeScanning } = await all(fetchCodeScanningAlerts(context, { state: 'open' }));
    expect(codeScanning.length).toBe(data().reduce((sum, { data: content }) => sum + content.codeScanningAlerts.filter((alert) => alert.state === 'open').length, 0));
    const { items: secrets } = await all(fetchSecretScanningAlerts(context, { state: 'all' }));
    expect(secrets.length).toBe(data().reduce((sum, { data: content }) => sum + content.secretScanningAlerts.length, 0));
  });

  it('lists teams with their members, org members and collaborators', async () => {
    const { items: teams } = await all(fetchTeams(context));
    expect(teams.map((team) => team['slug']).sort()).toEqual(org().teams.map((team) => team.slug).sort());
    for (const team of teams) {
      const record = org().teams.find((candidate) => candidate.slug === team['slug']);
      expect(((team['members'] as { nodes: GithubObject[] }).nodes).map((member) => member['login']).sort()).toEqual([...(record?.memberLogins ?? [])].sort());
    }
    const { items: users } = await all(fetchUsers(context));
    expect(users.map((user) => user['login']).sort()).toEqual([...org().memberLogins].sort());
    const { items: collaborators } = await all(fetchCollaborators(context, { affiliation: 'all' }));
    expect(collaborators.length).toBe(repos().reduce((sum, repo) => sum + repo.collaborators.length, 0));
  });

  it('reads the mapping file from .github-private and finds folders', async () => {
    const { items } = await all(fetchFiles(context, { files: [{ path: '**/port-app-config.yml', repos: [{ name: '.github-private' }] }] }));
    expect(items).toEqual([expect.objectContaining({ path: '.github/port-app-config.yml', content: expect.objectContaining({ resources: expect.any(Array) }) })]);

    const { items: folders } = await all(fetchFolders(context, { folders: [{ path: '.github', repos: [{ name: '.github-private' }] }] }));
    expect(folders).toEqual([expect.objectContaining({ folder: expect.objectContaining({ path: '.github' }), __repository: '.github-private' })]);
  });

  it('applies the remaining selector options: run age, alert severity and ecosystem, hidden secrets, affiliation, task, team members, unparsed files', async () => {
    const now = simulator.now();
    const { items: recentRuns } = await all(fetchWorkflowRuns(context, { since: 30 }, now));
    const cutoff = new Date(now - 30 * DAY).toISOString().slice(0, 10);
    expect(recentRuns.every((run) => String(run['created_at']).slice(0, 10) >= cutoff)).toBe(true);
    expect(recentRuns.length).toBeLessThan(data().reduce((sum, { data: content }) => sum + content.runs.length, 0));

    const alerts = data().flatMap(({ data: content }) => content.dependabotAlerts);
    const { severity, ecosystem } = alerts[0];
    const { items: dependabot } = await all(fetchDependabotAlerts(context, { states: ['open', 'fixed', 'dismissed', 'auto_dismissed'], severity: [severity], ecosystems: [ecosystem] }));
    expect(dependabot).toHaveLength(alerts.filter((alert) => alert.severity === severity && alert.ecosystem === ecosystem).length);

    const codeAlerts = data().flatMap(({ data: content }) => content.codeScanningAlerts.filter((alert) => alert.state === 'open'));
    const { items: bySeverity } = await all(fetchCodeScanningAlerts(context, { state: 'open', severity: codeAlerts[0].severity }));
    expect(bySeverity).toHaveLength(codeAlerts.filter((alert) => alert.severity === codeAlerts[0].severity).length);

    const { items: hidden } = await all(fetchSecretScanningAlerts(context, { state: 'all' }));
    const { items: shown } = await all(fetchSecretScanningAlerts(context, { state: 'all', hideSecret: false }));
    expect(hidden.every((alert) => alert['secret'] === undefined)).toBe(true);
    expect(shown.every((alert) => typeof alert['secret'] === 'string')).toBe(true);

    const { items: outside } = await all(fetchCollaborators(context, { affiliation: 'outside' }));
    expect(outside).toHaveLength(repos().reduce((sum, repo) => sum + repo.collaborators.filter((collaborator) => collaborator.affiliation === 'outside').length, 0));

    const { items: migrations } = await all(fetchDeployments(context, { task: 'deploy:migrations' }));
    expect(migrations).toHaveLength(data().reduce((sum, { data: content }) => sum + content.deployments.filter((deployment) => deployment.task === 'deploy:migrations').length, 0));

    const { items: teams } = await all(fetchTeams(context, { members: false }));
    expect(teams.every((team) => team['members'] === undefined)).toBe(true);

    const { items: raw } = await all(fetchFiles(context, { files: [{ path: '.github/port-app-config.yml', repos: [{ name: '.github-private' }], skipParsing: true }] }));
    expect(typeof raw[0]['content']).toBe('string');
  });

  it('never sees another installation’s organization', async () => {
    const other = simulator.state.organizations.find((candidate) => candidate.login !== organization);
    await expect(all(fetchOrganization({ ...context, organization: other?.login ?? 'x' }))).rejects.toMatchObject({ status: 404 });
  });
});
