import { Secret } from '@glint/config';
import type { EtagRedis } from './etag-cache';
import { GithubApiError, GithubAuthenticationError, GithubPermissionError } from './errors';
import { deferred, FakeGithub, FakeResponse, FakeTime, pagedList, rateLimitHeaders, tokenAccess } from './fake-github.spec-helper';
import { createGithubAccess, type GithubAccessDependencies } from './github-access';
import { staticAuthorizer } from './app-auth';
import { RateLimitBudget, type RequestPurpose } from './rate-limit-budget';
import type { RequestLimiter, RequestPermit } from './request-limiter';
import { emptyStats, RestClient } from './rest-client';

class MemoryRedis implements EtagRedis {
  readonly entries = new Map<string, { value: Buffer; ttl: number }>();
  async getBuffer(key: string): Promise<Buffer | null> {
    return this.entries.get(key)?.value ?? null;
  }
  async set(key: string, value: Buffer, _mode: 'EX', seconds: number): Promise<'OK'> {
    this.entries.set(key, { value, ttl: seconds });
    return 'OK';
  }
}

describe('GitHub REST client (token mode)', () => {
  let github: FakeGithub;
  let time: FakeTime;

  beforeEach(async () => {
    github = new FakeGithub();
    time = new FakeTime();
    await github.start();
  });

  afterEach(() => github.close());

  function access(dependencies: GithubAccessDependencies = {}) {
    return tokenAccess(github, time, dependencies);
  }

  it('sends the token, the media type, the API version and the user agent; fills the route template', async () => {
    github.on('GET', '/repos/([^/]+)/([^/]+)', (_request, match) => ({ body: { full_name: `${match[1]}/${match[2]}` } }));
    const sut = access().clientFor(1);

    const repo = await sut.request<{ full_name: string }>('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api', ref: 'main' });

    expect(repo.full_name).toBe('acme/api');
    const [sent] = github.requests;
    expect(sent.query.get('ref')).toBe('main');
    expect(sent.headers).toMatchObject({
      authorization: 'token ghp_test',
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'glint-github-app',
    });
  });

  it('sends the remaining parameters as a JSON body on writes', async () => {
    github.on('POST', '/repos/acme/api/actions/workflows/ci.yml/dispatches', () => ({ status: 204 }));
    const sut = access().clientFor(1);

    await sut.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', { owner: 'acme', repo: 'api', workflow_id: 'ci.yml', ref: 'main' }, { purpose: 'action' });

    expect(github.requests[0].body).toEqual({ ref: 'main' });
  });

  it('waits for the reset after a primary rate limit and resumes without an error', async () => {
    let calls = 0;
    github.on('GET', '/repos/acme/api', () => {
      calls += 1;
      return calls === 1
        ? { status: 403, headers: rateLimitHeaders(5000, 0, time.seconds(120_000)), body: { message: 'API rate limit exceeded for installation ID 1.' } }
        : { headers: rateLimitHeaders(5000, 4999, time.seconds(3_600_000)), body: { id: 1 } };
    });
    const sut = access();

    await expect(sut.clientFor(1).request('GET /repos/acme/api')).resolves.toEqual({ id: 1 });

    expect(calls).toBe(2);
    expect(time.sleeps).toHaveLength(1);
    expect(time.sleeps[0]).toBeGreaterThanOrEqual(120_000);
    expect(time.sleeps[0]).toBeLessThanOrEqual(122_000);
  });

  it('treats 429 with no requests left as the primary limit too', async () => {
    let calls = 0;
    github.on('GET', '/user', () => {
      calls += 1;
      return calls === 1 ? { status: 429, headers: rateLimitHeaders(60, 0, time.seconds(30_000)) } : { body: { login: 'me' } };
    });

    await expect(access().clientFor(1).request('GET /user')).resolves.toEqual({ login: 'me' });
    expect(time.sleeps[0]).toBeGreaterThanOrEqual(30_000);
  });

  it.each([
    ['seconds', () => '30', 30_000],
    ['an HTTP date', () => new Date(time.clock.now() + 10_000).toUTCString(), 10_000],
  ])('retries after a secondary rate limit with retry-after in %s', async (_kind, retryAfter, expectedWait) => {
    let calls = 0;
    github.on('GET', '/orgs/acme/repos', () => {
      calls += 1;
      return calls === 1
        ? { status: 403, headers: { 'retry-after': retryAfter() }, body: { message: 'You have exceeded a secondary rate limit.' } }
        : { body: [{ id: 1 }] };
    });

    await expect(access().clientFor(1).request('GET /orgs/acme/repos')).resolves.toEqual([{ id: 1 }]);
    expect(time.sleeps).toEqual([expectedWait]);
  });

  it('holds a resync request back at the reservation threshold while a live request still goes through', async () => {
    const resetSeconds = time.seconds(600_000);
    github.on('GET', '/repos/acme/([^/]+)', () => ({ headers: rateLimitHeaders(100, 4, resetSeconds), body: { ok: true } }));
    const wakeUp = deferred();
    const sleeps: number[] = [];
    const sut = access({
      reservationThresholdPercent: 95,
      sleep: async (ms) => {
        sleeps.push(ms);
        await wakeUp.promise;
        time.advance(ms);
      },
    }).clientFor(1);
    await sut.request('GET /repos/acme/first', {}, { purpose: 'live' }); // learns: 96 of 100 used

    const resync = sut.request('GET /repos/acme/resync', {}, { purpose: 'resync' });
    await sut.request('GET /repos/acme/live', {}, { purpose: 'live' });
    await sut.request('GET /repos/acme/action', {}, { purpose: 'action' });

    expect(github.requests.map((request) => request.path)).toEqual(['/repos/acme/first', '/repos/acme/live', '/repos/acme/action']);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(600_000);
    wakeUp.resolve();
    await expect(resync).resolves.toEqual({ ok: true });
    expect(github.requests.map((request) => request.path)).toContain('/repos/acme/resync');
  });

  it('lets any purpose wait for the reset when at most one request is left', async () => {
    let remaining = 2;
    github.on('GET', '/repos/acme/api', () => {
      remaining -= 1;
      return { headers: rateLimitHeaders(5000, remaining, time.seconds(60_000)), body: {} };
    });
    const sut = access().clientFor(1);
    await sut.request('GET /repos/acme/api', {}, { purpose: 'live' }); // remaining 1

    await sut.request('GET /repos/acme/api', {}, { purpose: 'action' });

    expect(time.sleeps).toHaveLength(1);
    expect(time.sleeps[0]).toBeGreaterThanOrEqual(60_000);
  });

  it('recovers from a burst of 5xx answers with exponential backoff', async () => {
    let calls = 0;
    github.on('GET', '/repos/acme/api', () => {
      calls += 1;
      return calls <= 3 ? { status: [502, 503, 500][calls - 1], body: { message: 'Server Error' } } : { body: { id: 1 } };
    });
    const sut = access();

    await expect(sut.clientFor(1).request('GET /repos/acme/api')).resolves.toEqual({ id: 1 });

    expect(time.sleeps).toHaveLength(3);
    expect(time.sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(time.sleeps[1]).toBeGreaterThanOrEqual(1_000);
    expect(time.sleeps[2]).toBeGreaterThanOrEqual(2_000);
    expect(sut.stats().serverRetries).toBe(3);
  });

  it('sends a request that must not repeat once, reporting a 5xx at once', async () => {
    github.on('POST', '/repos/acme/api/actions/workflows/ci.yml/dispatches', () => ({ status: 502, body: { message: 'Bad Gateway' } }));

    const failure = access()
      .clientFor(1)
      .request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', { owner: 'acme', repo: 'api', workflow_id: 'ci.yml', ref: 'main' }, { retryServerErrors: false });

    await expect(failure).rejects.toMatchObject({ status: 502 });
    expect(github.requests).toHaveLength(1);
  });

  it('counts a request left unanswered for requestTimeoutMs as unanswered, like a network error', async () => {
    const never = deferred<FakeResponse>();
    github.on('POST', '/repos/acme/api/actions/workflows/ci.yml/dispatches', () => never.promise);

    const failure = access({ requestTimeoutMs: 200 })
      .clientFor(1)
      .request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', { owner: 'acme', repo: 'api', workflow_id: 'ci.yml', ref: 'main' }, { retryServerErrors: false });

    await expect(failure).rejects.toMatchObject({ status: 0, message: expect.stringContaining('timeout') });
    expect(github.requests).toHaveLength(1);
  });

  it('gives up after five attempts with a GithubApiError carrying status and route', async () => {
    github.on('GET', '/repos/acme/api', () => ({ status: 504, body: { message: 'Gateway Timeout' } }));

    const failure = access().clientFor(1).request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' });

    await expect(failure).rejects.toBeInstanceOf(GithubApiError);
    await expect(failure).rejects.toMatchObject({ status: 504, route: 'GET /repos/acme/api' });
    expect(github.requests).toHaveLength(5);
  });

  it('retries network errors', async () => {
    let calls = 0;
    const flakyFetch: typeof fetch = async (input, init) => {
      calls += 1;
      if (calls === 1) throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
      return fetch(input, init);
    };
    github.on('GET', '/user', () => ({ body: { login: 'me' } }));

    await expect(access({ fetch: flakyFetch }).clientFor(1).request('GET /user')).resolves.toEqual({ login: 'me' });
    expect(calls).toBe(2);
  });

  it('follows Link rel="next" page by page and stops there', async () => {
    github.on('GET', '/orgs/acme/repos', (request) => pagedList(() => github.apiUrl, '/orgs/acme/repos', 7, request));
    const pages: number[][] = [];

    for await (const page of access().clientFor(1).paginate<{ id: number }>('GET /orgs/{org}/repos', { org: 'acme', type: 'all' }, { perPage: 3 })) {
      pages.push(page.map((item) => item.id));
    }

    expect(pages).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(github.requests.map((request) => request.query.get('type'))).toEqual(['all', 'all', 'all']);
  });

  it('reads items under itemsKey and honours maxPages', async () => {
    github.on('GET', '/repos/acme/api/actions/workflows', (request) => {
      const page = pagedList(() => github.apiUrl, '/repos/acme/api/actions/workflows', 10, request);
      return { ...page, body: { total_count: 10, workflows: page.body } };
    });
    const pages: unknown[][] = [];

    for await (const page of access().clientFor(1).paginate('GET /repos/acme/api/actions/workflows', {}, { perPage: 4, itemsKey: 'workflows', maxPages: 2 })) {
      pages.push(page);
    }

    expect(pages.map((page) => page.length)).toEqual([4, 4]);
    expect(github.requests).toHaveLength(2);
  });

  it('halves per_page for a page that keeps failing with 5xx and skips nothing', async () => {
    // Pages of 100 beyond the first time out, as heavy pages do on large organisations.
    github.on('GET', '/orgs/acme/repos', (request) =>
      Number(request.query.get('per_page')) >= 100 && Number(request.query.get('page') ?? 1) >= 2
        ? { status: 502, body: { message: 'Server Error' } }
        : pagedList(() => github.apiUrl, '/orgs/acme/repos', 230, request),
    );
    const sut = access();
    const ids: number[] = [];

    for await (const page of sut.clientFor(1).paginate<{ id: number }>('GET /orgs/{org}/repos', { org: 'acme' })) ids.push(...page.map((item) => item.id));

    expect(ids).toEqual(Array.from({ length: 230 }, (_, index) => index + 1));
    expect(github.requests.map((request) => `${request.query.get('page') ?? 1}@${request.query.get('per_page')}`)).toEqual(['1@100', '2@100', '3@50', '4@50', '5@50']);
    expect(sut.stats().pageShrinks).toBe(1);
  });

  it('does not shrink below 25 items a page', async () => {
    github.on('GET', '/orgs/acme/teams', () => ({ status: 500 }));

    const pages = access().clientFor(1).paginate('GET /orgs/acme/teams', {}, { perPage: 50 });

    await expect(consume(pages)).rejects.toMatchObject({ status: 500 });
    expect(github.requests.map((request) => Number(request.query.get('per_page')))).toEqual([50, 25, 25, 25, 25]);
  });

  it.each([
    ['GET /repos/{owner}/{repo}/dependabot/alerts', 403, '/repos/acme/api/dependabot/alerts', "GET /repos/acme/api/dependabot/alerts answered 403: the token probably lacks access to 'Dependabot alerts: read'", 'Dependabot alerts: read'],
    ['GET /repos/{owner}/{repo}/pulls', 404, '/repos/acme/api/pulls', 'GET /repos/acme/api/pulls answered 404: it does not exist, or the token probably lacks', 'Pull requests: read'],
    ['GET /orgs/{owner}/hooks', 403, '/orgs/acme/hooks', 'GET /orgs/acme/hooks answered 403', 'Webhooks: read'],
  ])('raises a GithubPermissionError naming the permission when %s answers %i', async (route, status, path, message, permission) => {
    github.on('GET', path, () => ({ status, body: { message: 'Resource not accessible by integration' } }));

    const failure = consume(access().clientFor(1).paginate(route, { owner: 'acme', repo: 'api' }));

    await expect(failure).rejects.toBeInstanceOf(GithubPermissionError);
    await expect(failure).rejects.toMatchObject({ status, permission, message: expect.stringContaining(message) });
  });

  it('raises GithubAuthenticationError at once on a 401 to a token, which cannot be refreshed', async () => {
    github.on('GET', '/user', () => ({ status: 401, body: { message: 'Bad credentials' } }));

    const failure = access().clientFor(1).request('GET /user');

    await expect(failure).rejects.toBeInstanceOf(GithubAuthenticationError);
    await expect(failure).rejects.toThrow('GET /user answered 401: the credentials were refused; GitHub said: "Bad credentials"');
    expect(github.requests).toHaveLength(1);
  });

  it('raises an error rather than an empty page when a list route answers something else', async () => {
    github.on('GET', '/repos/acme/api/actions/workflows', () => ({ body: { total_count: 0 } }));

    const failure = consume(access().clientFor(1).paginate('GET /repos/acme/api/actions/workflows', {}, { itemsKey: 'workflows' }));

    await expect(failure).rejects.toThrow("GET /repos/acme/api/actions/workflows did not answer a list under 'workflows'");
  });

  it('raises a plain GithubApiError for other client errors', async () => {
    github.on('POST', '/repos/acme/api/issues', () => ({ status: 422, body: { message: 'Validation Failed' } }));

    const failure = access().clientFor(1).request('POST /repos/acme/api/issues', { title: '' });

    await expect(failure).rejects.toThrow('POST /repos/acme/api/issues answered 422: Validation Failed');
    await expect(failure).rejects.not.toBeInstanceOf(GithubPermissionError);
  });

  it('answers a GET from the ETag cache on 304, pages and Link included', async () => {
    github.on('GET', '/orgs/acme/repos', (request) => {
      const etag = `"page-${request.query.get('page') ?? 1}"`;
      if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag, ...rateLimitHeaders(5000, 4990, time.seconds(3_600_000)) } };
      const page = pagedList(() => github.apiUrl, '/orgs/acme/repos', 5, request);
      return { ...page, headers: { ...page.headers, etag, ...rateLimitHeaders(5000, 4990, time.seconds(3_600_000)) } };
    });
    const redis = new MemoryRedis();
    const states: number[] = [];
    const sut = access({ redis, onRateLimit: (_scope, state) => states.push(state.remaining) });
    const client = sut.clientFor(1);

    const first = await consume(client.paginate<{ id: number }>('GET /orgs/acme/repos', {}, { perPage: 2 }));
    const second = await consume(client.paginate<{ id: number }>('GET /orgs/acme/repos', {}, { perPage: 2 }));

    expect(second).toEqual(first);
    expect(first.flat().map((item) => item.id)).toEqual([1, 2, 3, 4, 5]);
    expect(sut.stats().notModified).toBe(3);
    expect(github.requests.slice(3).every((request) => request.headers['if-none-match'])).toBe(true);
    expect([...redis.entries.keys()].every((key) => key.startsWith('glint:github:etag:pat:'))).toBe(true);
    expect([...redis.entries.values()][0].ttl).toBe(7 * 24 * 3600);
  });

  it('reports to a metered client one unit for each answer but a 304 or a rate-limit refusal, and the time its requests waited', async () => {
    let secondaryLimits = 1;
    github.on('GET', '/orgs/acme', (request): FakeResponse => {
      if (request.headers['if-none-match'] === '"org"') return { status: 304, headers: { etag: '"org"', ...rateLimitHeaders(5000, 4990, time.seconds(3_600_000)) } };
      if (secondaryLimits > 0 && (secondaryLimits -= 1) === 0) return { status: 403, headers: { 'retry-after': '2' }, body: { message: 'You have exceeded a secondary rate limit' } };
      return { body: { login: 'acme' }, headers: { etag: '"org"', ...rateLimitHeaders(5000, 4990, time.seconds(3_600_000)) } };
    });
    github.on('GET', '/repos/acme/gone', () => ({ status: 404, body: { message: 'Not Found' } }));
    const sut = access({ redis: new MemoryRedis() }).clientFor(1);
    const charged: string[] = [];
    const waits: number[] = [];
    const metered = sut.metered?.({ charged: (resource, units) => charged.push(`${resource} ${units}`), waited: (ms) => waits.push(ms) });

    await metered?.request('GET /orgs/{org}', { org: 'acme' });
    await metered?.request('GET /orgs/{org}', { org: 'acme' });
    await expect(metered?.request('GET /repos/acme/gone')).rejects.toBeInstanceOf(GithubPermissionError);
    await sut.request('GET /orgs/{org}', { org: 'acme' });

    // The first request once answered, and the 404: not its refusal, the 304, nor the unmetered client's answer.
    expect(charged).toEqual(['core 1', 'core 1']);
    expect(waits).toEqual([2_000]);
  });

  it('neither reads nor fills the ETag cache for a request marked cached: false', async () => {
    github.on('GET', '/app/hook/deliveries', () => ({ body: [{ id: 1 }], headers: { etag: '"deliveries"', ...rateLimitHeaders(5000, 4990, time.seconds(3_600_000)) } }));
    const redis = new MemoryRedis();
    const client = access({ redis }).clientFor(1);

    await consume(client.paginate('GET /app/hook/deliveries', {}, { cached: false }));
    await client.request('GET /app/hook/deliveries', {}, { cached: false });

    expect(redis.entries.size).toBe(0);
    expect(github.requests.every((request) => request.headers['if-none-match'] === undefined)).toBe(true);
  });

  it('lists the organization as the one pseudo-installation when GITHUB_ORGANIZATION is set', async () => {
    github.on('GET', '/users/acme', () => ({ body: { id: 42, login: 'Acme', type: 'Organization' } }));
    const sut = createGithubAccess(
      { auth: { kind: 'token', token: new Secret('ghp_test') }, apiUrl: github.apiUrl, graphqlUrl: '', organization: 'acme' },
      { clock: time.clock, sleep: time.sleep },
    );

    await expect(sut.installations()).resolves.toEqual([{ id: 42, accountLogin: 'Acme', accountType: 'Organization', suspended: false }]);
    expect(() => sut.appClient()).toThrow('GitHub App credentials');
  });

  it('lists every organization the token belongs to otherwise', async () => {
    github.on('GET', '/user/orgs', (request) => {
      const page = pagedList(() => github.apiUrl, '/user/orgs', 3, request);
      return { ...page, body: (page.body as Array<{ id: number }>).map(({ id }) => ({ id, login: `org${id}` })) };
    });

    const installations = await access().installations();

    expect(installations.map((installation) => installation.accountLogin)).toEqual(['org1', 'org2', 'org3']);
  });
});

