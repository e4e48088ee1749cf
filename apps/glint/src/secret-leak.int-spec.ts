import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Kafka, logLevel } from 'kafkajs';
import { runsTopicOf } from '@glint/actions';
import { CatalogClient } from '@glint/catalog-client';
import { Secret } from '@glint/config';
import { createRedisConnection, DEFAULT_QUEUE_PREFIX, jobIdForDelivery, partitionOf, partitionQueueName, QueueName, QueueSummary } from '@glint/queue';
import { createTemporaryDatabase, freePort, getJson, GithubSimulator, PrivateRedisServer, sendWebhook, TemporaryDatabase, testServices, waitFor } from '@glint/testing';

const root = join(__dirname, '../../..');
const SERVICES = ['catalog', 'publisher', 'mapper', 'gateway', 'actions'] as const;

interface StatusAnswer {
  resyncs: Array<{ installationId: string; syncId: string; state: string }>;
  queues: QueueSummary;
}

/**
 * Invariant 7, no secret is logged: a full stack from the build (App mode against the GitHub simulator, the embedded
 * catalog behind configured client credentials, the queue dashboard on, BASE_URL so the mapper creates the
 * organization webhook with the secret) at the most detailed log level, driven through
 * a resync, live webhooks, an event dead-lettered, refused requests and the dashboard, then
 * stopped with SIGTERM. Every line it wrote is searched for each secret, the private key in any form, and any GitHub
 * token or JWT it was issued. Its actions service has KAFKA_SASL_*, so it keeps trying SASL_SSL on the local broker,
 * which does not speak it; a second actions service, on the plaintext broker, dispatches an action run end to end
 * (installation token, catalog credentials, the run's workflow_run events through gateway and mapper).
 */
