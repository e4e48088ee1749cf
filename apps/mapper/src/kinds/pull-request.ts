import {
  FetchContext,
  fetchPullRequests,
  fetchPullRequestsChangedSince,
  fetchPullRequestsChangedSinceGraphql,
  fetchPullRequestsGraphql,
  GithubObject,
  peerPullShape,
  PullShape,
  readPullRequestGraphql,
  Repository,
  REST_PULL_SHAPE,
  withPullRequestFirstCommit,
} from '@glint/github';
import type { ResourceConfig } from '@glint/mapping';
import { KindModule, PayloadFirstKind, listOption, payloadObject, Selector } from './kind-module';
import { listingApi } from './listing-api';

/** A `pull_request` payload's object is the REST pull request (`GET …/pulls/{number}`), ordered by `updated_at`. */
export const pullRequestKind: KindModule & PayloadFirstKind = {
  kind: 'pull-request',
  repositoryScoped: true,
  list: (context, selector, resource) => withFirstCommits(context, selector, pullRequestListing(context, selector, resource)),
  listChangedSince: (context, selector, since, resource) => withFirstCommits(context, selector, pullRequestChanges(context, selector, since, resource)),
  liveEvents: ['pull_request'],
  // The shipped mapping's fields, the `states` filter's, identity and order.
  payloadFields: ['id', 'number', 'updated_at', 'state', 'title', 'user.login', 'assignees[].login', 'requested_reviewers[].login', 'created_at', 'closed_at', 'merged_at', 'html_url', 'head.repo.name'],
  async liveObjects(live) {
    const pull = payloadObject(live.payload, 'pull_request', 'number');
    if (!pull || !live.repository) return [];
    const object = await live.fromPayload(pullRequestKind, live.known(pull), () => live.readKnown('GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: pull['number'] }));
    const repository = live.repository;
    const enrich = async (current: GithubObject, resource: ResourceConfig): Promise<GithubObject> =>
      firstCommitOf(live.fetch, resource.selector, await inResourceShape(live.fetch, repository, current, resource));
    return [{ ...object, enrich }];
  },
  keeps: (selector, object) => listOption(selector['states'], ['open']).includes(String(object['state'])),
};

/** First-commit reads at once, as the peer's enrichment batches. */
const FIRST_COMMIT_READS_AT_ONCE = 10;

/**
 * `enrichWithFirstCommit`: each listed pull request gets `firstCommit` (`oid`, `committedDate`) after the listing,
 * whichever API listed it.
 */
async function* withFirstCommits(context: FetchContext, selector: Selector, pages: AsyncIterable<GithubObject[]>): AsyncIterable<GithubObject[]> {
  if (selector['enrichWithFirstCommit'] !== true) {
    yield* pages;
    return;
  }
  for await (const page of pages) {
    const enriched: GithubObject[] = [];
    for (let start = 0; start < page.length; start += FIRST_COMMIT_READS_AT_ONCE) {
      enriched.push(...(await Promise.all(page.slice(start, start + FIRST_COMMIT_READS_AT_ONCE).map((pull) => firstCommitOf(context, selector, pull)))));
    }
    yield enriched;
  }
}

function firstCommitOf(context: FetchContext, selector: Selector, pull: GithubObject): Promise<GithubObject> {
  const number = pull['number'];
  const repository = pull['__repository'];
  if (selector['enrichWithFirstCommit'] !== true || typeof number !== 'number' || typeof repository !== 'string') return Promise.resolve(pull);
  return withPullRequestFirstCommit(context, context.organization, repository, { ...pull, number });
}

/** The listing through REST or GraphQL, as `listingApi` chooses for the resource. */
function pullRequestListing(context: FetchContext, selector: Selector, resource: ResourceConfig | undefined): AsyncIterable<GithubObject[]> {
  const choice = listingApi('pull-request', context, selector, resource);
  return choice.api === 'rest' ? fetchPullRequests(context, selector) : fetchPullRequestsGraphql(context, selector, Date.now(), shapeOf(choice.shape, selector));
}

function pullRequestChanges(context: FetchContext, selector: Selector, since: Date, resource: ResourceConfig | undefined): AsyncIterable<GithubObject[]> {
  const choice = listingApi('pull-request', context, selector, resource);
  return choice.api === 'rest'
    ? fetchPullRequestsChangedSince(context, selector, since)
    : fetchPullRequestsChangedSinceGraphql(context, selector, since, Date.now(), shapeOf(choice.shape, selector));
}

/**
 * A resource with the peer's `api: graphql` maps GraphQL-shaped pull requests: a live one is read again through
 * GraphQL in that shape (REST's object when GraphQL is not at hand or the pull request is gone meanwhile).
 */
async function inResourceShape(context: FetchContext, repository: Repository, current: GithubObject, resource: ResourceConfig): Promise<GithubObject> {
  if (resource.selector['api'] !== 'graphql' || !context.graphql || typeof current['number'] !== 'number') return current;
  const read = await readPullRequestGraphql(context, repository, current['number'], shapeOf('peer', resource.selector));
  return read ?? current;
}

function shapeOf(shape: 'rest' | 'peer', selector: Selector): PullShape {
  return shape === 'rest' ? REST_PULL_SHAPE : peerPullShape(listOption(selector['excludeGraphqlFields'], []));
}
