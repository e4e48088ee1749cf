import { FetchContext, GithubApiError, GithubRestClient } from '@glint/github';
import type { PortAppConfig, ResourceConfig } from '@glint/mapping';
import type { WebhookEvent } from '@glint/queue';
import { LiveObject, LiveReads, liveObjectsOf } from '.';
import { NOW, PULL_REQUEST, REPOSITORY as repository, webhook } from './live-event.spec-helper';
import { ReadCoalescer } from './read-coalescer';

/**
 * Answers GET routes from `objects` (path with its params filled in, and `hide_secret` or `affiliation` as the query →
 * the answer), a 404 for anything else; records each call.
 */
class RecordedGithub implements GithubRestClient {
  readonly calls: string[] = [];

  constructor(private readonly objects: Record<string, unknown>) {}

  async request<T>(route: string, params: Record<string, unknown> = {}): Promise<T> {
    const path = route.replace(/^GET /, '').replace(/\{(\w+)\}/g, (_, name: string) => String(params[name]));
    const query = ['hide_secret', 'affiliation'].filter((name) => params[name] !== undefined).map((name) => `?${name}=${String(params[name])}`).join('');
    this.calls.push(`${path}${query}`);
    const object = this.objects[`${path}${query}`] ?? this.objects[path];
    if (!object) throw new GithubApiError(`${path} answered 404`, 404, route);
    return object as T;
  }

  async *paginate<T>(route: string, params: Record<string, unknown> = {}): AsyncIterable<T[]> {
    yield await this.request<T[]>(route, params);
  }
}

function contextOf(github: RecordedGithub): FetchContext {
  return { client: github, organization: 'acme' };
}

const config = { repositoryType: 'all', resources: [] } as unknown as PortAppConfig;

function objectsOf(event: WebhookEvent, github: RecordedGithub, reads = new LiveReads(undefined, undefined, undefined, () => new Date(NOW))): Promise<LiveObject[]> {
  return liveObjectsOf(reads.contextOf(event, contextOf(github), config));
}

const resource = (kind: string, selector: Record<string, unknown> = {}): ResourceConfig => ({ kind, selector: { query: 'true', ...selector } }) as unknown as ResourceConfig;

