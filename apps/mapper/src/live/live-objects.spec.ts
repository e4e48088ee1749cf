import { FetchContext, GithubApiError, GithubRestClient } from '@glint/github';
import type { ResourceConfig } from '@glint/mapping';
import type { WebhookEvent } from '@glint/queue';
import { liveObjectsOf } from './live-objects';

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

const repository = { id: 100, name: 'api', owner: { login: 'acme' }, default_branch: 'main' };

function webhook(event: string, payload: Record<string, unknown>): WebhookEvent {
  return { deliveryId: 'd-1', event, groupKey: 'repo-100', partition: 0, receivedAt: '2026-11-21T00:00:00.000Z', payload: { ...payload, repository } };
}

function contextOf(github: RecordedGithub): FetchContext {
  return { client: github, organization: 'acme' };
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

    const [object] = await liveObjectsOf(webhook(event, { action: 'created', alert: { number: 3 } }), contextOf(github));

    expect(github.calls).toEqual([path]);
    expect(object).toMatchObject({ kind, current: { ...rest, __repository: 'api', __organization: 'acme' }, known: { number: 3, __repository: 'api' } });
  });

  it('deletes an alert GitHub no longer answers for, naming it from the payload', async () => {
    const [object] = await liveObjectsOf(webhook('dependabot_alert', { action: 'fixed', alert: { number: 9, state: 'fixed' } }), contextOf(new RecordedGithub({})));

    expect(object).toMatchObject({ kind: 'dependabot-alert', current: null, known: { number: 9, __repository: 'api' } });
  });

  it('reads a secret scanning alert with its secret only for a resource that asks for it', async () => {
    const github = new RecordedGithub({
      '/repos/acme/api/secret-scanning/alerts/4?hide_secret=true': { number: 4, state: 'open' },
      '/repos/acme/api/secret-scanning/alerts/4?hide_secret=false': { number: 4, state: 'open', secret: 'ghp_x' },
    });
    const [object] = await liveObjectsOf(webhook('secret_scanning_alert', { action: 'created', alert: { number: 4 } }), contextOf(github));
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
    const [object] = await liveObjectsOf(webhook('member', { action: 'added', member: { login: 'carol' } }), contextOf(github));

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

    const objects = await liveObjectsOf(webhook('deployment_status', { action: 'created', deployment_status: status, deployment: { ...deployment, updated_at: '2026-11-21T09:00:00Z' } }), contextOf(github));

    expect(objects).toEqual([
      expect.objectContaining({ kind: 'deployment', current: { ...deployment, __repository: 'api', __organization: 'acme' } }),
      expect.objectContaining({ kind: 'deployment-status', current: { ...status, __deployment_id: 11, __repository: 'api', __organization: 'acme' }, parent: expect.objectContaining({ task: 'deploy' }) }),
    ]);
  });

  it('deletes the deployment and its status when the deployment is gone', async () => {
    const objects = await liveObjectsOf(webhook('deployment_status', { action: 'created', deployment_status: { id: 12 }, deployment: { id: 11, task: 'deploy' } }), contextOf(new RecordedGithub({})));

    expect(objects.map((object) => [object.kind, object.current])).toEqual([
      ['deployment', null],
      ['deployment-status', null],
    ]);
  });
});
