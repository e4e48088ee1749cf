import { randomBytes } from 'node:crypto';
import { loadConfig } from '@glint/config';
import { createGithubAccess, GithubAccess } from '@glint/github';
import { MetricsRegistry } from '@glint/observability';
import { BRIDGE_ENTITIES, BRIDGE_MIGRATIONS, createDataSource, migrate } from '@glint/persistence';
import { createTemporaryDatabase, GithubSimulator, TemporaryDatabase, testServices, WebhookReceiver } from '@glint/testing';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { ManagedWebhookStore } from './managed-webhook-store';
import { MAX_LOOKBACK_MS } from './failed-deliveries';
import { RedeliverySweep } from './redelivery-sweep';
import { SUBSCRIBED_WEBHOOK_EVENTS } from './webhook-events';
import { WebhookMetrics } from './webhook-metrics';

const SECRET = 'sweep-secret';

/**
 * The redelivery sweep on the GitHub simulator (App mode) with the real Redis and Postgres: the App webhook and an
 * organization webhook deliver to a receiver that answers 503 or is down for a while; the sweep has each failed event
 * redelivered once, however many sweeps or pods look at it.
 */
describe('RedeliverySweep against the GitHub simulator', () => {
  let sim: GithubSimulator;
  let receiver: WebhookReceiver;
  let database: TemporaryDatabase;
  let dataSource: DataSource;
  let redis: Redis;
  let keyPrefix: string;
  let org: string;
  let repo: string;

  /** One mapper pod's sweep: its own GitHub access and metrics, the shared Redis and database. */
  function pod(options: { now?: () => number } = {}): { sut: RedeliverySweep; metrics: WebhookMetrics; access: GithubAccess } {
    const config = loadConfig({ APP_ID: String(sim.appId), PRIVATE_KEY: sim.appPrivateKeyPem, GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    // No waiting between the client's retries of a 5xx.
    const access = createGithubAccess(config.github, { sleep: async () => undefined });
    const metrics = new WebhookMetrics(new MetricsRegistry('mapper'));
    const sut = new RedeliverySweep({ access, mode: 'app', store: new ManagedWebhookStore(dataSource), redis, metrics, keyPrefix, now: options.now });
    return { sut, metrics, access };
  }

  async function counter(metric: WebhookMetrics[keyof WebhookMetrics], labels: Record<string, string>): Promise<number> {
    const values = (await metric.get()).values as Array<{ value: number; labels: Record<string, string | number | undefined> }>;
    return values.filter((value) => Object.entries(labels).every(([name, label]) => value.labels[name] === label)).reduce((sum, value) => sum + value.value, 0);
  }

  /** An organization webhook to the receiver, recorded as Glint's (what the reconciler does when BASE_URL is set). */
  async function orgHook(access: GithubAccess): Promise<number> {
    const installationId = sim.installations()[0].id;
    const hook = await access.clientFor(installationId).request<{ id: number }>('POST /orgs/{org}/hooks', {
      org,
      name: 'web',
      active: true,
      events: [...SUBSCRIBED_WEBHOOK_EVENTS],
      config: { url: receiver.url, content_type: 'json', secret: SECRET },
    });
    await new ManagedWebhookStore(dataSource).save({ target: `organization:${org}`, installationId, hookId: hook.id, url: receiver.url, events: [...SUBSCRIBED_WEBHOOK_EVENTS], secretFingerprint: 'unused' });
    await receiver.waitFor(1);
    receiver.clear();
    return hook.id;
  }

  const issue = (title: string): void => void sim.openIssue(org, repo, { title });
  const receivedTitles = () => receiver.received.map((hook) => `${String(hook.headers['x-github-hook-installation-target-type'])}:${String((hook.payload.issue as { title?: string } | undefined)?.title)}`).sort();

  beforeEach(async () => {
    receiver = await WebhookReceiver.start(SECRET);
    sim = await GithubSimulator.start({ seed: 41, organizations: 1, reposPerOrg: 2, webhook: { url: receiver.url, secret: SECRET }, webhookTimeoutMs: 500 });
    org = sim.state.organizations[0].login;
    repo = sim.state.organization(org)?.repos.find((candidate) => candidate.name !== '.github-private')?.name ?? '';
    database = await createTemporaryDatabase('redelivery_sweep');
    dataSource = await createDataSource({ url: database.url, applicationName: 'glint-test', entities: BRIDGE_ENTITIES, migrations: BRIDGE_MIGRATIONS, migrationsTableName: 'glint_migrations' }).initialize();
    await migrate(dataSource);
    redis = new Redis(testServices.redisUrl);
    keyPrefix = `glint-test-${randomBytes(4).toString('hex')}:redelivery`;
  });

  afterEach(async () => {
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await dataSource.destroy();
    await database.drop();
    await sim.webhooksIdle();
    await sim.close();
    await receiver.close();
  });

  it('redelivers once each event that failed while the receiver answered 503 or was down, and leaves the others alone', async () => {
    const first = pod();
    await orgHook(first.access);
    issue('delivered');
    await sim.webhooksIdle();
    receiver.status = 503;
    issue('answered 503');
    await sim.webhooksIdle();
    receiver.status = 200;
    const down = await closedPortUrl();
    sim.configureWebhook({ url: down, secret: SECRET });
    issue('receiver down');
    await sim.webhooksIdle();
    sim.configureWebhook({ url: receiver.url, secret: SECRET });
    receiver.clear();

    const results = await first.sut.sweep();
    await sim.webhooksIdle();

    expect(results.map(({ log, examined, failed, redelivered, errors }) => ({ log, examined, failed, redelivered, errors }))).toEqual([
      { log: 'the GitHub App webhook', examined: 3, failed: 2, redelivered: 2, errors: 0 },
      // The organization webhook's log starts with its ping.
      { log: expect.stringMatching(new RegExp(`^webhook \\d+ of organization ${org}$`)), examined: 4, failed: 1, redelivered: 1, errors: 0 },
    ]);
    // The App webhook was down for one event; the organization webhook only answered 503 for one.
    expect(receivedTitles()).toEqual(['integration:answered 503', 'integration:receiver down', 'organization:answered 503']);
    expect(receiver.received.every((hook) => hook.signatureValid)).toBe(true);
    const redeliveries = sim.deliveries().filter((delivery) => delivery.redelivery);
    expect(redeliveries.map((delivery) => delivery.statusCode)).toEqual([200, 200, 200]);
    expect(await counter(first.metrics.examined, { source: 'app' })).toBe(3);
    expect(await counter(first.metrics.failedFound, { source: 'app' })).toBe(2);
    expect(await counter(first.metrics.redelivered, { source: 'app' })).toBe(2);
    expect(await counter(first.metrics.redelivered, { source: 'organization' })).toBe(1);
    expect(await counter(first.metrics.redeliveryErrors, {})).toBe(0);
    expect(await counter(first.metrics.sweeps, { outcome: 'completed' })).toBe(1);

    receiver.clear();
    const again = await first.sut.sweep();
    const second = pod();
    const fromAnotherPod = await second.sut.sweep();
    await sim.webhooksIdle();

    expect([...again, ...fromAnotherPod].map((result) => result.redelivered)).toEqual([0, 0, 0, 0]);
    expect(receiver.received).toEqual([]);
    expect(sim.deliveries().filter((delivery) => delivery.redelivery)).toHaveLength(3);
    expect(await counter(second.metrics.redelivered, {})).toBe(0);
  });

  it('redelivers a failed event once when two pods sweep at the same time', async () => {
    receiver.status = 503;
    issue('contended');
    await sim.webhooksIdle();
    receiver.status = 200;
    receiver.clear();

    const [first, second] = await Promise.all([pod().sut.sweep(), pod().sut.sweep()]);
    await sim.webhooksIdle();

    expect([first[0].failed, second[0].failed]).toEqual([1, 1]);
    expect(first[0].redelivered + second[0].redelivered).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('does not redeliver an event whose redelivery failed too', async () => {
    const { sut } = pod();
    receiver.status = 503;
    issue('still failing');
    await sim.webhooksIdle();

    expect((await sut.sweep())[0]).toMatchObject({ failed: 1, redelivered: 1 });
    await sim.webhooksIdle();
    expect((await sut.sweep())[0]).toMatchObject({ failed: 1, redelivered: 0 });
    await sim.webhooksIdle();

    expect(sim.deliveries().map((delivery) => [delivery.redelivery, delivery.statusCode])).toEqual([
      [false, 503],
      [true, 503],
    ]);
  });

  it('tries again at the next sweep when GitHub did not take the redelivery request', async () => {
    const { sut, metrics } = pod();
    receiver.status = 503;
    issue('unlucky');
    await sim.webhooksIdle();
    receiver.status = 200;
    sim.injectFaults({ status: 502, count: 5, routePattern: /\/attempts$/ });

    expect((await sut.sweep())[0]).toMatchObject({ failed: 1, redelivered: 0, errors: 1 });
    expect((await sut.sweep())[0]).toMatchObject({ failed: 1, redelivered: 1, errors: 0 });
    await sim.webhooksIdle();

    expect(receiver.received.map((hook) => hook.payload.issue)).toEqual([expect.objectContaining({ title: 'unlucky' }), expect.objectContaining({ title: 'unlucky' })]);
    expect(await counter(metrics.redeliveryErrors, { source: 'app' })).toBe(1);
    expect(await counter(metrics.redelivered, { source: 'app' })).toBe(1);
  });

  it('leaves failures older than 70 hours alone', async () => {
    const { sut } = pod({ now: () => Date.now() + MAX_LOOKBACK_MS + 60_000 });
    receiver.status = 503;
    issue('long ago');
    await sim.webhooksIdle();

    expect((await sut.sweep())[0]).toMatchObject({ examined: 0, failed: 0, redelivered: 0 });
  });

  it('counts a sweep whose delivery log cannot be read as failed, and goes on with the next log', async () => {
    const { sut, metrics, access } = pod();
    await orgHook(access);
    sim.setInstallationPermissions(org, { organization_hooks: null });
    receiver.status = 503;
    issue('unreadable');
    await sim.webhooksIdle();

    const results = await sut.sweep();

    expect(results[0]).toMatchObject({ log: 'the GitHub App webhook', redelivered: 1 });
    expect(results[1].error).toMatch(/deliveries answered 403/);
    expect(await counter(metrics.sweeps, { outcome: 'failed' })).toBe(1);
  });
});

async function closedPortUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/webhook`;
}
