import { GithubSimulator } from './simulator';
import { call, Item } from './test-helpers.spec-helper';

/**
 * The repository search (qualifiers, GitHub's 1,000-result cap, its own 30-a-minute limit on GitHub.com) and the
 * commit routes (a commit, a comparison, a pull request's commits) that the peer's `repoSearch` and
 * `enrichWithFirstCommit` options read; plus the SBOM, Pages and environment variables of a repository.
 */
describe('GitHub simulator: repository search, commits, SBOM, Pages and environment variables', () => {
  let sim: GithubSimulator;
  let pat: string;
  const org = () => sim.state.organizations[0];

  beforeAll(async () => {
    sim = await GithubSimulator.start({ seed: 41, organizations: 1, reposPerOrg: 12 });
    pat = `token ${sim.createPersonalAccessToken()}`;
  });

  afterAll(async () => {
    await sim?.close();
  });

  const search = async (q: string, extra = '') => call(sim, `/search/repositories?q=${encodeURIComponent(q)}${extra}`, pat);
  const namesOf = (body: { items: Item[] }) => body.items.map((item) => String(item['name'])).sort();

  it('finds repositories by organization, topic, language, archived, visibility and name, leaving forks out unless asked', async () => {
    const repos = org().repos;
    repos[0].topics = ['payments'];
    const expectFound = async (q: string, predicate: (repo: (typeof repos)[number]) => boolean) => {
      const answer = await search(`org:${org().login} ${q}`, '&per_page=100');
      expect(answer.status).toBe(200);
      expect(namesOf(answer.json<{ items: Item[] }>())).toEqual(repos.filter(predicate).map((repo) => repo.name).sort());
    };

    await expectFound('topic:payments', (repo) => repo.topics.includes('payments') && !repo.fork);
    await expectFound('archived:false', (repo) => !repo.archived && !repo.fork);
    await expectFound('is:public', (repo) => repo.visibility === 'public' && !repo.fork);
    await expectFound(`language:${repos[1].language ?? 'go'}`, (repo) => repo.language === repos[1].language && !repo.fork);
    await expectFound('fork:true', () => true);
    await expectFound(`${repos[2].name} in:name`, (repo) => repo.name.includes(repos[2].name) && !repo.fork);
    expect((await search(`org:${org().login} stars:>5`)).status).toBe(422);
  });

  it('counts every match in total_count but answers the first 1,000 only, as GitHub', async () => {
    const large = await GithubSimulator.start({ seed: 2, organizations: 1, reposPerOrg: 1_005 });
    try {
      const token = `token ${large.createPersonalAccessToken()}`;
      const q = encodeURIComponent(`org:${large.state.organizations[0].login} fork:true`);
      const tenth = await call(large, `/search/repositories?q=${q}&per_page=100&page=10`, token);
      const eleventh = await call(large, `/search/repositories?q=${q}&per_page=100&page=11`, token);

      expect(tenth.json<{ total_count: number; incomplete_results: boolean; items: Item[] }>()).toMatchObject({ total_count: 1_006, incomplete_results: false, items: expect.any(Array) });
      expect(tenth.json<{ items: Item[] }>().items).toHaveLength(100);
      expect(tenth.headers.get('link')).not.toContain('rel="next"');
      expect(eleventh.status).toBe(422);
      expect(eleventh.json<{ message: string }>().message).toBe('Only the first 1000 search results are available');
    } finally {
      await large.close();
    }
  });

  it('allows 30 searches a minute per token under GitHub.com’s limits, with the search resource’s headers', async () => {
    const limited = await GithubSimulator.start({ seed: 2, organizations: 1, reposPerOrg: 2, limits: 'github.com' });
    try {
      const token = `token ${limited.createPersonalAccessToken()}`;
      const q = encodeURIComponent(`org:${limited.state.organizations[0].login}`);
      const answers = [];
      for (let request = 0; request < 31; request += 1) answers.push(await call(limited, `/search/repositories?q=${q}`, token));
      limited.advanceClock(61_000);
      const afterAMinute = await call(limited, `/search/repositories?q=${q}`, token);

      expect(answers.slice(0, 30).every((answer) => answer.status === 200)).toBe(true);
      expect(answers[0].headers.get('x-ratelimit-resource')).toBe('search');
      expect(answers[0].headers.get('x-ratelimit-limit')).toBe('30');
      expect(answers[29].headers.get('x-ratelimit-remaining')).toBe('0');
      expect(answers[30].status).toBe(403);
      expect(answers[30].headers.get('x-ratelimit-remaining')).toBe('0');
      expect(afterAMinute.status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('compares two commits of a branch and lists a pull request’s commits oldest first, from the pushes made', async () => {
    const repo = org().repos[3];
    const owner = org().login;
    const base = sim.state.repoData(repo).branches.find((branch) => branch.name === repo.defaultBranch)?.sha ?? '';
    const one = sim.push(owner, repo.name, { branch: repo.defaultBranch, files: { 'one.txt': '1' }, message: 'one' });
    const two = sim.push(owner, repo.name, { branch: repo.defaultBranch, files: { 'two.txt': '2' }, message: 'two' });
    const pull = sim.openPullRequest(owner, repo.name, { title: 'Feature', files: { 'f.txt': 'f' } });
    sim.push(owner, repo.name, { branch: pull.headRef, files: { 'g.txt': 'g' }, message: 'more' });

    const compared = (await call(sim, `/repos/${repo.fullName}/compare/${base}...${two.after}`, pat)).json<{ status: string; total_commits: number; commits: Array<{ sha: string; commit: { message: string } }> }>();
    const commit = (await call(sim, `/repos/${repo.fullName}/commits/${one.after}`, pat)).json<{ sha: string; parents: Array<{ sha: string }> }>();
    const pullCommits = (await call(sim, `/repos/${repo.fullName}/pulls/${pull.number}/commits`, pat)).json<Array<{ commit: { message: string } }>>();
    const unknown = await call(sim, `/repos/${repo.fullName}/commits/${'f'.repeat(40)}`, pat);

    expect(compared).toMatchObject({ status: 'ahead', total_commits: 2 });
    expect(compared.commits.map((entry) => entry.sha)).toEqual([one.after, two.after]);
    expect(commit).toMatchObject({ sha: one.after, parents: [{ sha: base }] });
    expect(pullCommits.map((entry) => entry.commit.message)).toEqual(['Feature', 'more']);
    expect(unknown.status).toBe(422);
  });

  it('answers an SBOM of the repository’s npm dependencies, Pages only where set up, and an environment’s variables', async () => {
    const repo = org().repos[4];
    sim.push(org().login, repo.name, { branch: repo.defaultBranch, files: { 'package.json': JSON.stringify({ dependencies: { express: '^4.19.2' } }) } });
    const before = await call(sim, `/repos/${repo.fullName}/pages`, pat);
    repo.pages = { cname: null, buildType: 'workflow', sourceBranch: 'main', sourcePath: '/' };

    const sbom = (await call(sim, `/repos/${repo.fullName}/dependency-graph/sbom`, pat)).json<{ sbom: { packages: Array<{ name: string; versionInfo: string }> } }>();
    const pages = await call(sim, `/repos/${repo.fullName}/pages`, pat);

    expect(sbom.sbom.packages).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'npm:express', versionInfo: '4.19.2' })]));
    expect(before.status).toBe(404);
    expect(pages.json()).toMatchObject({ build_type: 'workflow', source: { branch: 'main', path: '/' } });

    const withEnvironment = org().repos.find((candidate) => sim.state.repoData(candidate).environments.length > 0);
    if (!withEnvironment) throw new Error('the generated data has no environment');
    const environment = sim.state.repoData(withEnvironment).environments[0];
    environment.variables = [{ name: 'REGION', value: 'eu', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' }];
    const variables = await call(sim, `/repos/${withEnvironment.fullName}/environments/${environment.name}/variables`, pat);

    expect(variables.json()).toEqual({ total_count: 1, variables: [{ name: 'REGION', value: 'eu', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' }] });
  });
});
