import { GithubSimulator } from '../simulator';
import { appJwt, call } from '../test-helpers.spec-helper';

interface GraphqlAnswer<T> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: Array<{ type?: string; message: string; path?: Array<string | number>; locations?: Array<{ line: number; column: number }> }> };
}

async function graphql<T = Record<string, unknown>>(sim: GithubSimulator, token: string, query: string, variables: Record<string, unknown> = {}, path = '/graphql'): Promise<GraphqlAnswer<T>> {
  const response = await fetch(`${sim.url}${path}`, { method: 'POST', headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphqlAnswer<T>['body'] };
}

async function installationToken(sim: GithubSimulator): Promise<string> {
  const answer = await call(sim, `/app/installations/${sim.installations()[0].id}/access_tokens`, await appJwt(sim), { method: 'POST' });
  return answer.json<{ token: string }>().token;
}

const REPOSITORIES_WITH_PULLS = `
  query Listing($org: String!, $first: Int!, $after: String) {
    organization(login: $org) {
      repositories(first: $first, after: $after, orderBy: { field: NAME, direction: ASC }) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes {
          id databaseId name nameWithOwner url isPrivate visibility isArchived
          owner { __typename login }
          defaultBranchRef { name }
          config: object(expression: "HEAD:.github/port-app-config.yml") { ... on Blob { text byteSize isTruncated } }
          missing: object(expression: "HEAD:no/such/file") { __typename }
          pullRequests(first: 10, states: [OPEN, CLOSED, MERGED], orderBy: { field: UPDATED_AT, direction: DESC }) {
            totalCount
            nodes {
              id databaseId number title state merged url headRefName baseRefName
              author { __typename login }
              assignees(first: 10) { totalCount nodes { login } }
              reviewRequests(first: 10) { totalCount nodes { requestedReviewer { __typename ... on User { login } ... on Team { slug } } } }
              labels(first: 10) { nodes { name color } }
              commits { totalCount }
            }
          }
        }
      }
    }
    rateLimit { cost limit remaining used resetAt nodeCount }
  }`;

interface ListingData {
  organization: {
    repositories: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<{ databaseId: number; name: string; nameWithOwner: string; visibility: string; owner: { __typename: string; login: string }; config: { text: string } | null; missing: null; pullRequests: { totalCount: number; nodes: Array<{ databaseId: number; number: number; state: string; author: { login: string } }> } }>;
    };
  };
  rateLimit: { cost: number; limit: number; remaining: number; used: number; resetAt: string; nodeCount: number };
}