describe('a full run of the services writes no secret to its logs', () => {
  const secrets = {
    WEBHOOK_SECRET: `whsec-${randomUUID()}`,
    PORT_CLIENT_SECRET: `client-secret-${randomUUID()}`,
    KAFKA_SASL_PASSWORD: `kafka-password-${randomUUID()}`,
    ADMIN_PASSWORD: `admin-password-${randomUUID()}`,
  };
  let sim: GithubSimulator;
  let redis: PrivateRedisServer;
  let database: TemporaryDatabase;
  let child: ChildProcess;
  let exitCode: Promise<number | null>;
  let dispatcherChild: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';
  /** The output of the actions service that dispatches over the plaintext broker. */
  const dispatcher = { stdout: '', stderr: '' };
  const ports: Record<(typeof SERVICES)[number], number> = { catalog: 0, publisher: 0, mapper: 0, gateway: 0, actions: 0 };
  const url = (service: keyof typeof ports, path: string) => `http://127.0.0.1:${ports[service]}${path}`;
  const mapperMetric = async (pattern: RegExp) => pattern.exec(await (await fetch(url('mapper', '/metrics'))).text());

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
    for (const service of SERVICES) ports[service] = await freePort();
    sim = await GithubSimulator.start({ seed: 11, organizations: 1, reposPerOrg: 3 });
    // The organization mapping the simulator generates maps a property from `file://README.md`, which the mapper does
    // not resolve yet; the shipped default mapping stands in, so the resync reads every kind.
    const [{ account }] = sim.installations();
    const defaultMapping = readFileSync(join(root, 'libs/mapping/src/defaults/port-app-config.yml'), 'utf8');
    const settings = sim.state.repo(account.login, '.github-private');
    sim.push(account.login, '.github-private', { branch: settings?.defaultBranch ?? 'main', files: { '.github/port-app-config.yml': defaultMapping } });
    await sim.webhooksIdle();
    sim.configureWebhook({ url: url('gateway', '/webhook'), secret: secrets.WEBHOOK_SECRET });
    redis = await PrivateRedisServer.start();
    database = await createTemporaryDatabase('secret_leak');
    child = spawn(process.execPath, [join(root, 'dist/glint'), ...SERVICES], {
      env: {
        ...stackEnvironment(),
        KAFKA_SASL_USERNAME: 'glint',
        KAFKA_SASL_PASSWORD: secrets.KAFKA_SASL_PASSWORD,
        ADMIN_USERNAME: 'ops',
        ADMIN_PASSWORD: secrets.ADMIN_PASSWORD,
        EVENT_PARTITIONS: '4',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    exitCode = new Promise((resolve) => child.once('exit', resolve));
    for (const service of SERVICES) {
      // The actions service answers /health 503 while its broker refuses SASL_SSL.
      const up = service === 'actions' ? (status: number) => status > 0 : (status: number) => status === 200;
      await waitFor(
        `${service} /health`,
        async () => {
          if (child.exitCode !== null) throw new Error(`glint exited with ${child.exitCode}: ${stderr.slice(-2_000)}`);
          return up((await getJson(url(service, '/health')).catch(() => undefined))?.status ?? 0) ? true : undefined;
        },
        60_000,
      );
    }
  }, 120_000);

  /** What every process of the run is given: GitHub, the catalog, Redis, Postgres, the ports, LOG_LEVEL=trace. */
  function stackEnvironment(): Record<string, string> {
    return {
      PATH: process.env['PATH'] ?? '',
      APP_ID: String(sim.appId),
      PRIVATE_KEY: Buffer.from(sim.appPrivateKeyPem).toString('base64'),
      GHE_HOST: new URL(sim.url).host,
      GHE_PROTOCOL: 'http',
      WEBHOOK_SECRET: secrets.WEBHOOK_SECRET,
      // The mapper sends the webhook secret to GitHub when it creates the organization webhook.
      BASE_URL: url('gateway', ''),
      PORT_URL: url('catalog', ''),
      PORT_CLIENT_ID: 'leak-test-client',
      PORT_CLIENT_SECRET: secrets.PORT_CLIENT_SECRET,
      KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
      REDIS_URL: redis.url,
      DATABASE_URL: database.url,
      HTTP_HOST: '127.0.0.1',
      PORT: String(ports.gateway),
      MAPPER_HTTP_PORT: String(ports.mapper),
      PUBLISHER_HTTP_PORT: String(ports.publisher),
      ACTIONS_HTTP_PORT: String(ports.actions),
      CATALOG_HTTP_PORT: String(ports.catalog),
      LOG_LEVEL: 'trace',
    };
  }

  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    if (dispatcherChild?.exitCode === null) dispatcherChild.kill('SIGKILL');
    await sim?.webhooksIdle();
    await sim?.close();
    await database?.drop();
    await redis?.destroy();
  });

  it('dispatches an action run from Kafka with a second actions service on the plaintext broker, reports it to the catalog, and stops on SIGTERM', async () => {
    const org = sim.installations()[0].account.login;
    const repo = sim.state.organization(org)?.repos.find((candidate) => candidate.name !== '.github-private' && candidate.defaultBranch === 'main');
    if (!repo) throw new Error('the simulator generated no repository on main');
    const orgId = `leak-test-${randomUUID().slice(0, 8)}`;
    const kafka = new Kafka({ clientId: 'glint-leak-test', brokers: testServices.kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      await admin.createTopics({ topics: [{ topic: runsTopicOf(orgId), numPartitions: 1 }], waitForLeaders: true });
      const actionsPort = await freePort();
      dispatcherChild = spawn(process.execPath, [join(root, 'dist/glint'), 'actions'], {
        env: { ...stackEnvironment(), PORT_ORG_ID: orgId, ACTIONS_HTTP_PORT: String(actionsPort) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      dispatcherChild.stdout?.on('data', (chunk) => (dispatcher.stdout += chunk));
      dispatcherChild.stderr?.on('data', (chunk) => (dispatcher.stderr += chunk));
      const dispatcherExit = new Promise<number | null>((resolve) => dispatcherChild?.once('exit', resolve));
      await waitFor('the dispatching actions service to be healthy', async () => ((await getJson(`http://127.0.0.1:${actionsPort}/health`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000);

      const token = await catalogToken();
      const created = await fetch(url('catalog', '/v1/actions/deploy/runs'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ properties: {} }),
      });
      expect(created.status).toBe(202);
      const runId = ((await created.json()) as { run: { id: string } }).run.id;
      const message = {
        action: 'deploy',
        resourceType: 'run',
        status: 'TRIGGERED',
        context: { entity: null, blueprint: 'service', runId },
        payload: { entity: null, action: { identifier: 'deploy', invocationMethod: { type: 'GITHUB', org, repo: repo.name, workflow: 'ci.yml' } }, properties: {} },
      };
      await producer.send({ topic: runsTopicOf(orgId), messages: [{ key: runId, value: JSON.stringify(message) }] });

      const catalog = new CatalogClient({ baseUrl: url('catalog', ''), clientId: 'leak-test-client', clientSecret: new Secret(secrets.PORT_CLIENT_SECRET) });
      const finished = await waitFor(
        `run ${runId} to finish in the catalog`,
        async () => {
          const run = await catalog.getActionRun(runId);
          return run.status === 'IN_PROGRESS' ? undefined : run;
        },
        60_000,
      );
      expect(finished).toMatchObject({ status: 'SUCCESS', link: [expect.stringContaining(`/${org}/${repo.name}/actions/runs/`)] });
      expect(dispatcher.stdout).toContain(`run ${runId}: workflow run `);

      dispatcherChild.kill('SIGTERM');
      expect(await dispatcherExit).toBe(0);
      expect(dispatcher.stderr).toBe('');
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  }, 120_000);

  /** An access token of the embedded catalog, for the client credentials the services have. */
  async function catalogToken(): Promise<string> {
    const answer = await fetch(url('catalog', '/v1/auth/access_token'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'leak-test-client', clientSecret: secrets.PORT_CLIENT_SECRET }),
    });
    return ((await answer.json()) as { accessToken: string }).accessToken;
  }

  it('resyncs the installation, takes live webhooks, dead-letters an event it cannot process, serves the dashboard and /status, and stops on SIGTERM', async () => {
    const [installation] = sim.installations();
    const resynced = await waitFor(
      'the resync at start to finish',
      async () => (await getJson<StatusAnswer>(url('mapper', '/status'))).body.resyncs.find((resync) => resync.state !== 'running'),
      90_000,
    );
    expect(resynced).toMatchObject({ installationId: String(installation.id), state: 'completed' });

    const org = installation.account.login;
    await waitFor('the mapper to create the organization webhook', async () => (sim.state.orgHooks.length > 0 ? true : undefined));
    const [repo] = sim.state.organization(org)?.repos ?? [];
    sim.openPullRequest(org, repo.name, { title: 'Leak test' });
    sim.openIssue(org, repo.name, { title: 'Leak test issue' });
    sim.push(org, repo.name, { branch: 'feature/leak-test', files: { 'docs/leak.md': 'nothing secret\n' } });
    await sim.webhooksIdle();
    expect(sim.state.orgHooks.map((hook) => [hook.url, hook.secret])).toEqual([[url('gateway', '/webhook'), secrets.WEBHOOK_SECRET]]);
    // The App webhook and the organization webhook send each event under one delivery id, queued once.
    const delivered = new Set(sim.deliveries().filter((delivery) => delivery.statusCode === 202).map((delivery) => delivery.guid)).size;
    // An event whose payload is gone by the time it is processed (as after a flushed Redis key): dead-lettered at once.
    const lost = { deliveryId: 'lost-payload', event: 'pull_request', action: 'opened', groupKey: 'repo-1/pr-999', partition: partitionOf('repo-1/pr-999', 4), receivedAt: new Date().toISOString(), installationId: installation.id };
    const inspector = createRedisConnection(redis.url, 'worker', 'leak-test');
    const partition = new Queue(partitionQueueName(QueueName.Events, lost.partition), { connection: inspector, prefix: DEFAULT_QUEUE_PREFIX });
    await partition.add(lost.event, lost, { jobId: jobIdForDelivery(lost.deliveryId) });
    await partition.close();
    inspector.disconnect();
    expect((await sendWebhook(url('gateway', '/webhook'), 'not-the-secret', 'issues', { action: 'opened' })).status).toBe(401);

    await waitFor(
      'every accepted delivery to be processed or dead-lettered',
      async () => {
        const text = await (await fetch(url('mapper', '/metrics'))).text();
        const taken = [...text.matchAll(/^glint_events_total\{[^}]*\} (\d+)$/gm)].reduce((sum, [, count]) => sum + Number(count), 0);
        return taken >= delivered + 1 && /glint_events_total\{event="pull_request",outcome="dead-lettered",service="mapper"\} 1/.test(text) ? true : undefined;
      },
      60_000,
    );

    const status = await getJson<StatusAnswer>(url('mapper', '/status'));
    expect(status.body.queues).toMatchObject({ lagSeconds: expect.any(Number), deadLetters: { events: 1, publish: expect.any(Number) }, partitions: expect.any(Array) });
    expect(status.body.queues.partitions).toHaveLength(4);
    expect(await mapperMetric(new RegExp(`glint_github_rate_limit_remaining\\{scope="installation:${installation.id}",resource="core",service="mapper"\\} \\d+`))).not.toBeNull();

    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`ops:${password}`).toString('base64')}` });
    expect((await fetch(url('gateway', '/admin/queues'), { headers: basic('wrong-password') })).status).toBe(401);
    expect((await fetch(url('gateway', '/admin/queues/api/queues'), { headers: basic(secrets.ADMIN_PASSWORD) })).status).toBe(200);

    child.kill('SIGTERM');
    expect(await exitCode).toBe(0);
    expect(stderr).toBe('');
  }, 180_000);

  it('wrote only JSON lines, each naming its service, with delivery, group, installation and sync ids where they apply', () => {
    const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(new Set(lines.map((line) => line['service']))).toEqual(new Set(['glint', ...SERVICES]));
    expect(lines.find((line) => line['service'] === 'mapper' && line['deliveryId'] && line['groupKey'] && line['installationId'])).toBeDefined();
    expect(lines.find((line) => line['service'] === 'mapper' && line['syncId'] && line['installationId'])).toBeDefined();
    expect(lines.find((line) => line['level'] === 'error' && line['deliveryId'] && /dead-lettered/.test(String(line['msg'])))).toBeDefined();
    expect(lines.find((line) => line['service'] === 'publisher' && line['job'] === 'changes')).toBeDefined();
    // The actions service with SASL tried the broker, over TLS, which the local broker does not speak.
    expect(lines.find((line) => line['service'] === 'actions' && line['context'] === 'kafkajs' && /TLS/.test(String(line['msg'])))).toBeDefined();

    const dispatcherLines = dispatcher.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(new Set(dispatcherLines.map((line) => line['service']))).toEqual(new Set(['actions']));
  });

  it('has none of the secrets, the private key in any form, or an issued token in any line', () => {
    const pem = sim.appPrivateKeyPem;
    const pemBodyLines = pem.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'));
    const forbidden = [...Object.values(secrets), pem.trim(), Buffer.from(pem).toString('base64'), pemBodyLines.join(''), ...pemBodyLines];
    const output = stdout + stderr + dispatcher.stdout + dispatcher.stderr;

    expect(forbidden.filter((secret) => output.includes(secret))).toEqual([]);
    expect(output).not.toContain('PRIVATE KEY');
    expect(output.match(/gh[pousr]_[A-Za-z0-9]{16,}/g)).toBeNull();
    expect(output.match(/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./g)).toBeNull();
  });
});
