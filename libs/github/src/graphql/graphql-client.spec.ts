import { staticAuthorizer } from '../client/app-auth';
import { GithubPermissionError } from '../client/errors';
import { RateLimitBudget } from '../client/rate-limit-budget';
import { emptyStats } from '../client/rest-client';
import { GithubGraphqlError, GraphqlClient, GraphqlQueryTooLargeError } from './graphql-client';

type Answer = { status?: number; body: unknown; headers?: Record<string, string> };

const START_MS = 1_700_000_000_000;
const inSeconds = (seconds: number) => String(Math.floor(START_MS / 1000) + seconds);

function setup(answers: Answer[], graphqlUrl = 'https://github.example.com/api/graphql') {
  let now = START_MS;
  const sleeps: number[] = [];
  const requests: Array<{ url: string; body: unknown; headers: Record<string, string> }> = [];
  const clock = { now: () => now };
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    now += ms;
  };
  const fetchFake = (async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), body: JSON.parse(String(init?.body)), headers: init?.headers as Record<string, string> });
    const answer = answers.shift();
    if (!answer) throw new Error('no more answers');
    return new Response(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  }) as typeof fetch;
  const stats = emptyStats();
  const budget = new RateLimitBudget('pat:graphql', clock, sleep, 95);
  const sut = new GraphqlClient({ graphqlUrl, authorizer: staticAuthorizer('ghp_x'), budget, clock, sleep, fetch: fetchFake, stats, random: () => 0 });
  return { sut, stats, sleeps, requests, budget };
}

describe('GraphqlClient', () => {
  it('posts the query with the credentials to the configured endpoint (GitHub Enterprise Server’s /api/graphql) and counts its points', async () => {
    const { sut, stats, requests } = setup([{ body: { data: { rateLimit: { cost: 3, remaining: 4997, resetAt: '2030-01-01T00:00:00Z' }, viewer: { login: 'me' } } } }]);
    const data = await sut.query<{ viewer: { login: string } }>('query { viewer { login } }', { a: 1 }, { purpose: 'resync' });
    expect(data.viewer.login).toBe('me');
    expect(requests[0]).toEqual(expect.objectContaining({ url: 'https://github.example.com/api/graphql', body: { query: 'query { viewer { login } }', variables: { a: 1 } } }));
    expect(requests[0].headers['authorization']).toBe('token ghp_x');
    expect(stats).toEqual(expect.objectContaining({ graphqlQueries: 1, graphqlPoints: 3, requests: 0 }));
  });

  it('waits for the reset when GitHub answers RATE_LIMITED with HTTP 200, then asks again', async () => {
    const limited = { body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] }, headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(120), 'x-ratelimit-resource': 'graphql' } };
    const { sut, sleeps: waited, requests } = setup([limited, { body: { data: { ok: true } } }]);
    await expect(sut.query('query { ok }')).resolves.toEqual({ ok: true });
    expect(requests).toHaveLength(2);
    expect(waited).toHaveLength(1);
    expect(waited[0]).toBeGreaterThanOrEqual(119_000);
  });

  it('tells a query too large (RESOURCE_LIMITS_EXCEEDED, MAX_NODE_LIMIT_EXCEEDED, a timeout answer) apart, without retrying it', async () => {
    for (const answer of [
      { body: { errors: [{ type: 'RESOURCE_LIMITS_EXCEEDED', message: 'too many resources' }] } },
      { body: { errors: [{ type: 'MAX_NODE_LIMIT_EXCEEDED', message: 'too many nodes' }] } },
      { status: 502, body: { data: null, errors: [{ message: 'Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug.' }] } },
    ]) {
      const { sut, requests } = setup([answer]);
      await expect(sut.query('query { x }')).rejects.toBeInstanceOf(GraphqlQueryTooLargeError);
      expect(requests).toHaveLength(1);
    }
  });

  it('retries a 5xx with back-off', async () => {
    const { sut, stats, sleeps } = setup([{ status: 503, body: { message: 'unavailable' } }, { body: { data: { ok: 1 } } }]);
    await expect(sut.query('query { ok }')).resolves.toEqual({ ok: 1 });
    expect(stats.serverRetries).toBe(1);
    expect(sleeps).toEqual([500]);
  });

  it('waits out a secondary limit (403 with retry-after)', async () => {
    const { sut, sleeps } = setup([{ status: 403, body: { message: 'You have exceeded a secondary rate limit' }, headers: { 'retry-after': '30' } }, { body: { data: { ok: 1 } } }]);
    await expect(sut.query('query { ok }')).resolves.toEqual({ ok: 1 });
    expect(sleeps).toEqual([30_000]);
  });

  it('turns other GraphQL errors into errors naming them, FORBIDDEN into a permission error', async () => {
    const { sut } = setup([{ body: { data: { organization: null }, errors: [{ type: 'NOT_FOUND', message: "Could not resolve to an Organization with the login of 'nope'.", path: ['organization'] }] } }]);
    await expect(sut.query('query { organization(login: "nope") { id } }')).rejects.toThrow(new GithubGraphqlError("POST /graphql answered errors: NOT_FOUND: Could not resolve to an Organization with the login of 'nope'. (at organization)", []));
    const forbidden = setup([{ body: { errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] } }]);
    await expect(forbidden.sut.query('query { x }')).rejects.toBeInstanceOf(GithubPermissionError);
  });

  it('keeps GraphQL’s hourly points in their own budget', async () => {
    const { sut, budget } = setup([{ body: { data: { ok: 1 } }, headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4990', 'x-ratelimit-reset': inSeconds(600), 'x-ratelimit-resource': 'graphql' } }]);
    await sut.query('query { ok }');
    expect(budget.snapshot()).toEqual(expect.objectContaining({ limit: 5000, remaining: 4990 }));
  });
});
