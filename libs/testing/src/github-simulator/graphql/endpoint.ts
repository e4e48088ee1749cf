import { getVariableValues, OperationDefinitionNode } from 'graphql';
import { Principal } from '../auth';
import { SimulatorState } from '../state';
import { DocumentCache } from './documents';
import { fromGraphqlError, GithubGraphqlError } from './errors';
import { executeQuery } from './executor';
import { measureQuery, QueryMeasure } from './query-limits';
import { QueryRoot, RateLimitView } from './query-root';
import { githubSchema } from './schema';
import { ViewContext } from './views';

export const GRAPHQL_PATHS = ['/graphql', '/api/graphql'] as const;

export interface GraphqlAnswerBody {
  data?: unknown;
  errors?: GithubGraphqlError[];
}

/** An answer given without running the query (bad body, invalid query, pagination or node limits): nothing is charged. */
export interface RejectedQuery {
  kind: 'rejected';
  status: number;
  body: GraphqlAnswerBody | { message: string; documentation_url: string };
}

/** A query that may run: its cost is known; `run` executes it against the state. */
export interface RunnableQuery {
  kind: 'runnable';
  measure: QueryMeasure;
  isMutation: boolean;
  run(principal: Principal, rateLimit: RateLimitView | null): GraphqlAnswerBody;
}

const DOCS = 'https://docs.github.com/graphql';

/** GitHub's GraphQL endpoint over the simulator's state: the request body in, a rejection or a runnable query out. */
export class GraphqlEndpoint {
  private readonly documents = new DocumentCache(githubSchema);

  constructor(
    private readonly state: SimulatorState,
    private readonly webBase: string,
  ) {}

  plan(rawBody: string): RejectedQuery | RunnableQuery {
    const request = parseRequest(rawBody);
    if ('status' in request) return { kind: 'rejected', ...request };
    const prepared = this.documents.prepare(request.query);
    if (!prepared.document) return rejected(prepared.errors);
    const operations = prepared.document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition');
    const operation = request.operationName ? operations.find((candidate) => candidate.name?.value === request.operationName) : operations.length === 1 ? operations[0] : undefined;
    if (!operation) {
      return rejected([{ message: request.operationName ? `No operation named "${request.operationName}"` : 'An operationName is required when the document has more than one operation' }]);
    }
    const schema = githubSchema();
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables);
    if (coerced.errors) return rejected(coerced.errors.map(fromGraphqlError));
    const measure = measureQuery(schema, operation, prepared.fragments, coerced.coerced);
    if (measure.errors.length > 0) return rejected(measure.errors);
    const isMutation = operation.operation === 'mutation';
    return {
      kind: 'runnable',
      measure,
      isMutation,
      run: (principal, rateLimit) => {
        if (operation.operation !== 'query') return { errors: [{ type: 'NOT_SUPPORTED', message: `The simulator answers queries only, not ${operation.operation}s` }] };
        const root = new QueryRoot(new ViewContext(this.state, principal, this.webBase), rateLimit, measure.dryRun);
        const result = executeQuery(schema, operation, prepared.fragments, coerced.coerced, root);
        return { ...(result.errors.length > 0 ? { errors: result.errors } : {}), data: result.data };
      },
    };
  }
}

function rejected(errors: GithubGraphqlError[]): RejectedQuery {
  return { kind: 'rejected', status: 200, body: { errors } };
}

function parseRequest(rawBody: string): { query: string; variables: Record<string, unknown>; operationName?: string } | Omit<RejectedQuery, 'kind'> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: DOCS } };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { status: 400, body: { message: 'Body should be a JSON object', documentation_url: DOCS } };
  const fields = new Map(Object.entries(body));
  const query = fields.get('query');
  if (typeof query !== 'string' || query.trim() === '') return { status: 200, body: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] } };
  const variables = fields.get('variables');
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return { status: 200, body: { errors: [{ message: 'Variables must be a JSON object (or null).' }] } };
  }
  const operationName = fields.get('operationName');
  return {
    query,
    variables: variables ? Object.fromEntries(Object.entries(variables)) : {},
    ...(typeof operationName === 'string' && operationName !== '' ? { operationName } : {}),
  };
}
