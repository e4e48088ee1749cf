import {
  FieldNode,
  FragmentDefinitionNode,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLCompositeType,
  GraphQLIncludeDirective,
  GraphQLSchema,
  GraphQLSkipDirective,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { errorAt, GithubGraphqlError } from './errors';

/** GitHub's limits on one query (docs.github.com, "Rate limits and query limits for the GraphQL API"). */
export const GRAPHQL_QUERY_LIMITS = { maxPageSize: 100, maxNodes: 500_000, requestsPerPoint: 100 } as const;

export interface QueryMeasure {
  /** Pagination and node-limit errors; the query is not run when there are any. */
  errors: GithubGraphqlError[];
  /** The most nodes the query may return: each connection's page size times its parent connections' page sizes. */
  nodeCount: number;
  /** The requests GitHub counts: one per connection, times the nodes of its parent connections' pages. */
  requestCount: number;
  /** Rate-limit points: the requests / 100, rounded, at least 1. */
  cost: number;
  /** The largest `first`/`last` of any connection (0 when there is none). */
  largestPage: number;
  /** Whether `rateLimit(dryRun: true)` asks for the cost only. */
  dryRun: boolean;
}

export function pointsFor(requestCount: number): number {
  return Math.max(1, Math.round(requestCount / GRAPHQL_QUERY_LIMITS.requestsPerPoint));
}

/** Checks an operation's connections against GitHub's pagination rules and computes its node count and cost. */
export function measureQuery(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): QueryMeasure {
  const measure: QueryMeasure = { errors: [], nodeCount: 0, requestCount: 0, cost: 1, largestPage: 0, dryRun: false };
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!root) return measure;
  let nodeLimitError: GithubGraphqlError | undefined;

  const included = (node: FieldNode | SelectionSetNode['selections'][number]): boolean => {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  };

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, multiplier: number, path: string[]): void => {
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === 'InlineFragment') {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type, multiplier, path);
        continue;
      }
      if (selection.kind === 'FragmentSpread') {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type && isCompositeType(type)) walk(fragment.selectionSet, type, multiplier, path);
        continue;
      }
      if (!(isObjectType(parent) || isInterfaceType(parent))) continue;
      const definition = parent.getFields()[selection.name.value];
      if (!definition) continue;
      const fieldPath = [...path, selection.alias?.value ?? selection.name.value];
      const args = getArgumentValues(definition, selection, variables);
      if (root === parent && selection.name.value === 'rateLimit' && args.dryRun === true) measure.dryRun = true;
      let childMultiplier = multiplier;
      const isConnection = definition.args.some((arg) => arg.name === 'first') && definition.args.some((arg) => arg.name === 'last');
      if (isConnection) {
        // Only a connection whose nodes are asked for must be bounded: `stargazers { totalCount }` is fine.
        const pageSize = args.first === undefined && args.last === undefined && !selectsNodes(selection.selectionSet, fragments) ? 0 : pageSizeOf(args, selection, fieldPath, measure.errors);
        if (pageSize === undefined) continue;
        measure.requestCount += multiplier;
        measure.nodeCount += multiplier * pageSize;
        measure.largestPage = Math.max(measure.largestPage, pageSize);
        childMultiplier = multiplier * pageSize;
        if (!nodeLimitError && measure.nodeCount > GRAPHQL_QUERY_LIMITS.maxNodes) {
          nodeLimitError = errorAt(
            'MAX_NODE_LIMIT_EXCEEDED',
            `By the time this query traverses to the ${selection.name.value} connection, it is requesting up to ${measure.nodeCount.toLocaleString('en-US')} possible nodes which exceeds the maximum limit of ${GRAPHQL_QUERY_LIMITS.maxNodes.toLocaleString('en-US')}.`,
            selection,
            fieldPath,
          );
        }
      }
      const type = getNamedType(definition.type);
      if (selection.selectionSet && isCompositeType(type)) walk(selection.selectionSet, type, childMultiplier, fieldPath);
    }
  };

  walk(operation.selectionSet, root, 1, [operation.operation]);
  if (nodeLimitError) measure.errors.push(nodeLimitError);
  measure.cost = pointsFor(measure.requestCount);
  return measure;
}

/** Whether a connection's selection reaches its `nodes` or `edges`, directly or through fragments. */
function selectsNodes(selectionSet: SelectionSetNode | undefined, fragments: ReadonlyMap<string, FragmentDefinitionNode>): boolean {
  if (!selectionSet) return false;
  return selectionSet.selections.some((selection) => {
    if (selection.kind === 'Field') return selection.name.value === 'nodes' || selection.name.value === 'edges';
    if (selection.kind === 'InlineFragment') return selectsNodes(selection.selectionSet, fragments);
    return selectsNodes(fragments.get(selection.name.value)?.selectionSet, fragments);
  });
}

function pageSizeOf(args: Record<string, unknown>, field: FieldNode, path: string[], errors: GithubGraphqlError[]): number | undefined {
  const name = field.name.value;
  const bound = typeof args.first === 'number' ? { argument: 'first', value: args.first } : typeof args.last === 'number' ? { argument: 'last', value: args.last } : undefined;
  if (!bound) {
    errors.push(errorAt('MISSING_PAGINATION_BOUNDARIES', `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`, field, path));
    return undefined;
  }
  if (bound.value > GRAPHQL_QUERY_LIMITS.maxPageSize) {
    errors.push(errorAt('EXCESSIVE_PAGINATION', `Requesting ${bound.value} records on the \`${name}\` connection exceeds the \`${bound.argument}\` limit of ${GRAPHQL_QUERY_LIMITS.maxPageSize} records.`, field, path));
    return undefined;
  }
  if (bound.value < 0) {
    errors.push(errorAt('INVALID_ARGUMENTS', `\`${bound.argument}\` on the \`${name}\` connection cannot be less than zero.`, field, path));
    return undefined;
  }
  return bound.value;
}
