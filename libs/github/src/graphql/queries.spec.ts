import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery, parse, validate } from 'graphql';
import { PEER_EXCLUDABLE_FIELDS, peerPullFields } from './pull-shapes';
import { changedRepositoriesQuery, pullRequestQuery, repositoriesQuery, repositoriesWithPullsQuery, repositoryPullsQuery, searchPullsQuery } from './queries';

const SCHEMA_FILE = '@octokit/graphql-schema/schema.json';

/** GitHub's public schema, from @octokit/graphql-schema's introspection result (its ESM entry point does not load under jest). */
function githubSchema(): GraphQLSchema {
  const file = (require.resolve.paths(SCHEMA_FILE) ?? []).map((directory) => join(directory, SCHEMA_FILE)).find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`${SCHEMA_FILE} not found`);
  const introspection = JSON.parse(readFileSync(file, 'utf8')) as { data?: IntrospectionQuery } & IntrospectionQuery;
  return buildClientSchema(introspection.data ?? introspection);
}

const schema = githubSchema();
const problemsOf = (document: string): string[] => validate(schema, parse(document)).map((error) => error.message);

describe('the listing queries', () => {
  it.each([
    ['repositories without files', repositoriesQuery(0)],
    ['repositories with two included files', repositoriesQuery(2)],
    ['open and closed pull requests nested in repositories', repositoriesWithPullsQuery({ open: true, closed: true })],
    ['open pull requests nested in repositories', repositoriesWithPullsQuery({ open: true, closed: false })],
    ["one repository's pull requests", repositoryPullsQuery()],
    ['repositories changed since', changedRepositoriesQuery(1)],
    ['pull requests updated since (search)', searchPullsQuery()],
    ['one pull request', pullRequestQuery()],
    ["one pull request in the peer's shape", pullRequestQuery(peerPullFields([]))],
    ["the peer's pull requests", repositoriesWithPullsQuery({ open: true, closed: true }, peerPullFields([]))],
    ["the peer's pull requests without assignees, author and change counts", repositoryPullsQuery(peerPullFields(['assignees', 'author', 'additions', 'deletions', 'changedFiles']))],
  ])('%s are valid against GitHub’s schema', (_name, document) => {
    expect(problemsOf(document)).toEqual([]);
  });

  it('would tell an invalid query (a field GitHub does not have)', () => {
    expect(problemsOf(repositoriesQuery(0).replace('isTemplate', 'isTemplateRepository'))).toEqual([expect.stringContaining('isTemplateRepository')]);
  });

  it('leaves out the peer fields excludeGraphqlFields names, never the ones the listing filters on', () => {
    const fields = peerPullFields(['additions', 'author', 'state', 'updatedAt']);
    expect(fields).not.toMatch(/\badditions\b/);
    expect(fields).not.toMatch(/^author \{/m);
    expect(fields).toMatch(/\bstate\b/);
    expect(fields).toMatch(/\bupdatedAt\b/);
    expect(PEER_EXCLUDABLE_FIELDS).toEqual(expect.arrayContaining(['additions', 'author', 'reviewRequests', 'labels']));
  });
});
