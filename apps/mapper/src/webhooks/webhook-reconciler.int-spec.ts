import { Logger } from '@nestjs/common';
import { loadConfig } from '@glint/config';
import { createGithubAccess } from '@glint/github';
import { JqEngine, MappingConfigSource } from '@glint/mapping';
import { MetricsRegistry } from '@glint/observability';
import { BRIDGE_ENTITIES, BRIDGE_MIGRATIONS, createDataSource, migrate } from '@glint/persistence';
import { createTemporaryDatabase, GithubSimulator, TemporaryDatabase, WebhookReceiver } from '@glint/testing';
import type { DataSource } from 'typeorm';
import { SyncedAccounts } from '../mapping/synced-accounts';
import { ManagedWebhookStore } from './managed-webhook-store';
import { SUBSCRIBED_WEBHOOK_EVENTS } from './webhook-events';
import { WebhookMetrics } from './webhook-metrics';
import { WebhookReconciler } from './webhook-reconciler';

const SECRET = 'org-hook-secret';
const WRITES = ['POST /orgs/{org}/hooks', 'PATCH /orgs/{org}/hooks/{id}', 'DELETE /orgs/{org}/hooks/{id}'];

/**
 * The BASE_URL webhook on the GitHub simulator in App mode, with the real Postgres: created once, left alone when it
 * is as desired, patched once when it drifted, one hook when pods start together, and a clear report on a 403.
 */