describe('GithubSimulator GraphQL API', () => {
  describe('github.com limits, with latency', () => {
    let sim: GithubSimulator;
    let token: string;
    beforeAll(async () => {
      sim = await GithubSimulator.start({ seed: 5, reposPerOrg: 30, pullRequestsPerRepo: 4, limits: 'github.com', latencyMs: 50 });
      token = await installationToken(sim);
    });
    afterAll(() => sim.close());

    it('lists repositories with their files and nested pull requests as the REST API describes them, page after page', async () => {
      const rest = (await call(sim, '/orgs/acme/repos?per_page=100', `token ${token}`)).json<Array<{ id: number; full_name: string; visibility: string }>>();
      const first = await graphql<ListingData>(sim, token, REPOSITORIES_WITH_PULLS, { org: 'acme', first: 20 });
      expect(first.status).toBe(200);
      expect(first.body.errors).toBeUndefined();
      const page = first.body.data?.organization.repositories;
      expect(page?.totalCount).toBe(rest.length);
      expect(page?.pageInfo.hasNextPage).toBe(true);
      const second = await graphql<ListingData>(sim, token, REPOSITORIES_WITH_PULLS, { org: 'acme', first: 20, after: page?.pageInfo.endCursor });
      const repositories = [...(page?.nodes ?? []), ...(second.body.data?.organization.repositories.nodes ?? [])];
      expect(second.body.data?.organization.repositories.pageInfo.hasNextPage).toBe(false);
      expect(repositories.map((repo) => repo.databaseId).sort()).toEqual(rest.map((repo) => repo.id).sort());

      const withConfig = repositories.find((repo) => repo.name === '.github-private');
      const configRepo = sim.state.repo('acme', '.github-private');
      expect(configRepo && withConfig?.config?.text).toBe(configRepo && sim.state.repoData(configRepo).files.get('.github/port-app-config.yml'));
      expect(repositories.every((repo) => repo.missing === null && repo.owner.__typename === 'Organization' && repo.owner.login === 'acme')).toBe(true);

      const sample = repositories.find((repo) => repo.pullRequests.totalCount > 0);
      if (!sample) throw new Error('no repository with pull requests');
      const restPulls = (await call(sim, `/repos/${sample.nameWithOwner}/pulls?state=all&per_page=100`, `token ${token}`)).json<Array<{ id: number; number: number; user: { login: string } }>>();
      expect(sample.pullRequests.nodes.map((pull) => pull.databaseId).sort()).toEqual(restPulls.map((pull) => pull.id).sort());
      expect(sample.pullRequests.nodes.map((pull) => pull.author.login).sort()).toEqual(restPulls.map((pull) => pull.user.login).sort());
    });

    it('costs what GitHub documents: one request per connection per parent node, over 100, and reports it in rateLimit', async () => {
      const statsBefore = sim.stats().graphql;
      const answer = await graphql<ListingData>(sim, token, REPOSITORIES_WITH_PULLS, { org: 'acme', first: 20 });
      expect(sim.stats().graphql).toEqual({ queries: statsBefore.queries + 1, points: statsBefore.points + 8, refused: statsBefore.refused });
      // 1 request for the repositories + 20 for their pull requests + 4 × 200 for each pull request's assignees,
      // review requests, labels and commits (a count only: no nodes) = 821 requests → 8 points.
      expect(answer.body.data?.rateLimit).toMatchObject({ cost: 8, nodeCount: 20 + 200 + 3 * 2000 });
      const limit = answer.body.data?.rateLimit;
      expect(answer.headers.get('x-ratelimit-resource')).toBe('graphql');
      expect(answer.headers.get('x-ratelimit-remaining')).toBe(String(limit?.remaining));
      expect(limit?.used).toBe((limit?.limit ?? 0) - (limit?.remaining ?? 0));

      const before = sim.stats().graphql;
      const dryRun = await graphql<ListingData>(sim, token, REPOSITORIES_WITH_PULLS.replace('rateLimit {', 'rateLimit(dryRun: true) {'), { org: 'acme', first: 20 });
      expect(dryRun.body.data?.rateLimit).toMatchObject({ cost: 8, remaining: limit?.remaining });
      expect(dryRun.body.data?.organization).toBeNull();
      expect(sim.stats().graphql.points).toBe(before.points);
    });

    it('finds pull requests updated since an instant, and repositories, with search, counting them all', async () => {
      const repo = sim.state.organization('acme')?.repos[3];
      if (!repo) throw new Error('no repository');
      const since = new Date(sim.now() + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      sim.advanceClock(60_000);
      const opened = sim.openPullRequest('acme', repo.name, { title: 'Searched for' });
      const query = `query($q: String!) { search(query: $q, type: ISSUE, first: 50) { issueCount nodes { __typename ... on PullRequest { number updatedAt repository { nameWithOwner } } } } }`;
      const answer = await graphql<{ search: { issueCount: number; nodes: Array<{ __typename: string; number: number; updatedAt: string; repository: { nameWithOwner: string } }> } }>(sim, token, query, { q: `org:acme is:pr updated:>=${since}` });
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data?.search.issueCount).toBe(1);
      expect(answer.body.data?.search.nodes).toEqual([{ __typename: 'PullRequest', number: opened.number, updatedAt: opened.updatedAt, repository: { nameWithOwner: repo.fullName } }]);

      const repositories = await graphql<{ search: { repositoryCount: number } }>(sim, token, 'query { search(query: "org:acme archived:false", type: REPOSITORY, first: 1) { repositoryCount } }');
      const expected = sim.state.organization('acme')?.repos.filter((candidate) => !candidate.archived && !candidate.fork).length;
      expect(repositories.body.data?.search.repositoryCount).toBe(expected);
    });

    it('answers an invalid query 200 with errors naming the field and where it is', async () => {
      const answer = await graphql(sim, token, 'query {\n  organization(login: "acme") { noSuchField }\n}');
      expect(answer.status).toBe(200);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors).toEqual([{ message: expect.stringContaining('noSuchField'), locations: [{ line: 2, column: 33 }] }]);
    });

    it('refuses connections without first or last, or with more than 100, as GitHub does', async () => {
      const missing = await graphql(sim, token, 'query { organization(login: "acme") { repositories { totalCount nodes { name } } } }');
      expect(missing.body.errors).toEqual([expect.objectContaining({ type: 'MISSING_PAGINATION_BOUNDARIES', path: ['query', 'organization', 'repositories'] })]);
      const excessive = await graphql(sim, token, 'query { organization(login: "acme") { repositories(first: 101) { totalCount } } }');
      expect(excessive.body.errors).toEqual([expect.objectContaining({ type: 'EXCESSIVE_PAGINATION', message: expect.stringContaining('101') })]);
      const tooMany = await graphql(sim, token, 'query { search(query: "org:acme", type: ISSUE, first: 100) { nodes { ... on PullRequest { labels(first: 100) { nodes { name } } assignees(first: 100) { nodes { login } } } } } organization(login: "acme") { repositories(first: 100) { nodes { pullRequests(first: 100) { nodes { labels(first: 100) { totalCount } } } } } } }');
      expect(tooMany.body.errors).toEqual([expect.objectContaining({ type: 'MAX_NODE_LIMIT_EXCEEDED' })]);
    });

    it('answers queries over the GraphQL budget with RATE_LIMITED while REST still serves', async () => {
      const pat = sim.createPersonalAccessToken();
      sim.exhaustRateLimit(pat, 'graphql');
      const refusedBefore = sim.stats().graphql.refused;
      const answer = await graphql(sim, pat, 'query { rateLimit { remaining } }');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(answer.body.errors).toEqual([{ type: 'RATE_LIMITED', message: expect.stringMatching(/^API rate limit exceeded for user ID \d+\.$/) }]);
      expect(sim.stats().graphql.refused).toBe(refusedBefore + 1);
      expect((await call(sim, '/orgs/acme', `token ${pat}`)).status).toBe(200);
    });

    it('fails queries with pages above maxPageSize with a timeout, so a client halving its page gets through', async () => {
      sim.injectFaults({ count: 5, graphqlError: 'timeout', maxPageSize: 25 });
      const heavy = await graphql(sim, token, REPOSITORIES_WITH_PULLS, { org: 'acme', first: 30 });
      expect(heavy.status).toBe(502);
      expect(heavy.body).toEqual({ data: null, errors: [{ message: expect.stringContaining('This may be the result of a timeout') }] });
      const halved = await graphql<ListingData>(sim, token, REPOSITORIES_WITH_PULLS.replace('pullRequests(first: 10', 'pullRequests(first: 5'), { org: 'acme', first: 15 });
      expect(halved.status).toBe(200);
      expect(halved.body.data?.organization.repositories.nodes).toHaveLength(15);
    });
  });

  describe('github.com secondary limits', () => {
    let sim: GithubSimulator;
    beforeAll(async () => {
      sim = await GithubSimulator.start({ seed: 5, reposPerOrg: 2, limits: 'github.com', latencyMs: 50 });
    });
    afterAll(() => sim.close());

    it('refuses the 2,001st GraphQL query of a minute with 403 and retry-after, apart from REST points', async () => {
      const pat = sim.createPersonalAccessToken();
      for (let sent = 0; sent < 2_000; sent += 80) {
        const answers = await Promise.all(Array.from({ length: 80 }, () => graphql(sim, pat, 'query { viewer { login } }')));
        expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
      }
      const refused = await fetch(`${sim.url}/graphql`, { method: 'POST', headers: { authorization: `token ${pat}` }, body: JSON.stringify({ query: '{ rateLimit { cost } }' }) });
      expect(refused.status).toBe(403);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(sim.stats()).toMatchObject({ points: 0, refusedSecondary: 1, graphql: { queries: 2_000, points: 2_000, refused: 1 } });
      expect((await call(sim, '/orgs/acme', `token ${pat}`)).status).toBe(200);
    });

    it('answers RESOURCE_LIMITS_EXCEEDED when injected, and a plain status fault whose routePattern matches the GraphQL route', async () => {
      const pat = sim.createPersonalAccessToken();
      sim.injectFaults({ count: 1, graphqlError: 'resource-limits' });
      const limited = await graphql(sim, pat, 'query { viewer { login } }');
      expect(limited).toMatchObject({ status: 200, body: { data: null, errors: [{ type: 'RESOURCE_LIMITS_EXCEEDED' }] } });
      sim.injectFaults({ count: 1, status: 503, routePattern: /^\/graphql/ });
      expect((await graphql(sim, pat, 'query { viewer { login } }').catch(() => ({ status: 'unparsable' }))).status).toBe(503);
    });
  });

  describe('GitHub Enterprise Server paths and limits', () => {
    let sim: GithubSimulator;
    beforeAll(async () => {
      sim = await GithubSimulator.start({ seed: 5, reposPerOrg: 3, limits: 'ghes', latencyMs: 50 });
    });
    afterAll(() => sim.close());

    it('serves POST /api/graphql without rate-limit headers, rateLimit null, and 401 without a token', async () => {
      const pat = sim.createPersonalAccessToken();
      const answer = await graphql<{ repository: { name: string; visibility: string }; rateLimit: null }>(sim, pat, 'query { repository(owner: "acme", name: ".github-private") { name visibility } rateLimit { cost } }', {}, '/api/graphql');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ data: { repository: { name: '.github-private', visibility: expect.stringMatching(/^(PUBLIC|PRIVATE|INTERNAL)$/) }, rateLimit: null } });
      expect(answer.headers.has('x-ratelimit-limit')).toBe(false);
      const anonymous = await fetch(`${sim.url}/api/graphql`, { method: 'POST', body: JSON.stringify({ query: '{ rateLimit { cost } }' }) });
      expect(anonymous.status).toBe(401);
    });

    it('answers a repository the caller cannot see with null and a NOT_FOUND error', async () => {
      const answer = await graphql(sim, sim.createPersonalAccessToken(), 'query { repository(owner: "acme", name: "nope") { name } }', {}, '/api/graphql');
      expect(answer.body).toEqual({ data: { repository: null }, errors: [expect.objectContaining({ type: 'NOT_FOUND', path: ['repository'], message: "Could not resolve to a Repository with the name 'acme/nope'." })] });
    });
  });
});
