import { RouteResult } from '../context';

/** How GitHub fails a GraphQL query it could not afford to finish. */
export type GraphqlFault = 'timeout' | 'resource-limits';

/** GitHub's answer to a query that timed out (502) or went over its resource limits (200, typed error). */
export function graphqlFaultAnswer(fault: GraphqlFault, requestId: string): RouteResult {
  if (fault === 'timeout') {
    return {
      status: 502,
      body: {
        data: null,
        errors: [{ message: `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`${requestId}\` when reporting this issue.` }],
      },
    };
  }
  return { status: 200, body: { data: null, errors: [{ type: 'RESOURCE_LIMITS_EXCEEDED', message: 'Resource limits for this query exceeded.' }] } };
}
