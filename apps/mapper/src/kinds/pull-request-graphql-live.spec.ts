import type { FetchContext, GithubGraphqlClient, GithubRestClient } from '@glint/github';
import type { PortAppConfig, ResourceConfig } from '@glint/mapping';
import { LiveReads, liveObjectsOf } from '.';
import { NOW, PULL_REQUEST, webhook } from './live-event.spec-helper';

const pull = PULL_REQUEST;

/** Answers the one-pull-request query with the peer's node; records the variables of each query. */
class RecordedGraphql implements GithubGraphqlClient {
  readonly queries: Array<Record<string, unknown>> = [];

  async query<T>(_document: string, variables: Record<string, unknown> = {}): Promise<T> {
    this.queries.push(variables);
    return { repository: { pullRequest: { url: pull.html_url, id: 'PR_7', fullDatabaseId: '7', number: 7, title: 'first', state: 'OPEN', updatedAt: pull.updated_at, closedAt: null, isDraft: true } } } as T;
  }
}

const rest: GithubRestClient = {
  request: async () => Promise.reject(new Error('no REST read expected')),
  paginate: async function* () {
    yield [];
  },
};

const resource = (selector: Record<string, unknown>): ResourceConfig => ({ kind: 'pull-request', selector: { query: 'true', ...selector } }) as unknown as ResourceConfig;

async function livePull(graphql: RecordedGraphql) {
  const event = webhook('pull_request', { action: 'edited', pull_request: pull });
  const context: FetchContext = { client: rest, graphql, organization: 'acme' };
  const reads = new LiveReads(undefined, undefined, undefined, () => new Date(NOW));
  const [object] = await liveObjectsOf(reads.contextOf(event, context, { repositoryType: 'all', resources: [] } as unknown as PortAppConfig));
  return object;
}

describe("a live pull request for a resource with the peer's api: graphql", () => {
  it("is read again through GraphQL in the peer's shape", async () => {
    const graphql = new RecordedGraphql();
    const object = await livePull(graphql);
    const enriched = await object.enrich?.(object.current ?? {}, resource({ api: 'graphql' }));
    expect(graphql.queries).toEqual([{ owner: 'acme', name: 'api', number: 7 }]);
    expect(enriched).toEqual(expect.objectContaining({ url: pull.html_url, isDraft: true, state: 'open', __repository: 'api', __organization: 'acme' }));
  });

  it("stays REST's object for a resource without it", async () => {
    const graphql = new RecordedGraphql();
    const object = await livePull(graphql);
    expect(await object.enrich?.(object.current ?? {}, resource({}))).toEqual(object.current);
    expect(graphql.queries).toEqual([]);
  });
});
