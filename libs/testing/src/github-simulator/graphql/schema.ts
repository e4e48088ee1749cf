import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, GraphQLSchema, IntrospectionQuery } from 'graphql';

const SCHEMA_FILE = '@octokit/graphql-schema/schema.json';

let cached: GraphQLSchema | undefined;

/**
 * GitHub's public GraphQL schema, built once on first use. It is read from the package's introspection result
 * (as the package's own `validate` does): its SDL file defines some fields twice and does not build. The package is
 * ESM-only with no exported file paths, so the file is found on Node's module search path.
 */
export function githubSchema(): GraphQLSchema {
  if (!cached) {
    const file = (require.resolve.paths(SCHEMA_FILE) ?? []).map((directory) => join(directory, SCHEMA_FILE)).find((candidate) => existsSync(candidate));
    if (!file) throw new Error(`${SCHEMA_FILE} not found: install the @octokit/graphql-schema package`);
    const introspection: IntrospectionQuery = JSON.parse(readFileSync(file, 'utf8'));
    cached = buildClientSchema(introspection);
  }
  return cached;
}
