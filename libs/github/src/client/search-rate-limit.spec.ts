import { FakeGithub, FakeTime, rateLimitHeaders, tokenAccess } from './fake-github.spec-helper';

/**
 * GitHub's search API has a limit of its own (30 requests a minute) and says so with `x-ratelimit-resource: search`:
 * its answers must neither be taken for the REST budget (5,000 an hour) nor, once spent, stop REST requests.
 */
describe('GitHub REST client and the search API’s own rate limit', () => {
  let github: FakeGithub;
  let time: FakeTime;

  beforeEach(async () => {
    github = new FakeGithub();
    time = new FakeTime();
    await github.start();
  });

  afterEach(() => github.close());

  const client = () => tokenAccess(github, time).clientFor(1);

  const searchHeaders = (remaining: number, resetMs: number) => ({ ...rateLimitHeaders(30, remaining, time.seconds(resetMs)), 'x-ratelimit-resource': 'search' });

  it('does not take a search answer’s remaining 1 of 30 for the REST budget: resync requests go on without waiting', async () => {
    github.on('GET', '/search/repositories', () => ({ headers: searchHeaders(1, 60_000), body: { total_count: 0, incomplete_results: false, items: [] } }));
    github.on('GET', '/orgs/acme/repos', () => ({ headers: { ...rateLimitHeaders(5000, 4990, time.seconds(3_600_000)), 'x-ratelimit-resource': 'core' }, body: [] }));
    const sut = client();

    await sut.request('GET /search/repositories', { q: 'org:acme topic:x' }, { purpose: 'resync' });
    for (let request = 0; request < 5; request += 1) await sut.request('GET /orgs/acme/repos', {}, { purpose: 'resync' });

    expect(time.sleeps).toEqual([]);
  });

  it('waits for the search limit’s reset when it is spent, and REST requests meanwhile do not wait', async () => {
    let searches = 0;
    github.on('GET', '/search/repositories', () => {
      searches += 1;
      return searches === 1
        ? { status: 403, headers: searchHeaders(0, 20_000), body: { message: 'API rate limit exceeded for user ID 1.' } }
        : { headers: searchHeaders(28, 60_000), body: { total_count: 1, incomplete_results: false, items: [{ id: 1 }] } };
    });
    github.on('GET', '/orgs/acme/repos', () => ({ headers: rateLimitHeaders(5000, 4990, time.seconds(3_600_000)), body: [] }));
    const sut = client();

    await expect(sut.request('GET /search/repositories', { q: 'org:acme' })).resolves.toMatchObject({ items: [{ id: 1 }] });
    const sleepsAfterSearch = time.sleeps.length;
    await sut.request('GET /orgs/acme/repos');

    expect(searches).toBe(2);
    expect(time.sleeps).toHaveLength(1);
    expect(time.sleeps[0]).toBeGreaterThanOrEqual(18_000);
    expect(time.sleeps[0]).toBeLessThanOrEqual(20_000);
    expect(time.sleeps).toHaveLength(sleepsAfterSearch);
  });
});