describe('liveObjectsOf', () => {
  it.each([
    ['dependabot_alert', 'dependabot-alert', '/repos/acme/api/dependabot/alerts/3'],
    ['code_scanning_alert', 'code-scanning-alerts', '/repos/acme/api/code-scanning/alerts/3'],
    ['secret_scanning_alert', 'secret-scanning-alerts', '/repos/acme/api/secret-scanning/alerts/3?hide_secret=true'],
  ])('re-reads the alert of a %s event from the REST API, whose object the webhook does not carry whole', async (event, kind, path) => {
    const rest = { number: 3, state: 'open', rule: { id: 'js/xss', security_severity_level: 'high' } };
    const github = new RecordedGithub({ [path]: rest });

    const [object] = await objectsOf(webhook(event, { action: 'created', alert: { number: 3 } }), github);

    expect(github.calls).toEqual([path]);
    expect(object).toMatchObject({ kind, current: { ...rest, __repository: 'api', __organization: 'acme' }, known: { number: 3, __repository: 'api' } });
  });

  it('deletes an alert GitHub no longer answers for, naming it from the payload', async () => {
    const [object] = await objectsOf(webhook('dependabot_alert', { action: 'fixed', alert: { number: 9, state: 'fixed' } }), new RecordedGithub({}));

    expect(object).toMatchObject({ kind: 'dependabot-alert', current: null, known: { number: 9, __repository: 'api' } });
  });

  it('reads a secret scanning alert with its secret only for a resource that asks for it', async () => {
    const github = new RecordedGithub({
      '/repos/acme/api/secret-scanning/alerts/4?hide_secret=true': { number: 4, state: 'open' },
      '/repos/acme/api/secret-scanning/alerts/4?hide_secret=false': { number: 4, state: 'open', secret: 'ghp_x' },
    });
    const [object] = await objectsOf(webhook('secret_scanning_alert', { action: 'created', alert: { number: 4 } }), github);
    const current = object?.current ?? {};

    expect(await object?.enrich?.(current, resource('secret-scanning-alerts'))).not.toHaveProperty('secret');
    expect(await object?.enrich?.(current, resource('secret-scanning-alerts', { hideSecret: false }))).toMatchObject({ secret: 'ghp_x', __repository: 'api' });
  });

  it('tells whether a collaborator a member event names is listed under a resource\'s affiliation, as only GitHub knows', async () => {
    const github = new RecordedGithub({
      '/repos/acme/api/collaborators/carol/permission': { permission: 'write', user: { login: 'carol', role_name: 'write' } },
      '/repos/acme/api/collaborators?affiliation=outside': [{ login: 'mallory' }],
      '/repos/acme/api/collaborators?affiliation=direct': [{ login: 'mallory' }, { login: 'Carol' }],
    });
    const [object] = await objectsOf(webhook('member', { action: 'added', member: { login: 'carol' } }), github);

    expect(object).toMatchObject({ kind: 'collaborator', current: { login: 'carol', role_name: 'write', __repository: 'api' } });
    expect(await object?.listedFor?.(resource('collaborator', { affiliation: 'outside' }))).toBe(false);
    expect(await object?.listedFor?.(resource('collaborator', { affiliation: 'direct' }))).toBe(true);
    github.calls.length = 0;
    expect(await object?.listedFor?.(resource('collaborator'))).toBe(true);
    expect(github.calls).toEqual([]);
  });

  it('refreshes the deployment of a deployment_status event, and hands the status its deployment to be filtered by', async () => {
    const deployment = { id: 11, task: 'deploy', environment: 'production', updated_at: '2026-11-21T10:00:00Z' };
    const github = new RecordedGithub({ '/repos/acme/api/deployments/11': deployment });
    const status = { id: 12, state: 'success' };

    const objects = await objectsOf(webhook('deployment_status', { action: 'created', deployment_status: status, deployment: { ...deployment, updated_at: '2026-11-21T09:00:00Z' } }), github);

    expect(objects).toEqual([
      expect.objectContaining({ kind: 'deployment', current: { ...deployment, __repository: 'api', __organization: 'acme' } }),
      expect.objectContaining({ kind: 'deployment-status', current: { ...status, __deployment_id: 11, __repository: 'api', __organization: 'acme' }, parent: expect.objectContaining({ task: 'deploy' }) }),
    ]);
  });

  it('deletes the deployment and its status when the deployment is gone', async () => {
    const objects = await objectsOf(webhook('deployment_status', { action: 'created', deployment_status: { id: 12 }, deployment: { id: 11, task: 'deploy' } }), new RecordedGithub({}));

    expect(objects.map((object) => [object.kind, object.current])).toEqual([
      ['deployment', null],
      ['deployment-status', null],
    ]);
  });

  describe('payload-first objects', () => {
    const pull = PULL_REQUEST;
    const issue = { id: 3, number: 3, title: 'bug', state: 'open', labels: [], user: { login: 'ada' }, assignees: [], html_url: 'h', created_at: 'c', updated_at: '2026-11-21T10:00:00Z', closed_at: null, body: null };

    it('maps a pull request from its payload without a GitHub request, observed at the end of its updated_at second', async () => {
      const github = new RecordedGithub({});

      const [object] = await objectsOf(webhook('pull_request', { action: 'edited', pull_request: pull }), github);

      expect(github.calls).toEqual([]);
      expect(object).toMatchObject({ kind: 'pull-request', current: { ...pull, __repository: 'api', __organization: 'acme' }, observedAt: '2026-11-21T10:00:00.998Z' });
    });

    it('re-reads an object when another state with the same updated_at was seen, as their order is unknown', async () => {
      const rest = { ...pull, title: 'second' };
      const github = new RecordedGithub({ '/repos/acme/api/pulls/7': rest });
      const reads = new LiveReads(undefined, undefined, undefined, () => new Date(NOW));

      await objectsOf(webhook('pull_request', { action: 'edited', pull_request: pull }), github, reads);
      const [again] = await objectsOf(webhook('pull_request', { action: 'edited', pull_request: pull }), github, reads);
      expect(github.calls).toEqual([]);
      expect(again?.observedAt).toBe('2026-11-21T10:00:00.998Z');

      const [tied] = await objectsOf(webhook('pull_request', { action: 'edited', pull_request: { ...pull, title: 'second' } }), github, reads);
      expect(github.calls).toEqual(['/repos/acme/api/pulls/7']);
      expect(tied).toMatchObject({ current: { title: 'second', __repository: 'api' } });
      expect(tied?.observedAt).toBeUndefined();
    });

    it('re-reads an object whose updated_at is later than now, as GitHub\'s clock is then ahead of this one', async () => {
      const github = new RecordedGithub({ '/repos/acme/api/issues/3': issue });

      const [object] = await objectsOf(webhook('issues', { action: 'edited', issue: { ...issue, updated_at: '2027-01-01T00:00:00Z' } }), github);

      expect(github.calls).toEqual(['/repos/acme/api/issues/3']);
      expect(object?.observedAt).toBeUndefined();
    });

    it('re-reads a payload object that has no updated_at to order it by', async () => {
      const github = new RecordedGithub({ '/repos/acme/api/actions/runs/5': { id: 5, status: 'completed' } });

      const [object] = await objectsOf(webhook('workflow_run', { action: 'completed', workflow_run: { id: 5, status: 'completed' } }), github);

      expect(github.calls).toEqual(['/repos/acme/api/actions/runs/5']);
      expect(object?.current).toMatchObject({ id: 5, __repository: 'api' });
    });

    it('deletes a deleted issue as of the event\'s receipt, later than any state a late delivery may carry', async () => {
      const [object] = await objectsOf(webhook('issues', { action: 'deleted', issue: { id: 3, number: 3, updated_at: '2026-11-20T10:00:00Z' } }), new RecordedGithub({}));

      expect(object).toMatchObject({ kind: 'issue', current: null, observedAt: '2026-11-21T00:00:00.000Z' });
    });

    it('re-reads an object whose payload leaves out a field mappings read, as GitHub\'s pinned issue payloads leave out state', async () => {
      const github = new RecordedGithub({ '/repos/acme/api/issues/3': issue });
      const { state: _state, labels: _labels, ...pinned } = issue;

      const [object] = await objectsOf(webhook('issues', { action: 'pinned', issue: pinned }), github);

      expect(github.calls).toEqual(['/repos/acme/api/issues/3']);
      expect(object?.current).toMatchObject({ state: 'open' });
    });

    it('orders a removal after any state stamped in its second, even one received later', async () => {
      const received = '2026-11-21T10:00:00.200Z';
      const [removed] = await objectsOf({ ...webhook('repository', {}), receivedAt: received, payload: { action: 'archived', repository: { ...repository, updated_at: '2026-11-21T10:00:00Z' } } }, new RecordedGithub({}));
      const [created] = await objectsOf(webhook('pull_request', { action: 'opened', pull_request: pull }), new RecordedGithub({}));

      expect(removed).toMatchObject({ current: null, observedAt: '2026-11-21T10:00:00.999Z' });
      expect(String(created?.observedAt) < String(removed?.observedAt)).toBe(true);
    });

    it('re-reads a release, whose payload has no updated_at', async () => {
      const github = new RecordedGithub({ '/repos/acme/api/releases/4': { id: 4, name: 'v1' } });

      const [object] = await objectsOf(webhook('release', { action: 'edited', release: { id: 4, name: 'v0' } }), github);

      expect(object?.current).toMatchObject({ name: 'v1' });
    });
  });

  describe('shared reads', () => {
    const branchEvent = (receivedAt: string): WebhookEvent => ({ ...webhook('create', { ref: 'feature', ref_type: 'branch' }), receivedAt });

    it('shares one read between events received before it started, and reads again for an event received after', async () => {
      const github = new RecordedGithub({ '/repos/acme/api/branches/feature': { name: 'feature' } });
      let now = Date.parse('2026-11-21T12:00:00.000Z');
      const reads = new LiveReads(new ReadCoalescer(2_000, () => now), undefined, undefined, () => new Date(now));

      await objectsOf(branchEvent('2026-11-21T11:59:59.000Z'), github, reads);
      await objectsOf(branchEvent('2026-11-21T11:59:59.500Z'), github, reads);
      expect(github.calls).toHaveLength(1);

      now += 100;
      await objectsOf(branchEvent('2026-11-21T12:00:00.050Z'), github, reads);
      expect(github.calls).toHaveLength(2);
    });
  });

  describe('repository enrichment', () => {
    const repositoryResource = resource('repository', { includedFiles: ['README.md'] });
    const readme = { type: 'file', content: Buffer.from('hello').toString('base64'), encoding: 'base64' };
    const repositoryConfig = { repositoryType: 'all', resources: [repositoryResource] } as unknown as PortAppConfig;

    it('reads a repository\'s included files once across its events, and again after a push to the default branch changes one', async () => {
      const github = new RecordedGithub({ '/repos/acme/api/contents/README.md': readme, '/repos/acme/api': { ...repository, updated_at: '2026-11-21T11:00:00Z' } });
      const reads = new LiveReads(undefined, undefined, undefined, () => new Date(NOW));
      const enrichOnce = async (event: WebhookEvent): Promise<LiveObject | undefined> => {
        const [object] = await liveObjectsOf(reads.contextOf(event, contextOf(github), repositoryConfig));
        if (object?.current && object.enrich) object.current = await object.enrich(object.current, repositoryResource);
        return object;
      };
      const edited = (description: string, updatedAt: string): WebhookEvent => ({ ...webhook('repository', { action: 'edited' }), payload: { action: 'edited', repository: { ...repository, description, updated_at: updatedAt, private: false, visibility: 'public', fork: false, archived: false, html_url: 'h', language: null } } });

      await enrichOnce(edited('one', '2026-11-21T11:00:00Z'));
      const second = await enrichOnce(edited('two', '2026-11-21T11:00:01Z'));
      expect(github.calls.filter((call) => call.includes('README'))).toHaveLength(1);
      expect(second?.current).toMatchObject({ description: 'two', __includedFiles: { 'README.md': 'hello' } });

      const push = { ref: 'refs/heads/main', commits: [{ modified: ['README.md'] }] };
      const pushed = await enrichOnce(webhook('push', push));
      expect(pushed).toMatchObject({ kind: 'repository', current: { __includedFiles: { 'README.md': 'hello' } } });
      expect(github.calls.filter((call) => call.includes('README'))).toHaveLength(2);

      expect(await liveObjectsOf(reads.contextOf(webhook('push', { ref: 'refs/heads/main', commits: [{ modified: ['src/a.ts'] }] }), contextOf(github), repositoryConfig))).toEqual([
        expect.objectContaining({ kind: 'branch' }),
      ]);
    });
  });
});
