import type { FetchContext, GithubObject } from '../fetchers/fetch-context';
import { RESYNC } from '../fetchers/fetch-context';
import { peopleComplete, type PullRequestNode, toRestPullRequest } from './convert';
import { PULL_REQUEST_FIELDS } from './queries';

export interface PullRepository {
  name: string;
  owner: { login: string };
}

/** What the listing keeps of every pull request node, whatever the shape: the closed window and `states` need them. */
export interface PullNodeBase {
  number: number;
  updatedAt: string;
  closedAt: string | null;
}

/** How a pull-request listing selects each node and what object it makes of it. */
export interface PullShape {
  readonly fields: string;
  toObject(context: FetchContext, node: PullNodeBase, repository: PullRepository): Promise<GithubObject>;
}

/** REST's pull request; one whose assignees or review requests outnumber the query's is read through REST. */
export const REST_PULL_SHAPE: PullShape = {
  fields: PULL_REQUEST_FIELDS,
  async toObject(context, node, repository) {
    const pull = node as unknown as PullRequestNode;
    if (peopleComplete(pull)) return toRestPullRequest(pull, repository);
    return context.client.request<GithubObject>('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: repository.owner.login, repo: repository.name, pull_number: node.number }, RESYNC);
  },
};

/**
 * The peer integration's pull request under `api: graphql`: GitHub's GraphQL node itself (camelCase: `url`,
 * `createdAt`, `fullDatabaseId`, `author.login`, …), with connections flattened (`assignees`, `labels`,
 * `reviewRequests` become lists; `comments`, `commits` and `review_comments` (review threads) their counts),
 * `requested_reviewers` users and teams, `state` lowercase, `mergeable` a boolean, `mergeable_state` lowercase.
 */
const PEER_REQUIRED_FIELDS = ['url', 'id', 'fullDatabaseId', 'number', 'title'];
const ACTOR = 'login avatarUrl url __typename';
const PEER_OPTIONAL_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ...['state', 'locked', 'body', 'createdAt', 'updatedAt', 'closedAt', 'mergedAt', 'isDraft', 'headRefName', 'baseRefName', 'mergeable', 'mergeStateStatus',
    'reviewDecision', 'authorAssociation', 'activeLockReason', 'merged', 'permalink', 'canBeRebased', 'closed', 'maintainerCanModify', 'lastEditedAt',
    'additions', 'deletions', 'changedFiles', 'headRefOid'].map((name) => [name, name] as const),
  ['headRef', 'headRef { name target { ... on Commit { oid } } }'],
  ['baseRef', 'baseRef { name target { ... on Commit { oid } } }'],
  ['author', `author { ${ACTOR} }`],
  ['mergedBy', `mergedBy { ${ACTOR} }`],
  ['mergeCommit', 'mergeCommit { oid }'],
  ['potentialMergeCommit', 'potentialMergeCommit { oid }'],
  ['assignees', `assignees(first: 10) { nodes { ${ACTOR} } }`],
  ['reviewRequests', `reviewRequests(first: 10) { nodes { requestedReviewer { __typename ... on User { ${ACTOR} } ... on Team { name slug } } } }`],
  ['labels', 'labels(first: 10) { nodes { id url name color isDefault description } }'],
  ['milestone', 'milestone { number title description dueOn url }'],
  ['comments', 'comments { totalCount }'],
  ['reviewThreads', 'reviewThreads { totalCount }'],
  ['reviews', `reviews(first: 10) { nodes { state body createdAt author { ${ACTOR} } } }`],
  ['statusCheckRollup', 'statusCheckRollup { state }'],
  ['commits', 'commits { totalCount }'],
  ['autoMergeRequest', 'autoMergeRequest { enabledAt mergeMethod commitHeadline commitBody }'],
];
/** Kept whatever `excludeGraphqlFields` says, under their own names: the closed window and `states` read them. */
const LISTING_FIELDS = ['state', 'updatedAt', 'closedAt'];

/** The fields `excludeGraphqlFields` may name (the peer's optional ones); others are refused by the selector check. */
export const PEER_EXCLUDABLE_FIELDS: readonly string[] = PEER_OPTIONAL_FIELDS.map(([name]) => name);

export function peerPullFields(excluded: readonly string[]): string {
  const dropped = new Set(excluded.filter((name) => !LISTING_FIELDS.includes(name)));
  return [...PEER_REQUIRED_FIELDS, ...PEER_OPTIONAL_FIELDS.filter(([name]) => !dropped.has(name)).map(([, selection]) => selection)].join('\n');
}

interface Connection {
  nodes?: unknown[] | null;
  totalCount?: number;
}

function nodesOf(value: unknown): unknown[] {
  return ((value as Connection | null)?.nodes ?? []).filter((node) => node !== null);
}

export function normalizePeerPull(node: GithubObject): GithubObject {
  const normalized: GithubObject = { ...node };
  if ('assignees' in node) normalized['assignees'] = nodesOf(node['assignees']);
  if ('reviewRequests' in node) {
    const requests = nodesOf(node['reviewRequests']) as Array<{ requestedReviewer?: { __typename?: string; login?: string; name?: string; slug?: string } | null }>;
    normalized['reviewRequests'] = requests;
    normalized['requested_reviewers'] = requests.flatMap(({ requestedReviewer: reviewer }): GithubObject[] => {
      if (!reviewer) return [];
      if (reviewer.__typename === 'User') return [{ login: reviewer.login, type: 'User' }];
      if (reviewer.__typename === 'Team') return [{ name: reviewer.name, slug: reviewer.slug, type: 'Team' }];
      return [];
    });
  }
  if ('labels' in node) normalized['labels'] = nodesOf(node['labels']);
  if ('comments' in node) normalized['comments'] = (node['comments'] as Connection | null)?.totalCount;
  if ('reviewThreads' in node) normalized['review_comments'] = (node['reviewThreads'] as Connection | null)?.totalCount;
  if ('commits' in node) normalized['commits'] = (node['commits'] as Connection | null)?.totalCount;
  if ('state' in node) normalized['state'] = typeof node['state'] === 'string' ? node['state'].toLowerCase() : null;
  if ('mergeStateStatus' in node) normalized['mergeable_state'] = typeof node['mergeStateStatus'] === 'string' ? node['mergeStateStatus'].toLowerCase() : null;
  if ('mergeable' in node) normalized['mergeable'] = node['mergeable'] === 'MERGEABLE';
  return normalized;
}

/** The peer's GraphQL pull request, without the fields `excluded` names. */
export function peerPullShape(excluded: readonly string[]): PullShape {
  return {
    fields: peerPullFields(excluded),
    toObject: async (_context, node) => normalizePeerPull(node as unknown as GithubObject),
  };
}
