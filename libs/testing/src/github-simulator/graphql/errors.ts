import { ASTNode, GraphQLError } from 'graphql';

/** An entry of a GitHub GraphQL answer's `errors`: GitHub puts its error `type` at the top level, not in `extensions`. */
export interface GithubGraphqlError {
  type?: string;
  message: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
}

/** An error at a node of the query; `type` undefined for errors GitHub gives no type (graphql-js's own). */
export function errorAt(type: string | undefined, message: string, node: ASTNode | undefined, path?: ReadonlyArray<string | number>): GithubGraphqlError {
  const location = node?.loc;
  const locations = location ? [{ line: location.startToken.line, column: location.startToken.column }] : undefined;
  return { ...(type ? { type } : {}), message, ...(path ? { path } : {}), ...(locations ? { locations } : {}) };
}

/** Thrown by a resolver for an error GitHub reports with a `type` (the field answers null). */
export class TypedResolverError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** graphql-js's error as GitHub shows it: `type` from a typed resolver error, no `extensions`. */
export function fromGraphqlError(error: GraphQLError): GithubGraphqlError {
  const type = error.originalError instanceof TypedResolverError ? error.originalError.type : undefined;
  return {
    ...(type ? { type } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.locations ? { locations: error.locations.map(({ line, column }) => ({ line, column })) } : {}),
    message: error.message,
  };
}
