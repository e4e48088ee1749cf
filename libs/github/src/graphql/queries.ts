/**
 * The GraphQL documents of the listings, valid against GitHub's public schema (checked in queries.spec.ts).
 *
 * Point cost (GitHub: the requests each connection needs at its `first`, summed, divided by 100, at least 1):
 * - repositories with their included files: 1 request per page (blobs are no connection) → 1 point per 100 repositories.
 * - pull requests nested in repositories, N repositories × M pull requests, each with assignees and review requests:
 *   1 + N + 2·N·M requests. N = 50, M = 10 → 1,051 → 11 points per 50 repositories; 10,000 repositories cost
 *   ~2,200 points for up to 100,000 pull requests (another ~2,200 when closed ones are listed too), where REST
 *   takes 10,000+ requests. A repository holding more than M continues alone: 1 + 100 + 2·100 → 3 points a page.
 *   Larger M buys few queries and costs points on every repository: most hold a handful of open pull requests.
 * - pull requests updated since (search): 1 + 2·100 requests → 2 points per 100.
 */

export const RATE_LIMIT_FIELDS = 'rateLimit { cost remaining resetAt }';

export const REPOSITORY_FIELDS = `
  id databaseId name nameWithOwner isPrivate visibility isFork isArchived isTemplate
  owner { login }
  description url stargazerCount
  createdAt updatedAt pushedAt
  primaryLanguage { name }
  defaultBranchRef { name }`;

/** Assignees and review requests past these many make a pull request read through REST. */
export const NESTED_PEOPLE = 10;

export const PULL_REQUEST_FIELDS = `
  id fullDatabaseId number title state url isDraft merged
  createdAt updatedAt closedAt mergedAt
  author { __typename login }
  headRefName headRefOid headRepository { name }
  baseRefName baseRefOid
  assignees(first: ${NESTED_PEOPLE}) { totalCount nodes { login } }
  reviewRequests(first: ${NESTED_PEOPLE}) { totalCount nodes { requestedReviewer { __typename ... on User { login } ... on Bot { login } ... on Team { slug } } } }`;

const pullConnection = (fields: string): string => `totalCount pageInfo { hasNextPage endCursor } nodes { ${fields} }`;
const OPEN_ORDER = '{ field: CREATED_AT, direction: DESC }';
const UPDATED_ORDER = '{ field: UPDATED_AT, direction: DESC }';

/** `HEAD:<path>` of each included file, aliased `file0`, `file1`, … with the expressions as variables `$file0`, …. */
function fileSelections(count: number): { variables: string; selections: string } {
  const indexes = [...Array(count).keys()];
  return {
    variables: indexes.map((index) => `, $file${index}: String!`).join(''),
    selections: indexes.map((index) => `file${index}: object(expression: $file${index}) { ... on Blob { text isBinary isTruncated byteSize } }`).join('\n'),
  };
}

const REPOSITORY_FILTERS = '$privacy: RepositoryPrivacy, $isFork: Boolean, $isArchived: Boolean';
const REPOSITORY_ARGUMENTS = 'first: $first, after: $after, privacy: $privacy, isFork: $isFork, isArchived: $isArchived, orderBy: { field: NAME, direction: ASC }';

/** The organization's repositories, a page at a time, with `fileCount` included files each. */
export function repositoriesQuery(fileCount: number): string {
  const files = fileSelections(fileCount);
  return `query OrganizationRepositories($org: String!, $first: Int!, $after: String, ${REPOSITORY_FILTERS}${files.variables}) {
  ${RATE_LIMIT_FIELDS}
  organization(login: $org) {
    repositories(${REPOSITORY_ARGUMENTS}) {
      pageInfo { hasNextPage endCursor }
      nodes { ${REPOSITORY_FIELDS}
        ${files.selections}
      }
    }
  }
}`;
}

export interface PullStates {
  open: boolean;
  closed: boolean;
}

/** The organization's repositories, a page at a time, each with its first `$pulls` open and/or closed pull requests. */
export function repositoriesWithPullsQuery(states: PullStates, fields = PULL_REQUEST_FIELDS): string {
  return `query OrganizationPullRequests($org: String!, $first: Int!, $after: String, $pulls: Int!, ${REPOSITORY_FILTERS}) {
  ${RATE_LIMIT_FIELDS}
  organization(login: $org) {
    repositories(${REPOSITORY_ARGUMENTS}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        name owner { login }
        ${states.open ? `open: pullRequests(states: [OPEN], first: $pulls, orderBy: ${OPEN_ORDER}) { ${pullConnection(fields)} }` : ''}
        ${states.closed ? `closed: pullRequests(states: [CLOSED, MERGED], first: $pulls, orderBy: ${UPDATED_ORDER}) { ${pullConnection(fields)} }` : ''}
      }
    }
  }
}`;
}

/** One repository's open (`$states: [OPEN]`) or closed pull requests after a cursor. */
export const repositoryPullsQuery = (fields = PULL_REQUEST_FIELDS): string => `query RepositoryPullRequests($owner: String!, $name: String!, $states: [PullRequestState!], $first: Int!, $after: String, $orderBy: IssueOrder) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    pullRequests(states: $states, first: $first, after: $after, orderBy: $orderBy) { ${pullConnection(fields)} }
  }
}`;

export const OPEN_ORDER_VARIABLE = { field: 'CREATED_AT', direction: 'DESC' } as const;
export const UPDATED_ORDER_VARIABLE = { field: 'UPDATED_AT', direction: 'DESC' } as const;

/** The organization's repositories, most recently updated (`UPDATED_AT`) or pushed (`PUSHED_AT`) first. */
export function changedRepositoriesQuery(fileCount: number): string {
  const files = fileSelections(fileCount);
  return `query ChangedRepositories($org: String!, $first: Int!, $after: String, $orderBy: RepositoryOrder!, ${REPOSITORY_FILTERS}${files.variables}) {
  ${RATE_LIMIT_FIELDS}
  organization(login: $org) {
    repositories(first: $first, after: $after, privacy: $privacy, isFork: $isFork, isArchived: $isArchived, orderBy: $orderBy) {
      pageInfo { hasNextPage endCursor }
      nodes { ${REPOSITORY_FIELDS}
        ${files.selections}
      }
    }
  }
}`;
}

/** Pull requests found by an issue search (`org:… is:pr updated:>=…`), with their repository. */
export const searchPullsQuery = (fields = PULL_REQUEST_FIELDS): string => `query UpdatedPullRequests($search: String!, $first: Int!, $after: String) {
  ${RATE_LIMIT_FIELDS}
  search(type: ISSUE, query: $search, first: $first, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on PullRequest {
        ${fields}
        repository { name owner { login } isPrivate isFork }
      }
    }
  }
}`;

/** One pull request, by number (a live event's, for a resource listed through GraphQL). */
export const pullRequestQuery = (fields = PULL_REQUEST_FIELDS): string => `query PullRequest($owner: String!, $name: String!, $number: Int!) {
  ${RATE_LIMIT_FIELDS}
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) { ${fields} }
  }
}`;