async function consume<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const page of pages) all.push(page);
  return all;
}

describe('GitHub REST client within the limits shared by pods', () => {
  let github: FakeGithub;
  let time: FakeTime;

  beforeEach(async () => {
    github = new FakeGithub();
    time = new FakeTime();
    await github.start();
  });

  afterEach(() => github.close());

  /** Records what the client asks of the shared limits, in order. */
  class RecordingLimiter implements RequestLimiter {
    readonly asked: string[] = [];

    async acquire(purpose: RequestPurpose, method: string, pointsApply: boolean): Promise<RequestPermit> {
      this.asked.push(`acquire ${purpose} ${method}${pointsApply ? ' (points)' : ''}`);
      return { waitedMs: 0, release: (outcome) => this.asked.push(`release ${outcome}`) };
    }

    async slowDown(waitMs: number): Promise<void> {
      this.asked.push(`slow down ${waitMs}`);
    }
  }

  function client(limiter: RequestLimiter, fetchImpl: typeof fetch = fetch): RestClient {
    return new RestClient({
      apiUrl: github.apiUrl,
      authorizer: staticAuthorizer('ghp_test'),
      budget: new RateLimitBudget('installation:1', time.clock, time.sleep, 95),
      clock: time.clock,
      sleep: time.sleep,
      fetch: fetchImpl,
      stats: emptyStats(),
      limiter,
    });
  }

  it('holds a permit for each attempt until its answer; a secondary limit slows every pod down; points count once GitHub sends rate-limit headers', async () => {
    let calls = 0;
    github.on('GET', '/orgs/acme/repos', () => {
      calls += 1;
      const headers = rateLimitHeaders(5_000, 4_000, time.seconds(600_000));
      return calls === 1 ? { status: 403, headers: { ...headers, 'retry-after': '2' }, body: { message: 'You have exceeded a secondary rate limit.' } } : { headers, body: [{ id: 1 }] };
    });
    const limiter = new RecordingLimiter();

    await expect(client(limiter).request('GET /orgs/acme/repos', {}, { purpose: 'resync' })).resolves.toEqual([{ id: 1 }]);

    expect(limiter.asked).toEqual(['acquire resync GET', 'release refused', 'slow down 2000', 'acquire resync GET (points)', 'release answered']);
    expect(time.sleeps).toEqual([2_000]);
  });

  it('leaves a spent primary limit to the budget, without slowing the other pods down', async () => {
    let calls = 0;
    github.on('GET', '/user', () => {
      calls += 1;
      return calls === 1 ? { status: 403, headers: rateLimitHeaders(60, 0, time.seconds(30_000)), body: { message: 'API rate limit exceeded' } } : { body: { login: 'me' } };
    });
    const limiter = new RecordingLimiter();

    await expect(client(limiter).request('GET /user')).resolves.toEqual({ login: 'me' });

    expect(limiter.asked).toEqual(['acquire live GET', 'release refused', 'acquire live GET (points)', 'release answered']);
  });

  it('gives the permit of a request that got no answer back as failed before retrying', async () => {
    github.on('POST', '/repos/acme/api/dispatches', () => ({ status: 204 }));
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls += 1;
      if (calls === 1) throw new TypeError('fetch failed');
      return fetch(input, init);
    };
    const limiter = new RecordingLimiter();

    await client(limiter, flaky).request('POST /repos/{owner}/{repo}/dispatches', { owner: 'acme', repo: 'api', event_type: 'x' }, { purpose: 'action' });

    expect(limiter.asked).toEqual(['acquire action POST', 'release failed', 'acquire action POST', 'release answered']);
  });
});
