import type { GithubObject } from '../fetchers/fetch-context';
import type { Repository } from '../fetchers/repositories';

/** A repository node as `REPOSITORY_FIELDS` selects it, with aliased blobs (`file0`, …). */
export interface RepositoryNode {
  id: string;
  databaseId: number | null;
  name: string;
  nameWithOwner: string;
  isPrivate: boolean;
  visibility: string;
  isFork: boolean;
  isArchived: boolean;
  isTemplate: boolean;
  owner: { login: string };
  description: string | null;
  url: string;
  stargazerCount: number;
  createdAt: string;
  updatedAt: string;
  pushedAt: string | null;
  primaryLanguage: { name: string } | null;
  defaultBranchRef: { name: string } | null;
  [alias: `file${number}`]: BlobNode | null | undefined;
}

export interface BlobNode {
  text?: string | null;
  isBinary?: boolean | null;
  isTruncated?: boolean;
  byteSize?: number;
}

export interface PullRequestNode {
  id: string;
  fullDatabaseId: string | number | null;
  number: number;
  title: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  url: string;
  isDraft: boolean;
  merged: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  author: { __typename?: string; login: string } | null;
  headRefName: string;
  headRefOid: string;
  headRepository: { name: string } | null;
  baseRefName: string;
  baseRefOid: string;
  assignees: { totalCount: number; nodes: Array<{ login: string } | null> };
  reviewRequests: { totalCount: number; nodes: Array<{ requestedReviewer: { __typename: string; login?: string; slug?: string } | null } | null> };
}

/**
 * The fields (`a.b`, `a[].b`) the GraphQL listings supply, each equal to the REST listing's; a mapping reading
 * anything else lists through REST. `__includedFiles` is whole (the object of paths the selector names).
 */
export const GRAPHQL_REPOSITORY_FIELDS: readonly string[] = [
  'id', 'node_id', 'name', 'full_name', 'private', 'visibility', 'fork', 'archived', 'is_template', 'owner.login', 'description', 'html_url',
  'stargazers_count', 'watchers_count', 'created_at', 'updated_at', 'pushed_at', 'language', 'default_branch', '__includedFiles',
];

export const GRAPHQL_PULL_REQUEST_FIELDS: readonly string[] = [
  'id', 'node_id', 'number', 'title', 'state', 'html_url', 'draft', 'merged', 'created_at', 'updated_at', 'closed_at', 'merged_at', 'user.login',
  'assignees[].login', 'requested_reviewers[].login', 'requested_teams[].slug', 'head.ref', 'head.sha', 'head.repo.name', 'base.ref', 'base.sha',
  'base.repo.name', '__repository', '__organization',
];

/** GitHub's GraphQL DateTime may carry milliseconds; REST's timestamps never do. */
export function restTime(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value.replace(/\.\d+Z$/, 'Z');
}

/** REST's repository object (the fields `GRAPHQL_REPOSITORY_FIELDS` lists). */
export function toRestRepository(node: RepositoryNode): Repository {
  return {
    id: node.databaseId,
    node_id: node.id,
    name: node.name,
    full_name: node.nameWithOwner,
    private: node.isPrivate,
    owner: { login: node.owner.login },
    html_url: node.url,
    description: node.description,
    fork: node.isFork,
    created_at: restTime(node.createdAt),
    updated_at: restTime(node.updatedAt),
    pushed_at: restTime(node.pushedAt),
    stargazers_count: node.stargazerCount,
    watchers_count: node.stargazerCount,
    language: node.primaryLanguage?.name ?? null,
    archived: node.isArchived,
    visibility: node.visibility.toLowerCase(),
    is_template: node.isTemplate,
    // An empty repository has no default branch ref; REST still names the branch it will have.
    default_branch: node.defaultBranchRef?.name ?? 'main',
  };
}

/**
 * `__includedFiles` from the aliased blobs, as REST's contents reads give it (null for a missing file); undefined when
 * a blob is binary or truncated, whose text only REST gives whole.
 */
export function includedFilesOf(node: RepositoryNode, paths: readonly string[]): Record<string, string | null> | undefined {
  const files: Record<string, string | null> = {};
  for (const [index, path] of paths.entries()) {
    const blob = node[`file${index}`];
    if (blob === null || blob === undefined || blob.text === undefined) {
      // Not a blob (absent, or a directory): REST answers null for both.
      files[path] = null;
      continue;
    }
    if (blob.isBinary !== false || blob.isTruncated || blob.text === null) return undefined;
    files[path] = blob.text;
  }
  return files;
}

/** REST names a GitHub App's bot `<name>[bot]`; GraphQL's Bot actor is `<name>`. */
function restLogin(actor: { __typename?: string; login?: string }): string | undefined {
  return actor.__typename === 'Bot' && actor.login !== undefined ? `${actor.login}[bot]` : actor.login;
}

/** Whether the node's people lists are whole; a longer list is read through REST. */
export function peopleComplete(node: PullRequestNode): boolean {
  return node.assignees.totalCount <= node.assignees.nodes.length && node.reviewRequests.totalCount <= node.reviewRequests.nodes.length;
}

/** REST's pull request object (the fields `GRAPHQL_PULL_REQUEST_FIELDS` lists), without the repository enrichment. */
export function toRestPullRequest(node: PullRequestNode, repository: { name: string; owner: { login: string } }): GithubObject {
  const reviewers = node.reviewRequests.nodes.map((request) => request?.requestedReviewer).filter((reviewer) => reviewer !== null && reviewer !== undefined);
  return {
    id: Number(node.fullDatabaseId),
    node_id: node.id,
    number: node.number,
    title: node.title,
    state: node.state === 'OPEN' ? 'open' : 'closed',
    html_url: node.url,
    draft: node.isDraft,
    merged: node.merged,
    // A deleted account shows as GitHub's `ghost` user in REST, as null in GraphQL.
    user: { login: node.author ? restLogin(node.author) : 'ghost' },
    created_at: restTime(node.createdAt),
    updated_at: restTime(node.updatedAt),
    closed_at: restTime(node.closedAt),
    merged_at: restTime(node.mergedAt),
    assignees: node.assignees.nodes.filter((assignee) => assignee !== null).map((assignee) => ({ login: assignee.login })),
    requested_reviewers: reviewers.filter((reviewer) => reviewer.__typename === 'User' || reviewer.__typename === 'Bot').map((reviewer) => ({ login: restLogin(reviewer) })),
    requested_teams: reviewers.filter((reviewer) => reviewer.__typename === 'Team').map((reviewer) => ({ slug: reviewer.slug })),
    head: { ref: node.headRefName, sha: node.headRefOid, repo: node.headRepository ? { name: node.headRepository.name } : null },
    base: { ref: node.baseRefName, sha: node.baseRefOid, repo: { name: repository.name, owner: { login: repository.owner.login } } },
  };
}
