import { installationHourlyLimit } from './rate-limit';
import { GithubSimulator } from './simulator';
import { Answer, appJwt, call } from './test-helpers.spec-helper';

async function installationToken(sim: GithubSimulator): Promise<string> {
  const answer = await call(sim, `/app/installations/${sim.installations()[0].id}/access_tokens`, await appJwt(sim), { method: 'POST' });
  return `token ${answer.json<{ token: string }>().token}`;
}

/** 900 points of one installation: 170 check runs created (5 points each) and 50 reads (1 point each). */
async function spend900Points(sim: GithubSimulator, token: string): Promise<Answer[]> {
  const repo = sim.state.organization('acme')?.repos[0].fullName ?? '';
  const answers: Answer[] = [];
  for (let i = 0; i < 170; i++) {
    answers.push(await call(sim, `/repos/${repo}/check-runs`, token, { method: 'POST', body: { name: `check ${i}`, head_sha: 'a'.repeat(40) } }));
  }
  for (let i = 0; i < 50; i++) answers.push(await call(sim, '/orgs/acme', token));
  return answers;
}

describe('GithubSimulator limits', () => {
  describe("github.com mode: GitHub.com's primary and secondary limits", () => {
    let sim: GithubSimulator;
    beforeEach(async () => {
      sim = await GithubSimulator.start({ seed: 3, reposPerOrg: 40, limits: 'github.com' });
    });
    afterEach(() => sim.close());

    it("gives an installation's tokens the limit its repositories and members earn, and a PAT 5,000 an hour", async () => {
      const org = sim.state.organization('acme');
      const expected = installationHourlyLimit(org?.repos.length ?? 0, org?.memberLogins.length ?? 0);
      expect(expected).toBeGreaterThan(5_000);
      expect(sim.installationRateLimit(sim.installations()[0].id)).toBe(expected);
      expect((await call(sim, '/orgs/acme', await installationToken(sim))).headers.get('x-ratelimit-limit')).toBe(String(expected));
      expect((await call(sim, '/orgs/acme', `token ${sim.createPersonalAccessToken()}`)).headers.get('x-ratelimit-limit')).toBe('5000');
    });

    it('answers 403 with retry-after to the 901st point spent in a minute, and serves again once the minute frees it', async () => {
      const token = await installationToken(sim);
      sim.resetStats();
      const answers = await spend900Points(sim, token);
      expect(answers.filter((answer) => answer.status >= 400).map((answer) => answer.status)).toEqual([]);

      const refused = await call(sim, '/orgs/acme', token);
      expect(refused.status).toBe(403);
      expect(refused.json<{ message: string }>().message).toContain('You have exceeded a secondary rate limit');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(sim.stats()).toMatchObject({ points: 900, refusedSecondary: 1, refusedPrimary: 0 });
      expect((await call(sim, '/orgs/acme', `token ${sim.createPersonalAccessToken()}`)).status).toBe(200);

      sim.advanceClock(retryAfter * 1000);
      expect((await call(sim, '/orgs/acme', token)).status).toBe(200);
    });

    it('counts 304 answers neither against the primary limit nor as points', async () => {
      const token = await installationToken(sim);
      const first = await call(sim, '/orgs/acme', token);
      sim.resetStats();
      const again = await fetch(`${sim.apiUrl}/orgs/acme`, { headers: { authorization: token, 'if-none-match': first.headers.get('etag') ?? '' } });
      expect(again.status).toBe(304);
      expect(again.headers.get('x-ratelimit-remaining')).toBe(first.headers.get('x-ratelimit-remaining'));
      expect(sim.stats()).toMatchObject({ notModified: 1, points: 0 });
    });

    it('counts requests refused by the primary limit apart from secondary refusals', async () => {
      const pat = `token ${sim.createPersonalAccessToken()}`;
      sim.exhaustRateLimit();
      expect((await call(sim, '/orgs/acme', pat)).status).toBe(403);
      sim.secondaryRateLimit(1, 30);
      expect((await call(sim, '/orgs/acme', pat)).headers.get('retry-after')).toBe('30');
      expect(sim.stats()).toMatchObject({ refusedPrimary: 1, refusedSecondary: 1, points: 0 });
    });
  });

  describe('github.com mode with latency', () => {
    let sim: GithubSimulator;
    beforeEach(async () => {
      sim = await GithubSimulator.start({ seed: 3, reposPerOrg: 2, limits: 'github.com', latencyMs: 1_000 });
    });
    afterEach(() => sim.close());

    it('refuses a request arriving while 100 of the same token are in flight', async () => {
      const pat = `token ${sim.createPersonalAccessToken()}`;
      const answers = await Promise.all(Array.from({ length: 101 }, () => call(sim, '/orgs/acme', pat)));
      const refused = answers.filter((answer) => answer.status === 403);
      expect(refused).toHaveLength(1);
      expect(refused[0].headers.get('retry-after')).toBe('1');
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(100);
      expect(sim.stats()).toMatchObject({ refusedSecondary: 1, points: 100 });
    });

    it('runs /_simulator mutations at once, without the API latency', async () => {
      const started = performance.now();
      const answer = await call(sim, `${sim.url}/_simulator/mutations/openIssue`, undefined, { method: 'POST', body: { args: ['acme', sim.state.organization('acme')?.repos[0].name, { title: 'Hi' }] } });
      expect(answer.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(500);
    });
  });

  describe('ghes mode: rate limits off', () => {
    let sim: GithubSimulator;
    beforeEach(async () => {
      sim = await GithubSimulator.start({ seed: 3, reposPerOrg: 2, limits: 'ghes' });
    });
    afterEach(() => sim.close());

    it('serves the 901st point of a minute, without x-ratelimit headers', async () => {
      const token = await installationToken(sim);
      sim.resetStats();
      const answers = [...(await spend900Points(sim, token)), await call(sim, '/orgs/acme', token)];
      expect(answers.filter((answer) => answer.status >= 400)).toEqual([]);
      expect(answers.filter((answer) => answer.headers.has('x-ratelimit-limit'))).toEqual([]);
      expect(sim.stats()).toMatchObject({ points: 901, refusedPrimary: 0, refusedSecondary: 0 });
    });

    it('answers GET /rate_limit 404 as GitHub Enterprise Server does with rate limiting off', async () => {
      const answer = await call(sim, '/rate_limit', `token ${sim.createPersonalAccessToken()}`);
      expect(answer.status).toBe(404);
      expect(answer.json()).toMatchObject({ message: 'Rate limiting is not enabled.' });
      expect(sim.installationRateLimit(sim.installations()[0].id)).toBeUndefined();
      expect(() => sim.exhaustRateLimit()).toThrow(/rate limits are off/);
    });
  });
});
