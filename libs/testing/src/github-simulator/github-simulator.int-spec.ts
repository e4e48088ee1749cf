import { createAppAuth } from '@octokit/auth-app';
import { request } from '@octokit/request';
import { generateKeyPairSync, sign } from 'node:crypto';
import { parse } from 'yaml';
import { GithubSimulator } from './index';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

type Item = Record<string, unknown>;

async function call(sim: GithubSimulator, path: string, auth?: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const url = path.startsWith('http') ? path : `${sim.apiUrl}${path}`;
  const response = await fetch(url, { method: init.method ?? 'GET', headers: { accept: 'application/vnd.github+json', ...(auth ? { authorization: auth } : {}), ...init.headers } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
}

async function appJwt(sim: GithubSimulator, privateKey = sim.appPrivateKeyPem): Promise<string> {
  const auth = createAppAuth({ appId: sim.appId, privateKey });
  return (await auth({ type: 'app' })).token;
}

async function installationToken(sim: GithubSimulator, installationId: number): Promise<string> {
  const answer = await call(sim, `/app/installations/${installationId}/access_tokens`, `Bearer ${await appJwt(sim)}`, { method: 'POST' });
  expect(answer.status).toBe(201);
  return answer.json<{ token: string }>().token;
}

/** Follows `Link: rel="next"` from `path` and returns every item. */
async function collectAll(sim: GithubSimulator, path: string, auth: string): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let next: string | undefined = `${sim.apiUrl}${path}`;
  let pages = 0;
  while (next) {
    const answer = await call(sim, next, auth);
    expect(answer.status).toBe(200);
    items.push(...answer.json<Item[]>());
    pages += 1;
    next = /<([^>]+)>; rel="next"/.exec(answer.headers.get('link') ?? '')?.[1];
  }
  return { items, pages };
}

function field<T>(items: Item[], key: string): T[] {
  return items.map((item) => item[key] as T);
}

describe('GithubSimulator', () => {
  describe('App authentication', () => {
    let sim: GithubSimulator;
    beforeEach(async () => {
      sim = await GithubSimulator.start({ seed: 3, organizations: 3, reposPerOrg: 4 });
    });
    afterEach(() => sim.close());

    it('accepts a JWT minted by @octokit/auth-app and serves the App', async () => {
      const answer = await call(sim, '/app', `Bearer ${await appJwt(sim)}`);
      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ id: sim.appId, slug: 'glint-sim' });
      expect(answer.headers.get('x-ratelimit-limit')).toBe('5000');
    });

    it('rejects a JWT signed by another key, one issued in the future, and one expired on the simulated clock', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
      const wrongKey = await call(sim, '/app', `Bearer ${await appJwt(sim, other)}`);
      expect(wrongKey.status).toBe(401);
      expect(wrongKey.json()).toMatchObject({ message: 'A JSON web token could not be decoded' });

      const now = Math.floor(Date.now() / 1000);
      const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iss: sim.appId, iat: now + 300, exp: now + 600 })}`;
      const future = `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), sim.appPrivateKeyPem).toString('base64url')}`;
      expect((await call(sim, '/app', `Bearer ${future}`)).status).toBe(401);

      const jwt = await appJwt(sim);
      expect((await call(sim, '/app', `Bearer ${jwt}`)).status).toBe(200);
      sim.advanceClock(11 * 60_000);
      expect((await call(sim, '/app', `Bearer ${jwt}`)).status).toBe(401);
      expect((await call(sim, '/app', 'Bearer not-a-jwt')).status).toBe(401);
    });

    it('lists installations (paginated) and mints installation tokens that expire after an hour', async () => {
      const jwt = `Bearer ${await appJwt(sim)}`;
      const first = await call(sim, '/app/installations?per_page=2', jwt);
      expect(first.json<Item[]>()).toHaveLength(2);
      expect(first.headers.get('link')).toContain('rel="next"');
      const all = await collectAll(sim, '/app/installations?per_page=2', jwt);
      expect(field<number>(all.items, 'id')).toEqual(sim.installations().map((installation) => installation.id));
      expect(all.items[0]).toMatchObject({ account: { login: sim.installations()[0].account.login, type: 'Organization' }, app_id: sim.appId });

      const minted = await call(sim, `/app/installations/${sim.installations()[0].id}/access_tokens`, jwt, { method: 'POST' });
      expect(minted.status).toBe(201);
      const { token, expires_at } = minted.json<{ token: string; expires_at: string }>();
      expect(token).toMatch(/^ghs_/);
      expect(Date.parse(expires_at) - Date.now()).toBeGreaterThan(59 * 60_000);
      expect((await call(sim, '/app/installations/999/access_tokens', jwt, { method: 'POST' })).status).toBe(404);

      const org = sim.installations()[0].account.login;
      expect((await call(sim, `/orgs/${org}`, `token ${token}`)).status).toBe(200);
      sim.advanceClock(61 * 60_000);
      const expired = await call(sim, `/orgs/${org}`, `token ${token}`);
      expect(expired.status).toBe(401);
      expect(expired.json()).toMatchObject({ message: 'Bad credentials' });
    });

    it('works with @octokit/auth-app installation authentication against the simulator', async () => {
      const auth = createAppAuth({ appId: sim.appId, privateKey: sim.appPrivateKeyPem, request: request.defaults({ baseUrl: sim.apiUrl }) });
      const { token } = await auth({ type: 'installation', installationId: sim.installations()[1].id });
      const answer = await call(sim, '/installation/repositories', `token ${token}`);
      expect(answer.json()).toMatchObject({ total_count: 5 });
    });

    it('scopes an installation token to its organization, while a PAT sees every organization', async () => {
      const [own, other] = sim.installations();
      const token = `token ${await installationToken(sim, own.id)}`;
      expect((await call(sim, `/orgs/${own.account.login}/repos`, token)).status).toBe(200);
      expect((await call(sim, `/orgs/${other.account.login}/repos`, token)).status).toBe(404);
      const otherRepo = sim.state.organization(other.account.login)?.repos[0];
      expect((await call(sim, `/repos/${otherRepo?.fullName}`, token)).status).toBe(404);
      expect((await call(sim, `/repositories/${otherRepo?.id}`, token)).status).toBe(404);
      const installationRepos = await call(sim, '/installation/repositories?per_page=100', token);
      expect(field<string>(installationRepos.json<{ repositories: Item[] }>().repositories, 'full_name')).toEqual(sim.state.organization(own.account.login)?.repos.map((repo) => repo.fullName));
      expect((await call(sim, '/user', token)).status).toBe(403);

      const pat = `Bearer ${sim.createPersonalAccessToken()}`;
      expect((await call(sim, `/orgs/${other.account.login}/repos`, pat)).status).toBe(200);
      expect(field<string>((await call(sim, '/user/orgs', pat)).json<Item[]>(), 'login')).toEqual(sim.installations().map((installation) => installation.account.login));
      expect((await call(sim, '/user', pat)).json()).toMatchObject({ login: 'sim-admin', type: 'User' });
      expect((await call(sim, '/orgs/acme', undefined)).status).toBe(401);
      expect((await call(sim, '/orgs/acme', 'token ghp_unknown')).json()).toMatchObject({ message: 'Bad credentials' });
    });
  });

  describe('HTTP behaviour', () => {
    let sim: GithubSimulator;
    let pat: string;
    beforeEach(async () => {
      sim = await GithubSimulator.start({ seed: 5, reposPerOrg: 250, rateLimit: { limit: 10, windowSeconds: 60 } });
      pat = `token ${sim.createPersonalAccessToken()}`;
    });
    afterEach(() => sim.close());

    it('paginates with absolute Link headers that keep the other query parameters', async () => {
      const page2 = await call(sim, '/orgs/acme/repos?type=all&per_page=100&page=2', pat);
      const links = page2.headers.get('link') ?? '';
      for (const [rel, page] of [['prev', 1], ['next', 3], ['last', 3], ['first', 1]] as const) {
        expect(links).toContain(`<${sim.apiUrl}/orgs/acme/repos?type=all&per_page=100&page=${page}>; rel="${rel}"`);
      }
      const all = await collectAll(sim, '/orgs/acme/repos?per_page=100', pat);
      const expected = sim.state.organization('acme')?.repos.map((repo) => repo.fullName) ?? [];
      expect(all.pages).toBe(3);
      expect(expected).toHaveLength(251);
      expect(field<string>(all.items, 'full_name')).toEqual(expected);
      expect([...expected].sort()).toEqual(expected);
      expect((await call(sim, '/orgs/acme/repos?per_page=500', pat)).json<Item[]>()).toHaveLength(100);
      expect((await call(sim, '/orgs/acme/repos', pat)).json<Item[]>()).toHaveLength(30);
    });

    it('answers 304 to a matching If-None-Match without using the rate limit', async () => {
      const first = await call(sim, '/orgs/acme', pat);
      const etag = first.headers.get('etag') ?? '';
      expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
      expect(first.headers.get('x-ratelimit-remaining')).toBe('9');
      sim.resetStats();
      const second = await call(sim, '/orgs/acme', pat, { headers: { 'if-none-match': etag } });
      expect(second.status).toBe(304);
      expect(second.text).toBe('');
      expect(second.headers.get('x-ratelimit-remaining')).toBe('9');
      expect((await call(sim, '/orgs/acme', pat, { headers: { 'if-none-match': '"other"' } })).headers.get('x-ratelimit-remaining')).toBe('8');
      expect(sim.stats()).toMatchObject({ requests: 2, notModified: 1, byRoute: { 'GET /orgs/{org}': 2 } });
    });

    it('answers 403 with rate-limit headers once the limit is used up, and recovers after the reset', async () => {
      for (let i = 0; i < 10; i++) {
        const answer = await call(sim, '/orgs/acme', pat);
        expect(answer.headers.get('x-ratelimit-remaining')).toBe(String(9 - i));
        expect(answer.headers.get('x-ratelimit-used')).toBe(String(i + 1));
        expect(answer.headers.get('x-ratelimit-resource')).toBe('core');
      }
      const limited = await call(sim, '/orgs/acme', pat);
      expect(limited.status).toBe(403);
      expect(limited.json<{ message: string }>().message).toMatch(/^API rate limit exceeded for/);
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      const reset = Number(limited.headers.get('x-ratelimit-reset'));
      expect(reset * 1000).toBeGreaterThan(Date.now());
      const otherPat = `token ${sim.createPersonalAccessToken('someone-else')}`;
      expect((await call(sim, '/orgs/acme', otherPat)).status).toBe(200);
      sim.advanceClock(61_000);
      const recovered = await call(sim, '/orgs/acme', pat);
      expect(recovered.status).toBe(200);
      expect(recovered.headers.get('x-ratelimit-remaining')).toBe('9');
    });

    it('exhausts one token on demand and names the installation in the message', async () => {
      const token = await installationToken(sim, sim.installations()[0].id);
      sim.exhaustRateLimit(token);
      const limited = await call(sim, '/orgs/acme', `token ${token}`);
      expect(limited.status).toBe(403);
      expect(limited.json<{ message: string }>().message).toContain(`installation ID ${sim.installations()[0].id}`);
      expect((await call(sim, '/orgs/acme', pat)).status).toBe(200);
      sim.exhaustRateLimit();
      expect((await call(sim, '/orgs/acme', pat)).status).toBe(403);
      expect((await call(sim, '/orgs/acme', `token ${sim.createPersonalAccessToken('late-comer')}`)).status).toBe(403);
    });

    it('answers secondary rate limits with retry-after, then serves again', async () => {
      sim.secondaryRateLimit(2, 30);
      for (let i = 0; i < 2; i++) {
        const answer = await call(sim, '/orgs/acme', pat);
        expect(answer.status).toBe(403);
        expect(answer.headers.get('retry-after')).toBe('30');
        expect(answer.json<{ message: string }>().message).toContain('You have exceeded a secondary rate limit');
      }
      expect((await call(sim, '/orgs/acme', pat)).status).toBe(200);
    });

    it('injects 5xx faults on matching routes only', async () => {
      const repo = sim.state.organization('acme')?.repos[1].fullName;
      sim.injectFaults({ status: 502, count: 2, routePattern: /\/pulls/ });
      expect((await call(sim, `/repos/${repo}/pulls`, pat)).status).toBe(502);
      expect((await call(sim, `/repos/${repo}`, pat)).status).toBe(200);
      expect((await call(sim, `/repos/${repo}/pulls`, pat)).status).toBe(502);
      expect((await call(sim, `/repos/${repo}/pulls`, pat)).status).toBe(200);
      sim.injectFaults({ count: 1 });
      expect((await call(sim, '/orgs/acme', pat)).status).toBe(500);
    });

    it('serves only under /api/v3 and answers 404 for unknown things', async () => {
      expect((await call(sim, `${sim.url}/orgs/acme`, pat)).status).toBe(404);
      expect((await call(sim, '/orgs/nope', pat)).json()).toMatchObject({ message: 'Not Found' });
      expect((await call(sim, '/repos/acme/nope/pulls', pat)).status).toBe(404);
      expect((await call(sim, '/no/such/route', pat)).status).toBe(404);
    });
  });

  describe('generated data', () => {
    it('is the same for the same seed and differs for another seed', async () => {
      const dataAnchor = new Date('2026-01-15T00:00:00Z');
      const [a, b, c] = await Promise.all([
        GithubSimulator.start({ seed: 11, reposPerOrg: 8, dataAnchor }),
        GithubSimulator.start({ seed: 11, reposPerOrg: 8, dataAnchor }),
        GithubSimulator.start({ seed: 12, reposPerOrg: 8, dataAnchor }),
      ]);
      try {
        const snapshot = (sim: GithubSimulator): string =>
          JSON.stringify({ orgs: sim.state.organizations, data: sim.state.organizations[0].repos.map((repo) => ({ ...sim.state.repoData(repo), files: [...sim.state.repoData(repo).files] })) });
        expect(snapshot(a)).toEqual(snapshot(b));
        expect(snapshot(a)).not.toEqual(snapshot(c));
        const repo = a.state.organizations[0].repos[3].fullName;
        const [pa, pb] = await Promise.all([a, b].map(async (sim) => (await call(sim, `/repos/${repo}/pulls?state=all`, `token ${sim.createPersonalAccessToken()}`)).text.split(new URL(sim.url).host).join('')));
        expect(pa).toEqual(pb);
      } finally {
        await Promise.all([a.close(), b.close(), c.close()]);
      }
    });
  });

  describe('endpoints', () => {
    let sim: GithubSimulator;
    let pat: string;
    const anchor = new Date('2026-06-01T00:00:00Z');
    beforeAll(async () => {
      sim = await GithubSimulator.start({ seed: 42, organizations: 2, reposPerOrg: 30, pullRequestsPerRepo: 12, issuesPerRepo: 8, dataAnchor: anchor });
      pat = `token ${sim.createPersonalAccessToken()}`;
    });
    afterAll(() => sim.close());

    const get = async <T = Item>(path: string): Promise<T> => {
      const answer = await call(sim, path, pat);
      expect(answer.status).toBe(200);
      return answer.json<T>();
    };
    const repos = () => sim.state.organizations[0].repos.filter((repo) => repo.name !== '.github-private');

    it('serves organizations, users, teams and members', async () => {
      expect(await get('/users/acme')).toMatchObject({ login: 'acme', type: 'Organization' });
      const org = await get('/orgs/acme');
      expect(org).toMatchObject({ login: 'acme', type: 'Organization', repos_url: `${sim.apiUrl}/orgs/acme/repos`, html_url: `${sim.url}/acme` });
      const members = await get<Item[]>('/orgs/acme/members');
      expect(members.length).toBeGreaterThan(3);
      expect(await get(`/users/${members[1].login}`)).toMatchObject({ login: members[1].login, type: 'User' });
      const teams = await get<Item[]>('/orgs/acme/teams');
      expect(teams).toHaveLength(3);
      const teamMembers = await get<Item[]>(`/orgs/acme/teams/${teams[0].slug}/members`);
      expect(field<string>(teamMembers, 'login')).toEqual(sim.state.organization('acme')?.teams[0].memberLogins);
      expect((await call(sim, '/orgs/acme/teams/nope/members', pat)).status).toBe(404);
    });

    it('filters organization repositories by type and serves one repository by name and by id', async () => {
      const publicRepos = await get<Item[]>('/orgs/acme/repos?type=public&per_page=100');
      expect(publicRepos.length).toBeGreaterThan(0);
      expect(publicRepos.every((repo) => repo.private === false)).toBe(true);
      const privateRepos = await get<Item[]>('/orgs/acme/repos?type=private&per_page=100');
      expect(publicRepos.length + privateRepos.length).toBe(31);
      const forks = await get<Item[]>('/orgs/acme/repos?type=forks&per_page=100');
      expect(forks.every((repo) => repo.fork === true)).toBe(true);
      expect(forks.length + (await get<Item[]>('/orgs/acme/repos?type=sources&per_page=100')).length).toBe(31);
      const updated = field<string>(await get<Item[]>('/orgs/acme/repos?sort=updated&direction=desc&per_page=100'), 'updated_at');
      expect(updated).toEqual([...updated].sort().reverse());

      const record = repos()[0];
      const repo = await get(`/repos/${record.fullName}`);
      expect(repo).toMatchObject({ id: record.id, full_name: record.fullName, owner: { login: 'acme', type: 'Organization' }, url: `${sim.apiUrl}/repos/${record.fullName}`, html_url: `${sim.url}/${record.fullName}`, default_branch: 'main' });
      expect(await get(`/repositories/${record.id}`)).toMatchObject({ id: record.id, full_name: record.fullName });
      expect(await get(`/repos/${record.fullName}/properties/values`)).toEqual(Object.entries(record.customProperties).map(([property_name, value]) => ({ property_name, value })));
      expect(field<string>(await get<Item[]>(`/repos/${record.fullName}/teams`), 'slug')).toEqual(record.teams.map((team) => team.slug));
    });

    it('filters collaborators by affiliation', async () => {
      const repo = repos().find((candidate) => candidate.collaborators.some((collaborator) => collaborator.affiliation === 'outside'));
      expect(repo).toBeDefined();
      const all = await get<Item[]>(`/repos/${repo?.fullName}/collaborators`);
      const outside = await get<Item[]>(`/repos/${repo?.fullName}/collaborators?affiliation=outside`);
      expect(all.length).toBe(repo?.collaborators.length);
      expect(field<string>(outside, 'login')).toEqual(repo?.collaborators.filter((c) => c.affiliation === 'outside').map((c) => c.login));
      expect(outside[0]).toMatchObject({ permissions: { pull: true, admin: false } });
    });

    it('lists pull requests by state, sorted, and serves one', async () => {
      const repo = repos()[2];
      const all = await get<Item[]>(`/repos/${repo.fullName}/pulls?state=all&per_page=100`);
      const open = await get<Item[]>(`/repos/${repo.fullName}/pulls`);
      const closed = await get<Item[]>(`/repos/${repo.fullName}/pulls?state=closed&sort=updated&direction=desc`);
      expect(all).toHaveLength(12);
      expect(open.every((pull) => pull.state === 'open')).toBe(true);
      expect(closed.every((pull) => pull.state === 'closed')).toBe(true);
      expect(open.length + closed.length).toBe(12);
      expect(field<string>(closed, 'updated_at')).toEqual(field<string>(closed, 'updated_at').sort().reverse());
      expect(field<string>(all, 'created_at')).toEqual(field<string>(all, 'created_at').sort().reverse());
      const asc = await get<Item[]>(`/repos/${repo.fullName}/pulls?state=all&sort=updated&per_page=100`);
      expect(field<string>(asc, 'updated_at')).toEqual(field<string>(asc, 'updated_at').sort());

      const pull = await get(`/repos/${repo.fullName}/pulls/${all[0].number}`);
      expect(pull).toMatchObject({ number: all[0].number, head: { repo: { full_name: repo.fullName } }, base: { ref: 'main' }, html_url: `${sim.url}/${repo.fullName}/pull/${all[0].number}` });
      expect((await call(sim, `/repos/${repo.fullName}/pulls/9999`, pat)).status).toBe(404);

      const everyClosed = repos().flatMap((candidate) => sim.state.repoData(candidate).pulls.filter((p) => p.state === 'closed'));
      const sixtyDaysAgo = new Date(anchor.getTime() - 60 * 86_400_000).toISOString();
      expect(everyClosed.some((p) => p.updatedAt < sixtyDaysAgo)).toBe(true);
      expect(everyClosed.some((p) => p.merged)).toBe(true);
      expect(everyClosed.some((p) => !p.merged)).toBe(true);
    });

    it('lists issues with pull requests among them, filtered by state, labels and since', async () => {
      const repo = repos()[4];
      const all = await get<Item[]>(`/repos/${repo.fullName}/issues?state=all&per_page=100`);
      expect(all).toHaveLength(20);
      expect(all.filter((issue) => issue.pull_request !== undefined)).toHaveLength(12);
      expect((await get<Item[]>(`/repos/${repo.fullName}/issues`)).every((issue) => issue.state === 'open')).toBe(true);

      const labelled = repos().find((candidate) => sim.state.repoData(candidate).issues.some((issue) => issue.labels.some((label) => label.name === 'bug')));
      const bugs = await get<Item[]>(`/repos/${labelled?.fullName}/issues?state=all&labels=bug&per_page=100`);
      expect(bugs.length).toBeGreaterThan(0);
      expect(bugs.every((issue) => (issue.labels as Item[]).some((label) => label.name === 'bug'))).toBe(true);

      const since = new Date(anchor.getTime() - 30 * 86_400_000).toISOString();
      const recent = await get<Item[]>(`/repos/${repo.fullName}/issues?state=all&since=${since}&per_page=100`);
      expect(recent.length).toBeLessThan(all.length);
      expect(recent.every((issue) => String(issue.updated_at) >= since.replace('.000', ''))).toBe(true);

      const pullNumber = sim.state.repoData(repo).pulls[0].number;
      expect(await get(`/repos/${repo.fullName}/issues/${pullNumber}`)).toMatchObject({ number: pullNumber, pull_request: { url: `${sim.apiUrl}/repos/${repo.fullName}/pulls/${pullNumber}` } });
      const issueNumber = sim.state.repoData(repo).issues[0].number;
      expect(await get(`/repos/${repo.fullName}/issues/${issueNumber}`)).not.toHaveProperty('pull_request');
    });

    it('serves releases, tags, tag refs, branches and branch protection', async () => {
      const repo = repos().find((candidate) => sim.state.repoData(candidate).releases.length > 0 && sim.state.repoData(candidate).branches.some((branch) => branch.name.includes('/')));
      expect(repo).toBeDefined();
      const name = repo?.fullName ?? '';
      const data = sim.state.repoData(repo ?? repos()[0]);
      const releases = await get<Item[]>(`/repos/${name}/releases`);
      expect(field<number>(releases, 'id')).toEqual(data.releases.map((release) => release.id));
      expect(await get(`/repos/${name}/releases/${releases[0].id}`)).toMatchObject({ id: releases[0].id, tag_name: data.releases[0].tagName, author: { type: 'User' } });
      const tags = await get<Item[]>(`/repos/${name}/tags`);
      expect(field<string>(tags, 'name')).toEqual(data.tags.map((tag) => tag.name));
      expect(await get(`/repos/${name}/git/refs/tags/${data.tags[0].name}`)).toMatchObject({ ref: `refs/tags/${data.tags[0].name}`, object: { sha: data.tags[0].sha, type: 'commit' } });

      const branches = await get<Item[]>(`/repos/${name}/branches`);
      expect(field<string>(branches, 'name')).toEqual(data.branches.map((branch) => branch.name));
      const slashed = data.branches.find((branch) => branch.name.includes('/'));
      expect(await get(`/repos/${name}/branches/${encodeURIComponent(slashed?.name ?? '')}`)).toMatchObject({ name: slashed?.name, commit: { sha: slashed?.sha } });

      const everyBranch = repos().flatMap((candidate) => sim.state.repoData(candidate).branches.map((branch) => ({ repo: candidate, branch })));
      const guarded = everyBranch.find((entry) => entry.branch.protection !== null);
      const open = everyBranch.find((entry) => entry.branch.protection === null);
      const protection = await get(`/repos/${guarded?.repo.fullName}/branches/${encodeURIComponent(guarded?.branch.name ?? '')}/protection`);
      expect(protection).toMatchObject({ required_pull_request_reviews: { required_approving_review_count: guarded?.branch.protection?.requiredApprovingReviewCount } });
      const notProtected = await call(sim, `/repos/${open?.repo.fullName}/branches/${encodeURIComponent(open?.branch.name ?? '')}/protection`, pat);
      expect(notProtected.status).toBe(404);
      expect(notProtected.json()).toMatchObject({ message: 'Branch not protected' });
    });

    it('serves workflows (by id or file name) and filters their runs by status and creation date', async () => {
      const repo = repos()[1];
      const data = sim.state.repoData(repo);
      const workflows = await get<{ total_count: number; workflows: Item[] }>(`/repos/${repo.fullName}/actions/workflows`);
      expect(workflows.total_count).toBe(data.workflows.length);
      expect(workflows.workflows[0]).toMatchObject({ name: 'CI', path: '.github/workflows/ci.yml', state: 'active' });
      expect(await get(`/repos/${repo.fullName}/actions/workflows/ci.yml`)).toMatchObject({ id: workflows.workflows[0].id });

      const id = workflows.workflows[0].id;
      const runs = await get<{ total_count: number; workflow_runs: Item[] }>(`/repos/${repo.fullName}/actions/workflows/${id}/runs`);
      expect(runs.total_count).toBe(data.runs.filter((run) => run.workflowId === id).length);
      expect(runs.workflow_runs.every((run) => run.workflow_id === id)).toBe(true);

      const allRuns = repos().flatMap((candidate) => sim.state.repoData(candidate).runs.map((run) => ({ repo: candidate, run })));
      const failed = allRuns.find((entry) => entry.run.conclusion === 'failure');
      const byConclusion = await get<{ workflow_runs: Item[] }>(`/repos/${failed?.repo.fullName}/actions/workflows/${failed?.run.workflowId}/runs?status=failure`);
      expect(byConclusion.workflow_runs.length).toBeGreaterThan(0);
      expect(byConclusion.workflow_runs.every((run) => run.conclusion === 'failure')).toBe(true);
      const completed = await get<{ workflow_runs: Item[] }>(`/repos/${failed?.repo.fullName}/actions/workflows/${failed?.run.workflowId}/runs?status=completed`);
      expect(completed.workflow_runs.every((run) => run.status === 'completed')).toBe(true);

      const cutoff = new Date(anchor.getTime() - 15 * 86_400_000).toISOString().slice(0, 10);
      const recent = await get<{ total_count: number; workflow_runs: Item[] }>(`/repos/${repo.fullName}/actions/runs?created=>=${cutoff}`);
      expect(recent.workflow_runs.every((run) => String(run.created_at) >= cutoff)).toBe(true);
      expect(recent.total_count).toBe(data.runs.filter((run) => run.createdAt >= cutoff).length);

      const run = await get(`/repos/${repo.fullName}/actions/runs/${data.runs[0].id}`);
      expect(run).toMatchObject({ id: data.runs[0].id, repository: { full_name: repo.fullName }, html_url: `${sim.url}/${repo.fullName}/actions/runs/${data.runs[0].id}` });
    });

    it('serves environments, deployments filtered by environment and task, and their statuses', async () => {
      const repo = repos().find((candidate) => sim.state.repoData(candidate).environments.length === 2);
      expect(repo).toBeDefined();
      const name = repo?.fullName ?? '';
      const data = sim.state.repoData(repo ?? repos()[0]);
      const envs = await get<{ total_count: number; environments: Item[] }>(`/repos/${name}/environments`);
      expect(field<string>(envs.environments, 'name')).toEqual(['production', 'staging']);
      const production = await get<Item[]>(`/repos/${name}/deployments?environment=production`);
      expect(production.length).toBe(data.deployments.filter((deployment) => deployment.environment === 'production').length);
      expect(production.every((deployment) => deployment.environment === 'production')).toBe(true);
      const migrations = await get<Item[]>(`/repos/${name}/deployments?task=deploy:migrations`);
      expect(migrations.every((deployment) => deployment.task === 'deploy:migrations')).toBe(true);
      const statuses = await get<Item[]>(`/repos/${name}/deployments/${data.deployments[0].id}/statuses`);
      expect(field<string>(statuses, 'state')).toEqual(data.deployments[0].statuses.map((status) => status.state).reverse());
    });

    it('filters dependabot, code scanning and secret scanning alerts', async () => {
      const all = repos().map((repo) => ({ repo, data: sim.state.repoData(repo) }));
      const dependabot = all.find(({ data }) => new Set(data.dependabotAlerts.map((alert) => alert.state)).size > 1);
      const openAlerts = await get<Item[]>(`/repos/${dependabot?.repo.fullName}/dependabot/alerts?state=open`);
      expect(openAlerts.length).toBe(dependabot?.data.dependabotAlerts.filter((alert) => alert.state === 'open').length);
      const severity = dependabot?.data.dependabotAlerts[0].severity ?? 'low';
      const ecosystem = dependabot?.data.dependabotAlerts[0].ecosystem ?? 'npm';
      const filtered = await get<Item[]>(`/repos/${dependabot?.repo.fullName}/dependabot/alerts?severity=${severity},critical&ecosystem=${ecosystem}`);
      expect(filtered.length).toBeGreaterThan(0);
      expect(filtered.every((alert) => [severity, 'critical'].includes((alert.security_advisory as Item).severity as string) && (alert.dependency as { package: Item }).package.ecosystem === ecosystem)).toBe(true);

      const codeScanning = all.find(({ data }) => data.codeScanningAlerts.some((alert) => alert.state !== 'open'));
      const fixedOrDismissed = await get<Item[]>(`/repos/${codeScanning?.repo.fullName}/code-scanning/alerts?state=closed`);
      expect(fixedOrDismissed.length).toBeGreaterThan(0);
      expect(fixedOrDismissed.every((alert) => alert.state !== 'open')).toBe(true);
      const bySeverity = await get<Item[]>(`/repos/${codeScanning?.repo.fullName}/code-scanning/alerts?severity=${codeScanning?.data.codeScanningAlerts[0].securitySeverity}`);
      expect(bySeverity.every((alert) => (alert.rule as Item).security_severity_level === codeScanning?.data.codeScanningAlerts[0].securitySeverity)).toBe(true);

      const secrets = all.find(({ data }) => data.secretScanningAlerts.some((alert) => alert.state === 'resolved'));
      const resolved = await get<Item[]>(`/repos/${secrets?.repo.fullName}/secret-scanning/alerts?state=resolved&hide_secret=true`);
      expect(resolved.length).toBeGreaterThan(0);
      expect(resolved.every((alert) => alert.state === 'resolved' && !('secret' in alert))).toBe(true);
      expect((await get<Item[]>(`/repos/${secrets?.repo.fullName}/secret-scanning/alerts`))[0]).toHaveProperty('secret');
    });

    it('serves file contents, directory listings and git trees, including the org-level port-app-config.yml', async () => {
      const repo = repos().find((candidate) => sim.state.repoData(candidate).files.has('.github/port.yml'));
      const name = repo?.fullName ?? '';
      const file = await get<{ content: string; encoding: string; type: string; sha: string }>(`/repos/${name}/contents/.github/port.yml?ref=main`);
      expect(file).toMatchObject({ type: 'file', encoding: 'base64' });
      expect(Buffer.from(file.content, 'base64').toString('utf8')).toBe(sim.state.repoData(repo ?? repos()[0]).files.get('.github/port.yml'));
      expect((await call(sim, `/repos/${name}/contents/missing.txt`, pat)).status).toBe(404);
      expect((await call(sim, `/repos/${name}/contents/README.md?ref=no-such-branch`, pat)).status).toBe(404);
      const dir = await get<Item[]>(`/repos/${name}/contents/.github`);
      expect(dir.map((entry) => `${entry.type}:${entry.path}`)).toEqual(expect.arrayContaining(['dir:.github/workflows', 'file:.github/port.yml']));

      const tree = await get<{ tree: Item[]; truncated: boolean }>(`/repos/${name}/git/trees/main?recursive=1`);
      expect(tree.truncated).toBe(false);
      expect(field<string>(tree.tree, 'path')).toEqual(expect.arrayContaining(['README.md', '.github', '.github/workflows/ci.yml']));
      expect(tree.tree.find((entry) => entry.path === 'README.md')).toMatchObject({ type: 'blob', sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
      const shallow = await get<{ tree: Item[] }>(`/repos/${name}/git/trees/main`);
      expect(field<string>(shallow.tree, 'path').some((path) => path.includes('/'))).toBe(false);

      for (const org of sim.state.organizations) {
        const config = await get<{ content: string }>(`/repos/${org.login}/.github-private/contents/.github/port-app-config.yml`);
        const parsed = parse(Buffer.from(config.content, 'base64').toString('utf8')) as { resources: Array<{ kind: string }> };
        expect(parsed.resources.map((resource) => resource.kind)).toContain('repository');
      }
    });
  });
});
