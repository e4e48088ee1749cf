export { AdaptivePageSize } from './adaptive-page';
export { GRAPHQL_PULL_REQUEST_FIELDS, GRAPHQL_REPOSITORY_FIELDS, restTime, toRestPullRequest, toRestRepository } from './convert';
export type { PullRequestNode, RepositoryNode } from './convert';
export { GithubGraphqlError, GraphqlClient, GraphqlQueryTooLargeError } from './graphql-client';
export type { GithubGraphqlClient, GraphqlQueryOptions } from './graphql-client';
export {
  fetchPullRequestsChangedSinceGraphql,
  fetchPullRequestsGraphql,
  fetchRepositoriesChangedSinceGraphql,
  fetchRepositoriesGraphql,
  readPullRequestGraphql,
  repositoryFilters,
  SEARCH_RESULT_LIMIT,
} from './listings';
export { normalizePeerPull, PEER_EXCLUDABLE_FIELDS, peerPullFields, peerPullShape, REST_PULL_SHAPE } from './pull-shapes';
export type { PullShape } from './pull-shapes';
