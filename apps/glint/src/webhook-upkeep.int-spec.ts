import type { GlintConfig } from '@glint/config';
import { startGateway } from '@glint/gateway';
import { RedeliverySweep, startMapper, WebhookUpkeep } from '@glint/mapper';
import type { RunningService } from '@glint/runtime';
import { createTemporaryDatabase, GithubSimulator, PrivateRedisServer, TemporaryDatabase, testConfig, waitFor } from '@glint/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const SECRET = 'upkeep-e2e-secret';
const HOOK_WRITES = ['POST /orgs/{org}/hooks', 'PATCH /orgs/{org}/hooks/{id}'];

/**
 * The gateway and the mapper on a real Redis and Postgres, against the GitHub simulator in App mode with BASE_URL set
 * to the gateway: the mapper puts the organization webhook in place at start, and its redelivery sweep gets the
 * deliveries that failed while the gateway was down accepted once it is back.
 */
describe('BASE_URL webhook and redelivery sweep, gateway and mapper together', () => {
  let sim: GithubSimulator;
  let redis: PrivateRedisServer;
  let database: TemporaryDatabase;
  let config: GlintConfig;
  let org: string;
  let repo: string;
  let gateway: RunningService | undefined;
  const mappers: RunningService[] = [];

  /** A mapper pod; `another` gives it its own HTTP port, beside a running one. */
  async function mapper(another = false, env: Record<string, string> = {}): Promise<RunningService> {
    const running = await startMapper(another ? await testConfig({ ...configEnv(), BASE_URL: config.webhook.baseUrl ?? '', ...env }, ['mapper']) : config, { resyncAtStart: false });
    mappers.push(running);
    await running.app.get(WebhookUpkeep).startupReconciled();
    return running;
  }

  function configEnv(): Record<string, string> {
    return {
      REDIS_URL: redis.url,
      DATABASE_URL: database.url,
      WEBHOOK_SECRET: SECRET,
      APP_ID: String(sim.appId),
      PRIVATE_KEY: sim.appPrivateKeyPem,
      GHE_HOST: new URL(sim.url).host,
      GHE_PROTOCOL: 'http',
      EVENT_PARTITIONS: '2',
      RESYNC_INTERVAL_MINUTES: '0',
      // The test sweeps by hand.
      REDELIVERY_SWEEP_MINUTES: '0',
      SEND_RAW_DATA_EXAMPLES: 'false',
    };
  }

  async function metric(service: RunningService, pattern: RegExp): Promise<number> {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    return text.split('\n').filter((line) => pattern.test(line)).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  }

  const hookWrites = () => HOOK_WRITES.reduce((sum, route) => sum + (sim.stats().byRoute[route] ?? 0), 0);

  beforeAll(async () => {
    sim = await GithubSimulator.start({ seed: 51, organizations: 1, reposPerOrg: 2, rateLimit: { limit: 1_000_000, windowSeconds: 3600 } });
    org = sim.state.organizations[0].login;
    repo = sim.state.organization(org)?.repos.find((candidate) => candidate.name !== '.github-private')?.name ?? '';
    redis = await PrivateRedisServer.start();
    database = await createTemporaryDatabase('webhook_upkeep');
    const ports = await testConfig({}, ['gateway']);
    config = await testConfig({ ...configEnv(), PORT: String(ports.http.ports.gateway), BASE_URL: `http://127.0.0.1:${ports.http.ports.gateway}` }, ['gateway', 'mapper']);
    gateway = await startGateway(config);
  }, 60_000);

  afterAll(async () => {
    for (const running of mappers.reverse()) await running.app.close();
    await gateway?.app.close();
    await sim?.webhooksIdle();
    await sim?.close();
    await database?.drop();
    await redis?.destroy();
  });

  it('creates the organization webhook at start, whose events the gateway accepts, and writes nothing when restarted', async () => {
    const first = await mapper();

    const hooks = sim.state.orgHooks.filter((hook) => hook.orgLogin === org);
    expect(hooks).toEqual([expect.objectContaining({ url: `${gateway?.url}/webhook`, secret: SECRET, contentType: 'json', active: true })]);
    expect(hooks[0].events).toContain('pull_request');
    sim.openIssue(org, repo, { title: 'Through the organization webhook' });
    await sim.webhooksIdle();
    expect(sim.deliveries().map((delivery) => [delivery.event, delivery.statusCode])).toEqual([
      ['ping', 200],
      ['issues', 202],
    ]);
    await waitFor('the mapper to take the event', async () => ((await metric(first, /^glint_events_total\{event="issues"/)) > 0 ? true : undefined));
    expect(await metric(first, /^glint_webhook_reconciles_total\{outcome="created"/)).toBe(1);

    await first.app.close();
    mappers.splice(mappers.indexOf(first), 1);
    sim.resetStats();
    const restarted = await mapper();

    expect(hookWrites()).toBe(0);
    expect(await metric(restarted, /^glint_webhook_reconciles_total\{outcome="unchanged"/)).toBe(1);
    expect(sim.state.orgHooks).toHaveLength(1);
  });

  it('has the deliveries that failed while the gateway was down redelivered once, and accepted', async () => {
    const running = mappers[0] ?? (await mapper());
    // Setups with BASE_URL usually turn the App webhook off; with it on, both it and the organization webhook deliver each event.
    sim.configureWebhook({ url: `${gateway?.url}/webhook`, secret: SECRET });
    const before = sim.deliveries().length;
    await gateway?.app.close();
    gateway = undefined;
    sim.openIssue(org, repo, { title: 'While the gateway was down' });
    sim.openIssue(org, repo, { title: 'Also while it was down' });
    await sim.webhooksIdle();
    const failed = sim.deliveries().slice(before);
    expect(failed.map((delivery) => `${delivery.target} ${delivery.statusCode}`).sort()).toEqual(['app 0', 'app 0', 'org 0', 'org 0']);
    gateway = await startGateway(config);
    sim.openIssue(org, repo, { title: 'Once it was back' });
    await sim.webhooksIdle();

    const swept = await running.app.get(RedeliverySweep).sweep();
    await sim.webhooksIdle();

    expect(swept.map((log) => [log.source, log.failed, log.redelivered, log.errors])).toEqual([
      ['app', 2, 2, 0],
      ['organization', 2, 2, 0],
    ]);
    const redeliveries = sim.deliveries().filter((delivery) => delivery.redelivery);
    expect(redeliveries.map((delivery) => delivery.statusCode)).toEqual([202, 202, 202, 202]);
    expect(new Set(redeliveries.map((delivery) => delivery.guid))).toEqual(new Set(failed.map((delivery) => delivery.guid)));
    // The App and the organization webhook send one event under one GUID: the gateway queues it once, so the mapper
    // takes the two redelivered events and the one sent after the gateway came back.
    expect((await metric(gateway, /^glint_webhooks_accepted_total\{event="issues"/)) + (await metric(gateway, /^glint_webhooks_duplicates_total/))).toBe(6);
    await waitFor('the mapper to take the three events', async () => ((await metric(running, /^glint_events_total\{event="issues"/)) === 3 ? true : undefined));
    expect(await metric(running, /^glint_redeliveries_total/)).toBe(4);
    expect(await metric(running, /^glint_redelivery_failed_found_total/)).toBe(4);
    expect(await metric(running, /^glint_redelivery_sweeps_total\{outcome="completed"/)).toBe(1);

    const again = await running.app.get(RedeliverySweep).sweep();
    const secondPod = await mapper(true);
    const fromSecondPod = await secondPod.app.get(RedeliverySweep).sweep();
    await sim.webhooksIdle();

    expect([...again, ...fromSecondPod].map((log) => log.redelivered)).toEqual([0, 0, 0, 0]);
    expect(sim.deliveries().filter((delivery) => delivery.redelivery)).toHaveLength(4);
  });

  it('schedules the sweep every REDELIVERY_SWEEP_MINUTES and the reconcile hourly, once for every pod', async () => {
    const sweeps = async () => (await Promise.all(mappers.map((running) => metric(running, /^glint_redelivery_sweeps_total/)))).reduce((sum, count) => sum + count, 0);
    const sweptBefore = await sweeps();
    const scheduled = await mapper(true, { REDELIVERY_SWEEP_MINUTES: '1' });
    const connection = new Redis(redis.url);
    const queue = new Queue('webhook-upkeep', { connection, prefix: 'glint' });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((scheduler) => [scheduler.key, scheduler.every]).sort()).toEqual([
        ['redelivery-sweep', 60_000],
        ['webhook-reconcile', 3_600_000],
      ]);
      // Every pod reconciles when it starts; the schedule's first reconcile is an interval later.
      expect(schedulers.find((scheduler) => scheduler.key === 'webhook-reconcile')?.next).toBeGreaterThan(Date.now() + 50 * 60_000);
      await waitFor('a scheduled sweep on one of the pods', async () => ((await sweeps()) > sweptBefore ? true : undefined));
      expect(await metric(scheduled, /^glint_redelivery_sweeps_total\{outcome="failed"/)).toBe(0);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
