import type { FetchContext, GithubGraphqlClient, GithubRestClient } from '@glint/github';
import type { PortAppConfig, ResourceConfig } from '@glint/mapping';
import type { WebhookEvent } from '@glint/queue';
import { LiveReads, liveObjectsOf } from '.';

const NOW = Date.parse('2026-11-21T12:00:00.000Z');
const repository = { id: 100, name: 'api', owner: { login: 'acme' }, default_branch: 'main' };
const pull = {
  id: 7,
  number: 7,
  title: 'first',
  state: 'open',
  user: { login: 'ada' },
  assignees: [],
  requested_reviewers: [],
  created_at: '2026-11-20T10:00:00Z',
  updated_at: '2026-11-21T10:00:00Z',
  closed_at: null,
  merged_at: null,
  html_url: 'https://github.example/acme/api/pull/7',
  head: { repo: { name: 'api' } },
};

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
  const event: WebhookEvent = { deliveryId: 'd-1', event: 'pull_request', groupKey: 'repo-100', partition: 0, receivedAt: '2026-11-21T00:00:00.000Z', payload: { action: 'edited', pull_request: pull, repository } };
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