describe('WebhookReconciler against the GitHub simulator', () => {
  let sim: GithubSimulator;
  let receiver: WebhookReceiver;
  let database: TemporaryDatabase;
  let jq: JqEngine;
  let org: string;
  const dataSources: DataSource[] = [];

  /**
   * One mapper pod's reconciler: its own GitHub access, database connections and metrics. App mode for the first of
   * the simulator's two organizations (GITHUB_ORGANIZATION), unless `env` says otherwise.
   */
  async function pod(env: Record<string, string> = {}): Promise<{ sut: WebhookReconciler; metrics: WebhookMetrics; registry: MetricsRegistry }> {
    const credentials = env['GITHUB_TOKEN'] ? {} : { APP_ID: String(sim.appId), PRIVATE_KEY: sim.appPrivateKeyPem, GITHUB_ORGANIZATION: org };
    const config = loadConfig(
      { ...credentials, GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http', WEBHOOK_SECRET: SECRET, BASE_URL: receiver.url.replace(/\/webhook$/, ''), ...env },
      ['mapper'],
    );
    const mode = config.github.auth.kind;
    if (mode === 'none') throw new Error('the test config needs GitHub credentials');
    const dataSource = await createDataSource({ url: database.url, applicationName: 'glint-test', entities: BRIDGE_ENTITIES, migrations: BRIDGE_MIGRATIONS, migrationsTableName: 'glint_migrations' }).initialize();
    dataSources.push(dataSource);
    await migrate(dataSource);
    const access = createGithubAccess(config.github);
    const registry = new MetricsRegistry('mapper');
    const metrics = new WebhookMetrics(registry);
    const { baseUrl, secret } = config.webhook;
    if (!baseUrl || !secret) throw new Error('the test config needs BASE_URL and WEBHOOK_SECRET');
    const sut = new WebhookReconciler({
      access,
      accounts: new SyncedAccounts(access, new MappingConfigSource(jq)),
      store: new ManagedWebhookStore(dataSource),
      metrics,
      mode,
      baseUrl,
      secret,
    });
    return { sut, metrics, registry };
  }

  const hooks = () => sim.state.orgHooks.filter((hook) => hook.orgLogin === org);
  const writes = () => WRITES.reduce((sum, route) => sum + (sim.stats().byRoute[route] ?? 0), 0);

  beforeAll(async () => {
    jq = new JqEngine();
  });

  beforeEach(async () => {
    receiver = await WebhookReceiver.start(SECRET);
    sim = await GithubSimulator.start({ seed: 31, organizations: 2, reposPerOrg: 2 });
    org = sim.state.organizations[0].login;
    database = await createTemporaryDatabase('webhook_reconciler');
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(dataSources.splice(0).map((dataSource) => dataSource.destroy()));
    await database.drop();
    await sim.webhooksIdle();
    await sim.close();
    await receiver.close();
  });

  afterAll(() => jq.close());

  it('creates one webhook with the URL, the subscribed events and the secret, and GitHub then delivers to it', async () => {
    const { sut, metrics } = await pod();

    expect(await sut.reconcileAll('start')).toEqual([{ target: `organization:${org}`, outcome: 'created' }]);

    expect(hooks()).toHaveLength(1);
    expect(hooks()[0]).toMatchObject({ url: receiver.url, contentType: 'json', active: true, secret: SECRET, events: [...SUBSCRIBED_WEBHOOK_EVENTS] });
    const [ping] = await receiver.waitFor(1);
    expect(ping).toMatchObject({ event: 'ping', signatureValid: true });
    const repo = sim.state.organization(org)?.repos.find((candidate) => candidate.name !== '.github-private')?.name ?? '';
    sim.openIssue(org, repo, { title: 'Through the BASE_URL webhook' });
    const received = await receiver.waitFor(2);
    expect(received[1]).toMatchObject({ event: 'issues', action: 'opened', signatureValid: true });
    expect((await metrics.reconciles.get()).values).toEqual([expect.objectContaining({ labels: { outcome: 'created' }, value: 1 })]);
  });

  it('makes no write call when restarted with the same configuration', async () => {
    await (await pod()).sut.reconcileAll('start');
    sim.resetStats();

    const { sut, metrics } = await pod();
    expect(await sut.reconcileAll('start')).toEqual([{ target: `organization:${org}`, outcome: 'unchanged' }]);

    expect(writes()).toBe(0);
    expect(sim.stats().byRoute['GET /orgs/{org}/hooks']).toBe(1);
    expect(hooks()).toHaveLength(1);
    expect((await metrics.reconciles.get()).values).toEqual([expect.objectContaining({ labels: { outcome: 'unchanged' }, value: 1 })]);
  });

  it.each<[string, () => Promise<Record<string, string>>]>([
    [
      'events edited by hand',
      async () => {
        hooks()[0].events = ['push', 'star'];
        return {};
      },
    ],
    [
      'a URL edited by hand',
      async () => {
        hooks()[0].url = 'http://127.0.0.1:1/elsewhere';
        return {};
      },
    ],
    ['a new WEBHOOK_SECRET', async () => ({ WEBHOOK_SECRET: 'rotated-secret' })],
    ['a secret removed by hand', async () => ((hooks()[0].secret = null), {})],
    ['an inactive hook in form encoding', async () => (Object.assign(hooks()[0], { active: false, contentType: 'form' }), {})],
  ])('repairs %s with one PATCH of the same hook, then writes nothing', async (_label, drift) => {
    await (await pod()).sut.reconcileAll('start');
    const hookId = hooks()[0].id;
    const env = await drift();
    sim.resetStats();

    const { sut } = await pod(env);
    expect(await sut.reconcileAll('start')).toEqual([{ target: `organization:${org}`, outcome: 'updated' }]);

    expect(sim.stats().byRoute['PATCH /orgs/{org}/hooks/{id}']).toBe(1);
    expect(writes()).toBe(1);
    expect(hooks()).toEqual([expect.objectContaining({ id: hookId, url: receiver.url, active: true, contentType: 'json', secret: env.WEBHOOK_SECRET ?? SECRET, events: [...SUBSCRIBED_WEBHOOK_EVENTS] })]);
    sim.resetStats();
    expect(await sut.reconcileAll('schedule')).toEqual([{ target: `organization:${org}`, outcome: 'unchanged' }]);
    expect(writes()).toBe(0);
  });

  it('moves its hook to a new BASE_URL instead of adding a second one', async () => {
    await (await pod()).sut.reconcileAll('start');
    const moved = await WebhookReceiver.start(SECRET);
    try {
      sim.resetStats();
      const { sut } = await pod({ BASE_URL: moved.url.replace(/\/webhook$/, '') });

      expect(await sut.reconcileAll('start')).toEqual([{ target: `organization:${org}`, outcome: 'updated' }]);

      expect(writes()).toBe(1);
      expect(hooks().map((hook) => hook.url)).toEqual([moved.url]);
    } finally {
      await moved.close();
    }
  });

  it('adopts a hook someone else made to the same URL: one PATCH sets the secret it cannot read', async () => {
    const now = new Date().toISOString();
    sim.state.orgHooks.push({ id: 777, orgLogin: org, url: receiver.url, secret: 'someone-elses', contentType: 'json', insecureSsl: '1', events: [...SUBSCRIBED_WEBHOOK_EVENTS], active: true, createdAt: now, updatedAt: now });
    const { sut } = await pod();

    expect(await sut.reconcileAll('start')).toEqual([{ target: `organization:${org}`, outcome: 'updated' }]);

    expect(writes()).toBe(1);
    expect(hooks()).toEqual([expect.objectContaining({ id: 777, secret: SECRET, insecureSsl: '1' })]);
  });

  it('creates one hook when two pods start at the same time', async () => {
    const [first, second] = await Promise.all([pod(), pod()]);

    const results = await Promise.all([first.sut.reconcileAll('start'), second.sut.reconcileAll('start')]);

    expect(hooks()).toHaveLength(1);
    expect(results.flat().map((result) => result.outcome).sort()).toEqual(['created', 'unchanged']);
    expect(sim.stats().byRoute['POST /orgs/{org}/hooks']).toBe(1);
  });

  it('reports a 403 once with the permission to grant, counts it, and does not throw', async () => {
    sim.setInstallationPermissions(org, { organization_hooks: null });
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { sut, metrics } = await pod();

    expect(await sut.reconcileAll('start')).toEqual([{ target: `organization:${org}`, outcome: 'failed' }]);
    expect(await sut.reconcileAll('schedule')).toEqual([{ target: `organization:${org}`, outcome: 'failed' }]);

    expect(errors).toHaveBeenCalledTimes(1);
    const message = String(errors.mock.calls[0][0]);
    expect(message).toContain(`the webhook of organization ${org} is not reconciled: GET /orgs/${org}/hooks answered 403`);
    expect(message).toContain('"Webhooks: Read and write" (organization_hooks)');
    expect((await metrics.reconcileErrors.get()).values).toEqual([expect.objectContaining({ labels: { reason: 'permission' }, value: 2 })]);
    expect((await metrics.reconciles.get()).values).toEqual([expect.objectContaining({ labels: { outcome: 'failed' }, value: 2 })]);
    expect(hooks()).toEqual([]);

    sim.setInstallationPermissions(org, { organization_hooks: 'write' });
    expect(await sut.reconcileAll('schedule')).toEqual([{ target: `organization:${org}`, outcome: 'created' }]);
  });

  it('leaves out an organization the mapping’s organizations: list does not name', async () => {
    sim.push(org, '.github-private', { branch: 'main', files: { '.github/port-app-config.yml': 'organizations: [someone-else]\nresources: []\n' } });
    const { sut } = await pod();

    expect(await sut.reconcileAll('start')).toEqual([]);

    expect(hooks()).toEqual([]);
  });

  it('gives every organization of a personal access token a webhook in PAT mode, or only GITHUB_ORGANIZATION', async () => {
    const token = sim.createPersonalAccessToken();
    const organizations = sim.state.organizations.map((candidate) => candidate.login);

    const { sut } = await pod({ GITHUB_TOKEN: token });
    expect((await sut.reconcileAll('start')).map((result) => result.outcome)).toEqual(['created', 'created']);
    expect(sim.state.orgHooks.map((hook) => hook.orgLogin).sort()).toEqual([...organizations].sort());

    const other = organizations.find((login) => login !== org) ?? '';
    const scoped = await pod({ GITHUB_TOKEN: token, GITHUB_ORGANIZATION: other, WEBHOOK_SECRET: 'another-secret' });
    expect(await scoped.sut.reconcileAll('start')).toEqual([{ target: `organization:${other.toLowerCase()}`, outcome: 'updated' }]);
  });
});
