import { includedFilesOf, type PullRequestNode, type RepositoryNode, toRestPullRequest, toRestRepository } from './convert';
import { normalizePeerPull } from './pull-shapes';

const repositoryNode: RepositoryNode = {
  id: 'MDEwOlJlcG9zaXRvcnkx',
  databaseId: 1,
  name: 'api',
  nameWithOwner: 'acme/api',
  isPrivate: true,
  visibility: 'INTERNAL',
  isFork: false,
  isArchived: false,
  isTemplate: false,
  owner: { login: 'acme' },
  description: null,
  url: 'https://github.com/acme/api',
  stargazerCount: 3,
  createdAt: '2024-01-02T03:04:05.000Z',
  updatedAt: '2024-02-02T03:04:05Z',
  pushedAt: null,
  primaryLanguage: { name: 'Go' },
  defaultBranchRef: { name: 'trunk' },
};

const pullNode: PullRequestNode = {
  id: 'PR_1',
  fullDatabaseId: '9007199254',
  number: 7,
  title: 'Fix',
  state: 'MERGED',
  url: 'https://github.com/acme/api/pull/7',
  isDraft: false,
  merged: true,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-03T00:00:00Z',
  closedAt: '2024-01-02T00:00:00Z',
  mergedAt: '2024-01-02T00:00:00.123Z',
  author: null,
  headRefName: 'fix',
  headRefOid: 'abc',
  headRepository: null,
  baseRefName: 'trunk',
  baseRefOid: 'def',
  assignees: { totalCount: 1, nodes: [{ login: 'ann' }] },
  reviewRequests: { totalCount: 2, nodes: [{ requestedReviewer: { __typename: 'User', login: 'bob' } }, { requestedReviewer: { __typename: 'Team', slug: 'core' } }] },
};

describe('GraphQL nodes in REST form', () => {
  it('gives a repository REST’s keys and values', () => {
    expect(toRestRepository(repositoryNode)).toEqual(
      expect.objectContaining({
        id: 1,
        node_id: 'MDEwOlJlcG9zaXRvcnkx',
        full_name: 'acme/api',
        private: true,
        visibility: 'internal',
        owner: { login: 'acme' },
        html_url: 'https://github.com/acme/api',
        created_at: '2024-01-02T03:04:05Z',
        pushed_at: null,
        language: 'Go',
        default_branch: 'trunk',
        archived: false,
      }),
    );
  });

  it('gives a pull request REST’s keys and values: state closed with merged_at, users and teams apart, the ghost author', () => {
    expect(toRestPullRequest(pullNode, { name: 'api', owner: { login: 'acme' } })).toEqual(
      expect.objectContaining({
        id: 9007199254,
        node_id: 'PR_1',
        state: 'closed',
        merged_at: '2024-01-02T00:00:00Z',
        html_url: 'https://github.com/acme/api/pull/7',
        user: { login: 'ghost' },
        assignees: [{ login: 'ann' }],
        requested_reviewers: [{ login: 'bob' }],
        requested_teams: [{ slug: 'core' }],
        head: { ref: 'fix', sha: 'abc', repo: null },
        base: { ref: 'trunk', sha: 'def', repo: { name: 'api', owner: { login: 'acme' } } },
      }),
    );
  });

  it("names a bot as REST does, '<name>[bot]'", () => {
    const byBot = toRestPullRequest({ ...pullNode, author: { __typename: 'Bot', login: 'dependabot' }, reviewRequests: { totalCount: 1, nodes: [{ requestedReviewer: { __typename: 'Bot', login: 'copilot' } }] } }, { name: 'api', owner: { login: 'acme' } });
    expect(byBot).toEqual(expect.objectContaining({ user: { login: 'dependabot[bot]' }, requested_reviewers: [{ login: 'copilot[bot]' }] }));
  });

  it('reads included files from blobs: a missing file is null, a binary or truncated one goes to REST', () => {
    const node = { ...repositoryNode, file0: { text: '# API', isBinary: false, isTruncated: false, byteSize: 5 }, file1: null };
    expect(includedFilesOf(node, ['README.md', 'CODEOWNERS'])).toEqual({ 'README.md': '# API', CODEOWNERS: null });
    expect(includedFilesOf({ ...node, file1: { text: null, isBinary: true, isTruncated: false, byteSize: 9 } }, ['README.md', 'CODEOWNERS'])).toBeUndefined();
    expect(includedFilesOf({ ...node, file1: { text: 'x', isBinary: false, isTruncated: true, byteSize: 600_000 } }, ['README.md', 'CODEOWNERS'])).toBeUndefined();
  });
});

describe("the peer's GraphQL shape", () => {
  it('flattens connections, counts, lowercases the state and lists users and teams as requested reviewers', () => {
    const normalized = normalizePeerPull({
      url: 'u',
      state: 'OPEN',
      mergeable: 'MERGEABLE',
      mergeStateStatus: 'CLEAN',
      assignees: { nodes: [{ login: 'ann' }] },
      labels: { nodes: [{ name: 'bug' }] },
      comments: { totalCount: 4 },
      reviewThreads: { totalCount: 2 },
      commits: { totalCount: 3 },
      reviewRequests: { nodes: [{ requestedReviewer: { __typename: 'User', login: 'bob' } }, { requestedReviewer: { __typename: 'Team', name: 'Core', slug: 'core' } }] },
    });
    expect(normalized).toEqual(
      expect.objectContaining({
        url: 'u',
        state: 'open',
        mergeable: true,
        mergeable_state: 'clean',
        assignees: [{ login: 'ann' }],
        labels: [{ name: 'bug' }],
        comments: 4,
        review_comments: 2,
        commits: 3,
        requested_reviewers: [
          { login: 'bob', type: 'User' },
          { name: 'Core', slug: 'core', type: 'Team' },
        ],
      }),
    );
  });
});
