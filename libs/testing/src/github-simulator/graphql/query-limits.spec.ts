import { FragmentDefinitionNode, OperationDefinitionNode, parse } from 'graphql';
import { measureQuery, pointsFor } from './query-limits';
import { githubSchema } from './schema';

function measure(query: string, variables: Record<string, unknown> = {}): ReturnType<typeof measureQuery> {
  const document = parse(query);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition');
  if (!operation) throw new Error('no operation');
  const fragments = new Map(document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === 'FragmentDefinition').map((fragment) => [fragment.name.value, fragment]));
  return measureQuery(githubSchema(), operation, fragments, variables);
}

// The examples of GitHub's "Rate limits and query limits for the GraphQL API".
const SIMPLE = `query { viewer { repositories(first: 50) { edges { repository: node { name
  issues(first: 10) { totalCount edges { node { title bodyHTML } } } } } } } }`;
const COMPLEX = `query { viewer {
  repositories(first: 50) { edges { repository: node { name
    pullRequests(first: 20) { edges { pullRequest: node { title comments(first: 10) { edges { comment: node { bodyHTML } } } } } }
    issues(first: 20) { totalCount edges { issue: node { title bodyHTML comments(first: 10) { edges { comment: node { bodyHTML } } } } } } } } }
  followers(first: 10) { edges { follower: node { login } } } } }`;
const COST_EXAMPLE = `query { viewer { login repositories(first: 100) { edges { node { id
  issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name } } } } } } } } } } }`;

describe('measureQuery', () => {
  it("counts GitHub's simple example as 550 nodes", () => {
    expect(measure(SIMPLE)).toMatchObject({ errors: [], nodeCount: 550, requestCount: 51, cost: 1, largestPage: 50 });
  });

  it("counts GitHub's complex example as 22,060 nodes", () => {
    expect(measure(COMPLEX).nodeCount).toBe(22_060);
  });

  it("prices GitHub's cost example at 5,101 requests, 51 points", () => {
    expect(measure(COST_EXAMPLE)).toMatchObject({ requestCount: 5_101, cost: 51 });
  });

  it('takes page sizes from variables and fragments, and leaves out what @skip or @include removes', () => {
    const query = `query($size: Int!, $skip: Boolean!) { organization(login: "a") { ...Repos } }
      fragment Repos on Organization { repositories(first: $size) { nodes { ... on Repository { pullRequests(first: 10) { nodes { number } } }
        issues(first: 100) @skip(if: $skip) { nodes { number } } } } }`;
    expect(measure(query, { size: 20, skip: true })).toMatchObject({ nodeCount: 20 + 200, requestCount: 21 });
    expect(measure(query, { size: 20, skip: false })).toMatchObject({ nodeCount: 20 + 200 + 2000, requestCount: 41 });
  });

  it('requires first or last on a connection whose nodes are asked for, not on one asked only for its count', () => {
    expect(measure('query { organization(login: "a") { repositories { totalCount } } }').errors).toEqual([]);
    expect(measure('query { organization(login: "a") { repositories { nodes { name } } } }').errors).toEqual([
      { type: 'MISSING_PAGINATION_BOUNDARIES', message: 'You must provide a `first` or `last` value to properly paginate the `repositories` connection.', path: ['query', 'organization', 'repositories'], locations: [{ line: 1, column: 36 }] },
    ]);
  });

  it('refuses pages above 100', () => {
    expect(measure('query { organization(login: "a") { repositories(last: 101) { nodes { name } } } }').errors).toEqual([
      expect.objectContaining({ type: 'EXCESSIVE_PAGINATION', message: 'Requesting 101 records on the `repositories` connection exceeds the `last` limit of 100 records.' }),
    ]);
  });

  it('refuses a query that may return more than 500,000 nodes', () => {
    const query = 'query { organization(login: "a") { repositories(first: 100) { nodes { pullRequests(first: 100) { nodes { labels(first: 50) { nodes { name } } } } } } } }';
    expect(measure(query).nodeCount).toBe(100 + 10_000 + 500_000);
    expect(measure(query).errors).toEqual([expect.objectContaining({ type: 'MAX_NODE_LIMIT_EXCEEDED', path: ['query', 'organization', 'repositories', 'nodes', 'pullRequests', 'nodes', 'labels'] })]);
    expect(measure(query.replace('first: 50', 'first: 48')).errors).toEqual([]);
  });

  it('tells a dry run apart', () => {
    expect(measure('query { rateLimit(dryRun: true) { cost } }')).toMatchObject({ dryRun: true, cost: 1 });
    expect(measure('query { rateLimit { cost } }').dryRun).toBe(false);
  });
});

describe('pointsFor', () => {
  it('divides requests by 100, rounds to the nearest whole number, and charges at least 1', () => {
    expect([0, 1, 49, 50, 149, 150, 5_101].map(pointsFor)).toEqual([1, 1, 1, 1, 1, 2, 51]);
  });
});
