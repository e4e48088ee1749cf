import { Logger } from '@nestjs/common';
import { Secret } from '@glint/config';
import { GithubAccess, GithubInstallation, GithubPermissionError, GithubRestClient } from '@glint/github';
import { MetricsRegistry } from '@glint/observability';
import type { ManagedWebhookRow, ManagedWebhooks } from './managed-webhook-store';
import { SUBSCRIBED_WEBHOOK_EVENTS } from './webhook-events';
import { WebhookMetrics } from './webhook-metrics';
import type { GithubHook } from './webhook-plan';
import { WebhookReconciler } from './webhook-reconciler';
import { hookRoute, targetKey, targetOfKey } from './webhook-targets';

const BASE_URL = 'https://glint.example.com';
const alice: GithubInstallation = { id: 7, accountLogin: 'alice', accountType: 'User', suspended: false };

interface Repository {
  name: string;
  archived?: boolean;
  owner: { login: string };
}

/** GitHub's repository webhook routes for one user's repositories, in memory; a repository in `denied` answers 404. */
class FakeGithub implements GithubRestClient {
  readonly calls: string[] = [];
  readonly hooks = new Map<string, GithubHook[]>();
  readonly denied = new Set<string>();
  private nextId = 100;

  constructor(private readonly repositories: Repository[]) {}

  async request<T>(route: string, params: Record<string, unknown> = {}): Promise<T> {
    const path = this.path(route, params);
    this.calls.push(path);
    const repo = `${String(params['owner'])}/${String(params['repo'])}`;
    if (this.denied.has(repo)) throw new GithubPermissionError(`${path} answered 404: it does not exist, or the token probably lacks access`, 404, path, 'Webhooks: write');
    const list = this.hooks.get(repo) ?? [];
    if (route === 'POST /repos/{owner}/{repo}/hooks') {
      const config = params['config'] as GithubHook['config'];
      const hook: GithubHook = { id: (this.nextId += 1), active: params['active'] === true, events: params['events'] as string[], config: { ...config, secret: config.secret ? '********' : undefined } };
      this.hooks.set(repo, [...list, hook]);
      return hook as T;
    }
    throw new Error(`unexpected ${path}`);
  }

  async *paginate<T>(route: string, params: Record<string, unknown> = {}): AsyncIterable<T[]> {
    const path = this.path(route, params);
    this.calls.push(path);
    if (route === 'GET /installation/repositories' || route === 'GET /user/repos') {
      yield this.repositories as T[];
      return;
    }
    const repo = `${String(params['owner'])}/${String(params['repo'])}`;
    if (this.denied.has(repo)) throw new GithubPermissionError(`${path} answered 404: it does not exist, or the token probably lacks access`, 404, path, 'Webhooks: read');
    if (route === 'GET /repos/{owner}/{repo}/hooks') {
      const hooks = this.hooks.get(repo) ?? [];
      if (hooks.length > 0) yield hooks as T[];
      return;
    }
    throw new Error(`unexpected ${path}`);
  }

  private path(route: string, params: Record<string, unknown>): string {
    const filled = route.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name]));
    return route.startsWith('GET /user/repos') ? `${filled}?affiliation=${String(params['affiliation'])}` : filled;
  }
}

class MemoryWebhooks implements ManagedWebhooks {
  readonly rows = new Map<string, ManagedWebhookRow>();
  async withTargetLock<T>(_target: string, work: () => Promise<T>): Promise<T> {
    return work();
  }
  async get(target: string): Promise<ManagedWebhookRow | undefined> {
    return this.rows.get(target);
  }
  async all(): Promise<ManagedWebhookRow[]> {
    return [...this.rows.values()];
  }
  async save(row: ManagedWebhookRow): Promise<void> {
    this.rows.set(row.target, row);
  }
}

function accessTo(github: FakeGithub): GithubAccess {
  return {
    installations: async () => [alice],
    clientFor: () => github,
    appClient: () => github,
    stats: () => ({ requests: 0, notModified: 0, serverRetries: 0, rateLimitWaits: 0, pageShrinks: 0, graphqlQueries: 0, graphqlPoints: 0 }),
  };
}

