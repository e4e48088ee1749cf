import { executeSync, FragmentDefinitionNode, OperationDefinitionNode, parse } from 'graphql';
import { generateState } from '../generator';
import { resolveOptions } from '../options';
import { executeQuery } from './executor';
import { QueryRoot } from './query-root';
import { githubSchema } from './schema';
import { ViewContext } from './views';

const state = generateState(resolveOptions({ seed: 9, reposPerOrg: 6, pullRequestsPerRepo: 4 }, Date.parse('2026-01-01T00:00:00Z')));
const context = new ViewContext(state, { kind: 'pat', user: { id: 1, login: 'reader', name: 'Reader', email: null, createdAt: '2020-01-01T00:00:00Z', siteAdmin: false } }, 'http://github.test');

function both(query: string, variables: Record<string, unknown> = {}): { ours: unknown; reference: unknown } {
  const document = parse(query);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition');
  if (!operation) throw new Error('no operation');
  const fragments = new Map(document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === 'FragmentDefinition').map((fragment) => [fragment.name.value, fragment]));
  const ours = executeQuery(githubSchema(), operation, fragments, variables, new QueryRoot(context, null, false));
  const reference = executeSync({ schema: githubSchema(), document, variableValues: variables, rootValue: new QueryRoot(context, null, false) });
  return {
    ours: { data: ours.data, errors: ours.errors.map(({ message, path }) => ({ message, path })) },
    reference: JSON.parse(JSON.stringify({ data: reference.data, errors: (reference.errors ?? []).map(({ message, path }) => ({ message, path })) })),
  };
}

describe('executeQuery', () => {
  it('answers as graphql-js does: aliases, merged fields, fragments on interfaces and unions, variables, @include', () => {
    const { ours, reference } = both(
      `query($org: String!, $withPulls: Boolean!) {
        organization(login: $org) { login ...Owner
          repositories(first: 3, orderBy: { field: PUSHED_AT, direction: DESC }) { totalCount pageInfo { hasNextPage endCursor }
            edges { cursor node { name owner { __typename login ... on Organization { databaseId } } } }
            nodes { name nameWithOwner visibility defaultBranchRef { name target { ... on Commit { oid } } }
              readme: object(expression: "HEAD:README.md") { __typename ... on Blob { byteSize isTruncated } }
              root: object(expression: "HEAD:") { ... on Tree { entries { name type } } }
              pullRequests(first: 2, states: [OPEN, MERGED]) @include(if: $withPulls) { nodes { number state author { __typename login }
                assignees(first: 5) { totalCount } labels(first: 3) { nodes { name } } commits(first: 1) { totalCount nodes { commit { oid } } } } } } } }
        search(query: "org:acme is:pr is:open", type: ISSUE, first: 3) { issueCount nodes { __typename ... on PullRequest { title } ... on Issue { title } } }
      }
      fragment Owner on RepositoryOwner { login url }`,
      { org: 'acme', withPulls: true },
    );
    expect(ours).toEqual(reference);
  });

  it('nulls the nearest nullable parent when a non-null field is null, and reports NOT_FOUND as graphql-js does', () => {
    const name = state.organization('acme')?.repos[0].name;
    // The simulator has no value for viewerCanAdminister (Boolean!): the repository it belongs to becomes null.
    const { ours, reference } = both(`query { viewer { login } known: repository(owner: "acme", name: "${name}") { name viewerCanAdminister } repository(owner: "acme", name: "missing") { name } organization(login: "nobody") { login } }`);
    expect(ours).toEqual(reference);
    expect(ours).toMatchObject({ data: { known: null, repository: null, organization: null }, errors: [{ path: ['known', 'viewerCanAdminister'] }, { path: ['repository'] }, { path: ['organization'] }] });
  });
});
