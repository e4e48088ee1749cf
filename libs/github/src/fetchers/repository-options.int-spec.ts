import { loadConfig } from '@glint/config';
import { GithubSimulator } from '@glint/testing';
import { createGithubAccess } from '../client';
import type { FetchContext, GithubObject } from './fetch-context';
import { withPullRequestFirstCommit } from './first-commits';
import { fetchRepositories } from './repositories';
import { fetchBranches, fetchDeployments, fetchEnvironments, fetchIssues, fetchWorkflowRuns } from './repository-kinds';

/**
 * The peer's repository-scoped selector options, as a team moving over writes them, against the simulator with
 * GitHub's latency: what each changes in what is fetched.
 */
async function all<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page);
  return items;
}

describe('repository-scoped selector options against the GitHub simulator', () => {
  let simulator: GithubSimulator;
  let context: FetchContext;
  let organization: string;

  beforeAll(async () => {
    simulator = await GithubSimulator.start({ seed: 29, organizations: 1, reposPerOrg: 8, pullRequestsPerRepo: 3, issuesPerRepo: 2, latencyMs: 50 });
    const config = loadConfig(
      { APP_ID: String(simulator.appId), PRIVATE_KEY: Buffer.from(simulator.appPrivateKeyPem).toString('base64'), GHE_HOST: new URL(simulator.url).host, GHE_PROTOCOL: 'http' },
      ['mapper'],
    );
    const access = createGithubAccess(config.github, { clock: { now: () => simulator.now() } });
    const [installation] = await access.installations();
    organization = installation.accountLogin;
    context = { client: access.clientFor(installation.id), organization, concurrency: 4 };
  });

  afterAll(async () => {
    await simulator?.close();
  });

  const repos = () => simulator.state.organization(organization)?.repos ?? [];
  const names = (items: readonly GithubObject[]) => items.map((item) => String(item['name'])).sort();

  describe('repoSearch', () => {
    it('lists only the repositories GitHub’s search finds, for the repository kind and the kinds listed per repository', async () => {
      const [payments, billing] = repos().filter((repo) => !repo.fork && !repo.archived);
      payments.topics = ['payments'];
      billing.topics = ['payments', 'billing'];
      for (const repo of repos()) if (repo !== payments && repo !== billing) repo.topics = repo.topics.filter((topic) => topic !== 'payments');

      const found = await all(fetchRepositories(context, { repoSearch: { query: 'topic:payments' } }));
      const issues = await all(fetchIssues(context, { repoSearch: { query: 'topic:payments' }, state: 'all' }));

      expect(names(found)).toEqual([payments.name, billing.name].sort());
      const issuesOf = (repo: typeof payments) => simulator.state.repoData(repo).issues.length;
      expect(issues.every((issue) => [payments.name, billing.name].includes(String(issue['__repository'])))).toBe(true);
      expect(issues).toHaveLength(issuesOf(payments) + issuesOf(billing));
      expect(simulator.stats().byRoute['GET /search/repositories']).toBeGreaterThanOrEqual(2);
    });

    it('combines qualifiers as GitHub does: language, archived, visibility and words in the name', async () => {
      const typescript = repos().filter((repo) => repo.language === 'TypeScript' && !repo.archived && !repo.fork);
      const privateOnes = repos().filter((repo) => repo.visibility !== 'public' && !repo.fork);
      const named = repos()[0];

      expect(names(await all(fetchRepositories(context, { repoSearch: { query: 'language:typescript archived:false' } })))).toEqual(typescript.map((repo) => repo.name).sort());
      expect(names(await all(fetchRepositories(context, { repoSearch: { query: 'is:private' } })))).toEqual(privateOnes.map((repo) => repo.name).sort());
      expect(names(await all(fetchRepositories(context, { repoSearch: { query: `${named.name} in:name` } })))).toContain(named.name);
    });

    it('keeps the mapping’s repositoryType for searched repositories, as their live events do', async () => {
      const publicOnes = repos().filter((repo) => repo.visibility === 'public' && !repo.archived && !repo.fork);

      const found = await all(fetchRepositories(context, { repoSearch: { query: 'archived:false' }, repositoryType: 'public' }));

      expect(names(found)).toEqual(publicOnes.map((repo) => repo.name).sort());
    });

    it('says so when a query matches more than the 1,000 repositories GitHub’s search returns, and hands out the 1,000', async () => {
      const large = await GithubSimulator.start({ seed: 3, organizations: 1, reposPerOrg: 1_050, latencyMs: 50 });
      try {
        const config = loadConfig(
          { APP_ID: String(large.appId), PRIVATE_KEY: Buffer.from(large.appPrivateKeyPem).toString('base64'), GHE_HOST: new URL(large.url).host, GHE_PROTOCOL: 'http' },
          ['mapper'],
        );
        const access = createGithubAccess(config.github, { clock: { now: () => large.now() } });
        const [installation] = await access.installations();
        const told: string[] = [];

        const listed = await all(
          fetchRepositories({ client: access.clientFor(installation.id), organization: installation.accountLogin, onIncomplete: (reason) => told.push(reason) }, { repoSearch: { query: 'fork:true' } }),
        );

        expect(listed).toHaveLength(1_000);
        expect(told).toEqual([expect.stringMatching(/repoSearch "fork:true" matches 1051 repositories of .*GitHub's search returns the first 1000 only: narrow the query/)]);
      } finally {
        await large.close();
      }
    });
  });

  describe('repository includedRelations', () => {
    it('adds what the peer’s object form names, under the peer’s fields: collaborators by affiliation, teams, custom properties, SBOM and Pages', async () => {
      const withOutsider = repos().find((repo) => repo.collaborators.some((collaborator) => collaborator.affiliation === 'outside')) ?? repos()[0];
      if (!withOutsider.collaborators.some((collaborator) => collaborator.affiliation === 'outside')) withOutsider.collaborators.push({ login: 'guest-reviewer', permission: 'pull', affiliation: 'outside' });
      withOutsider.pages = { cname: 'docs.example.com', buildType: 'workflow', sourceBranch: 'main', sourcePath: '/docs' };
      const selector = {
        repoSearch: { query: `${withOutsider.name} in:name` },
        includedRelations: { collaborators: { affiliation: 'outside' as const }, teams: true, customProperties: true, sbom: true, pages: true },
      };

      const [repository] = (await all(fetchRepositories(context, selector))).filter((repo) => repo.name === withOutsider.name);

      const outside = withOutsider.collaborators.filter((collaborator) => collaborator.affiliation === 'outside').map((collaborator) => collaborator.login);
      expect((repository['__collaborators'] as Array<{ login: string }>).map((user) => user.login).sort()).toEqual(outside.sort());
      expect((repository['__teams'] as Array<{ slug: string }>).map((team) => team.slug).sort()).toEqual(withOutsider.teams.map((team) => team.slug).sort());
      expect(repository['custom_properties']).toEqual(withOutsider.customProperties);
      expect(repository['__sbom']).toMatchObject({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT' });
      expect(repository['__pages']).toMatchObject({ cname: 'docs.example.com', source: { branch: 'main', path: '/docs' } });
    });

    it('adds an empty __pages for a repository without a Pages site, and only what is asked for', async () => {
      const plain = repos().find((repo) => !repo.pages && !repo.archived && !repo.fork);
      if (!plain) throw new Error('the generated data has no plain repository');

      const [repository] = (await all(fetchRepositories(context, { repoSearch: { query: `${plain.name} in:name` }, includedRelations: { pages: true } }))).filter((repo) => repo.name === plain.name);

      expect(repository['__pages']).toEqual({});
      expect(repository).not.toHaveProperty('__sbom');
      expect(repository).not.toHaveProperty('__teams');
    });

    it('reads the older include list and today’s list form alike', async () => {
      const target = repos().find((repo) => !repo.archived && !repo.fork);
      if (!target) throw new Error('the generated data has no plain repository');
      const search = { query: `${target.name} in:name` };

      const [legacy] = (await all(fetchRepositories(context, { repoSearch: search, include: ['teams', 'sbom'] }))).filter((repo) => repo.name === target.name);
      const [listed] = (await all(fetchRepositories(context, { repoSearch: search, includedRelations: ['collaborators'] }))).filter((repo) => repo.name === target.name);

      expect(legacy).toHaveProperty('__teams');
      expect(legacy).toHaveProperty('__sbom.packages');
      expect(legacy).not.toHaveProperty('__collaborators');
      expect((listed['__collaborators'] as unknown[]).length).toBe(target.collaborators.length);
    });
  });

  describe('branch detailed and branchNames', () => {
    it('reads each branch in detail with detailed, and only the named branches with branchNames', async () => {
      const repo = repos().find((candidate) => !candidate.archived && !candidate.fork && simulator.state.repoData(candidate).branches.length > 2) ?? repos()[0];
      const search = { query: `${repo.name} in:name` };
      const branchNames = simulator.state.repoData(repo).branches.map((branch) => branch.name);
      const mine = (items: GithubObject[]) => items.filter((item) => item['__repository'] === repo.name);

      const listed = mine(await all(fetchBranches(context, { repoSearch: search })));
      const detailed = mine(await all(fetchBranches(context, { repoSearch: search, detailed: true })));
      const named = mine(await all(fetchBranches(context, { repoSearch: search, branchNames: [branchNames[1], 'no-such-branch'] })));

      expect(listed[0]).not.toHaveProperty('_links');
      expect(names(detailed)).toEqual([...branchNames].sort());
      expect(detailed[0]).toMatchObject({ _links: expect.any(Object), commit: { commit: { message: expect.any(String) } } });
      expect(named).toEqual([expect.objectContaining({ name: branchNames[1], _links: expect.any(Object), __is_default_branch: branchNames[1] === repo.defaultBranch })]);
    });
  });

  describe('environment includeVariables', () => {
    it('adds each environment’s variables as __variables', async () => {
      const repo = repos().find((candidate) => !candidate.archived && !candidate.fork && simulator.state.repoData(candidate).environments.length > 0);
      if (!repo) throw new Error('the generated data has no repository with environments');
      const [environment] = simulator.state.repoData(repo).environments;
      environment.variables = [{ name: 'REGION', value: 'eu-west-1', createdAt: '2026-01-02T03:04:05Z', updatedAt: '2026-01-02T03:04:05Z' }];
      const search = { query: `${repo.name} in:name` };

      const plain = (await all(fetchEnvironments(context, { repoSearch: search }))).find((item) => item['name'] === environment.name);
      const withVariables = (await all(fetchEnvironments(context, { repoSearch: search, includeVariables: true }))).find((item) => item['name'] === environment.name);

      expect(plain).not.toHaveProperty('__variables');
      expect(withVariables?.['__variables']).toEqual([{ name: 'REGION', value: 'eu-west-1', created_at: '2026-01-02T03:04:05Z', updated_at: '2026-01-02T03:04:05Z' }]);
    });
  });

  describe('workflow-run since_date', () => {
    it('lists the runs created on or after since_date only, and since (days) wins over it', async () => {
      const repo = repos().find((candidate) => !candidate.archived && !candidate.fork && simulator.state.repoData(candidate).runs.length > 3) ?? repos()[0];
      const runs = [...simulator.state.repoData(repo).runs].sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
      const cut = runs[Math.floor(runs.length / 2)].createdAt.slice(0, 10);
      const search = { query: `${repo.name} in:name` };

      const recent = await all(fetchWorkflowRuns(context, { repoSearch: search, since_date: cut }));
      const both = await all(fetchWorkflowRuns(context, { repoSearch: search, since_date: '2000-01-01', since: 0 }, simulator.now()));

      const expected = runs.filter((run) => run.createdAt.slice(0, 10) >= cut).length;
      expect(recent.length).toBe(expected);
      expect(recent.length).toBeLessThan(runs.length);
      expect(recent.every((run) => String(run['created_at']).slice(0, 10) >= cut)).toBe(true);
      expect(both.every((run) => String(run['created_at']).slice(0, 10) >= new Date(simulator.now()).toISOString().slice(0, 10))).toBe(true);
    });
  });

  describe('enrichWithFirstCommit', () => {
    it('adds to each deployment the earliest commit since the previous deployment to its environment, and the count', async () => {
      const repo = repos().find((candidate) => !candidate.archived && !candidate.fork) ?? repos()[0];
      simulator.createDeployment(organization, repo.name, { environment: 'qa-first-commit' });
      const first = simulator.push(organization, repo.name, { branch: repo.defaultBranch, files: { 'one.txt': '1' }, message: 'one' });
      simulator.advanceClock(60_000);
      simulator.push(organization, repo.name, { branch: repo.defaultBranch, files: { 'two.txt': '2' }, message: 'two' });
      simulator.advanceClock(60_000);
      const second = simulator.createDeployment(organization, repo.name, { environment: 'qa-first-commit' });
      const search = { query: `${repo.name} in:name` };

      const deployments = (await all(fetchDeployments(context, { repoSearch: search, environment: 'qa-first-commit', enrichWithFirstCommit: true }))).sort((a, b) => Number(a['id']) - Number(b['id']));
      const plain = await all(fetchDeployments(context, { repoSearch: search, environment: 'qa-first-commit' }));

      expect(deployments).toHaveLength(2);
      expect(deployments[1]).toMatchObject({ id: second.id, __commitCount: 2, __firstCommit: { sha: first.after, __sha: first.after, commit: { message: 'one' } } });
      expect(deployments[1]['__firstCommit']).toHaveProperty('__timestamp', expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
      // The environment's first deployment has no predecessor: its own commit.
      expect(deployments[0]).toMatchObject({ __commitCount: 1, __firstCommit: { __sha: deployments[0]['sha'] } });
      expect(plain.some((deployment) => '__firstCommit' in deployment)).toBe(false);
    });

    it('adds to a pull request the first commit on its branch, as the peer’s firstCommit {oid, committedDate}', async () => {
      const repo = repos().find((candidate) => !candidate.archived && !candidate.fork) ?? repos()[0];
      const pull = simulator.openPullRequest(organization, repo.name, { title: 'Two commits', files: { 'a.txt': 'a' } });
      const firstSha = pull.headSha;
      simulator.advanceClock(60_000);
      simulator.push(organization, repo.name, { branch: pull.headRef, files: { 'b.txt': 'b' }, message: 'second' });

      const enriched = await withPullRequestFirstCommit(context, organization, repo.name, { number: pull.number });

      expect(enriched).toEqual({ number: pull.number, firstCommit: { oid: firstSha, committedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } });
    });
  });
});