describe('BASE_URL webhooks of a personal account', () => {
  const repositories: Repository[] = [
    { name: 'api', owner: { login: 'alice' } },
    { name: 'old', archived: true, owner: { login: 'alice' } },
    { name: 'shared', owner: { login: 'acme' } },
  ];
  let github: FakeGithub;
  let store: MemoryWebhooks;
  let metrics: WebhookMetrics;

  const reconciler = (mode: 'app' | 'token') =>
    new WebhookReconciler({ access: accessTo(github), accounts: { select: async (installations) => ({ included: [...installations], failed: [] }) }, store, metrics, mode, baseUrl: BASE_URL, secret: new Secret('hook-secret') });

  beforeEach(() => {
    github = new FakeGithub(repositories);
    store = new MemoryWebhooks();
    metrics = new WebhookMetrics(new MetricsRegistry('mapper'));
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('gives each repository the account owns a hook, without the organization events, skipping archived ones (App mode)', async () => {
    const sut = reconciler('app');

    expect(await sut.reconcileAll('start')).toEqual([{ target: 'repository:alice/api', outcome: 'created' }]);

    expect(github.calls).toEqual(['GET /installation/repositories', 'GET /repos/alice/api/hooks', 'POST /repos/alice/api/hooks']);
    const [hook] = github.hooks.get('alice/api') ?? [];
    expect(hook.events).toEqual(SUBSCRIBED_WEBHOOK_EVENTS.filter((event) => !['organization', 'team', 'membership', 'member'].includes(event)));
    expect(hook.config).toMatchObject({ url: `${BASE_URL}/webhook`, content_type: 'json', secret: '********' });
    expect(store.rows.get('repository:alice/api')).toMatchObject({ installationId: 7, hookId: hook.id, url: `${BASE_URL}/webhook` });
  });

  it('lists the token user’s own repositories in PAT mode, and writes nothing the second time', async () => {
    const sut = reconciler('token');
    await sut.reconcileAll('start');
    github.calls.length = 0;

    expect(await sut.reconcileAll('schedule')).toEqual([{ target: 'repository:alice/api', outcome: 'unchanged' }]);

    expect(github.calls).toEqual(['GET /user/repos?affiliation=owner', 'GET /repos/alice/api/hooks']);
  });

  it('names the repository scope a token needs when GitHub answers 404', async () => {
    github.denied.add('alice/api');
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    expect(await reconciler('token').reconcileAll('start')).toEqual([{ target: 'repository:alice/api', outcome: 'failed' }]);

    expect(errors).toHaveBeenCalledWith(expect.stringContaining('the webhook of repository alice/api is not reconciled: GET /repos/alice/api/hooks answered 404'));
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('admin:repo_hook'));
    expect((await metrics.reconcileErrors.get()).values).toEqual([expect.objectContaining({ labels: { reason: 'not_found' }, value: 1 })]);
  });
});

describe('webhook targets', () => {
  it('round-trip through their stored key', () => {
    const organization = { kind: 'organization', installationId: 3, org: 'Acme' } as const;
    const repository = { kind: 'repository', installationId: 7, owner: 'Alice', repo: 'API' } as const;

    expect(targetKey(organization)).toBe('organization:acme');
    expect(targetOfKey(targetKey(repository), 7)).toEqual({ kind: 'repository', installationId: 7, owner: 'alice', repo: 'api' });
    expect(targetOfKey('team:x', 1)).toBeUndefined();
  });

  it('name the delivery routes of organization and repository hooks', () => {
    expect(hookRoute({ kind: 'organization', installationId: 1, org: 'acme' }, 'POST', '/{hook_id}/deliveries/{delivery_id}/attempts')).toEqual({
      route: 'POST /orgs/{org}/hooks/{hook_id}/deliveries/{delivery_id}/attempts',
      params: { org: 'acme' },
    });
    expect(hookRoute({ kind: 'repository', installationId: 1, owner: 'alice', repo: 'api' }, 'GET', '/{hook_id}/deliveries')).toEqual({
      route: 'GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries',
      params: { owner: 'alice', repo: 'api' },
    });
  });
});
