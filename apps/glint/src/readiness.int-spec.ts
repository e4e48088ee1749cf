import { generateKeyPairSync } from 'node:crypto';
import { startCatalog } from '@glint/catalog';
import type { GlintConfig } from '@glint/config';
import { startGateway } from '@glint/gateway';
import { startMapper } from '@glint/mapper';
import type { ReadinessCheck, ReadinessReport } from '@glint/observability';
import type { RunningService } from '@glint/runtime';
import { createTemporaryDatabase, freePort, getJson, GithubSimulator, PrivateRedisServer, TemporaryDatabase, testConfig, waitFor } from '@glint/testing';

/**
 * The mapper's `GET /health/ready` against the GitHub simulator: each cause turns it not ready with a message naming
 * the variable or permission to fix, and each fix, made while the mapper runs, turns it ready again.
 */
describe('readiness of the mapper, against the GitHub simulator, a real Redis, Postgres and the embedded catalog', () => {
  let sim: GithubSimulator;
  let redis: PrivateRedisServer;
  let database: TemporaryDatabase;
  let catalog: RunningService;
  let catalogPort: string;
  const running: RunningService[] = [];

  const otherKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const org = () => sim.installations()[0]?.account.login ?? 'missing';

  async function configFor(env: Record<string, string>): Promise<GlintConfig> {
    return testConfig(
      {
        REDIS_URL: redis.url,
        DATABASE_URL: database.url,
        CATALOG_HTTP_PORT: catalogPort,
        APP_ID: String(sim.appId),
        PRIVATE_KEY: sim.appPrivateKeyPem,
        GHE_HOST: new URL(sim.url).host,
        GHE_PROTOCOL: 'http',
        LOG_LEVEL: 'fatal',
        ...env,
      },
      ['gateway', 'mapper'],
    );
  }

  async function mapperWith(env: Record<string, string> = {}): Promise<RunningService> {
    const mapper = await startMapper(await configFor(env), { resyncAtStart: false, webhooksAtStart: false, readiness: { cacheMs: 0, intervalMs: 60_000 } });
    running.push(mapper);
    return mapper;
  }

  const readiness = (service: RunningService) => getJson<ReadinessReport>(`${service.url}/health/ready`);

  async function failing(service: RunningService, installation: string, check: string): Promise<ReadinessCheck & { status: number }> {
    const answer = await readiness(service);
    const found = answer.body.checks.find((candidate) => candidate.installation === installation && candidate.check === check);
    if (!found) throw new Error(`no ${check} check for ${installation} in ${JSON.stringify(answer.body)}`);
    return { ...found, status: answer.status };
  }

  const becomesReady = (service: RunningService) =>
    waitFor(`${service.name} ready`, async () => {
      const answer = await readiness(service);
      return answer.status === 200 ? answer : undefined;
    });

  beforeAll(async () => {
    sim = await GithubSimulator.start({ seed: 7, organizations: 1, reposPerOrg: 2, pullRequestsPerRepo: 1, issuesPerRepo: 1 });
    redis = await PrivateRedisServer.start();
    database = await createTemporaryDatabase('readiness');
    catalogPort = String(await freePort());
    catalog = await startCatalog(await testConfig({ REDIS_URL: redis.url, DATABASE_URL: database.url, CATALOG_HTTP_PORT: catalogPort, LOG_LEVEL: 'fatal' }, ['catalog']));
  });

  afterEach(async () => {
    for (const service of running.splice(0).reverse()) await service.app.close();
  });

  afterAll(async () => {
    await catalog?.app.close();
    await sim?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('is ready when GitHub, every installation, its permissions and the catalog work, and exports each check', async () => {
    const mapper = await mapperWith();

    const answer = await becomesReady(mapper);

    expect(answer.body.checks.map((check) => `${check.installation}/${check.check}`)).toEqual(
      expect.arrayContaining(['all/catalog', 'all/github-auth', 'all/installations', `${org()}/installation-token`, `${org()}/permissions`, 'all/webhook-secret', 'all/dependency:redis']),
    );
    const metrics = await (await fetch(`${mapper.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`glint_readiness\\{[^}]*installation="${org()}",check="permissions"[^}]*\\} 1`));
  });

  it('answers on a service without GitHub checks from its dependencies alone', async () => {
    const answer = await readiness(catalog);

    expect(answer.status).toBe(200);
    expect(answer.body.checks).toEqual([{ installation: 'all', check: 'dependency:postgres', ok: true }]);
  });

  it('a PRIVATE_KEY that is not the App\'s key: not ready naming PRIVATE_KEY, ready once GitHub accepts the key', async () => {
    const key = otherKey();
    const mapper = await mapperWith({ PRIVATE_KEY: key });

    const auth = await failing(mapper, 'all', 'github-auth');
    expect(auth).toMatchObject({ status: 503, ok: false, error: expect.stringContaining('A JSON web token could not be decoded'), fix: expect.stringContaining('PRIVATE_KEY') });
    const metrics = await (await fetch(`${mapper.url}/metrics`)).text();
    expect(metrics).toMatch(/glint_readiness\{[^}]*installation="all",check="github-auth"[^}]*\} 0/);

    sim.addAppKey(key);
    try {
      await becomesReady(mapper);
    } finally {
      sim.removeAppKey(key);
    }
  });

  it('an APP_ID GitHub does not know: not ready naming APP_ID, ready once GitHub knows the App by it', async () => {
    const appId = sim.appId + 1000;
    const mapper = await mapperWith({ APP_ID: String(appId) });

    expect(await failing(mapper, 'all', 'github-auth')).toMatchObject({ status: 503, error: expect.stringContaining('Integration not found'), fix: expect.stringContaining(`APP_ID=${appId}`) });

    sim.acceptAppId(appId);
    await becomesReady(mapper);
  });

  it('a GHE_HOST nothing answers on: not ready naming GHE_HOST, ready once GitHub answers there', async () => {
    const port = await freePort();
    const mapper = await mapperWith({ GHE_HOST: `127.0.0.1:${port}` });

    expect(await failing(mapper, 'all', 'github-auth')).toMatchObject({ status: 503, error: expect.stringContaining('cannot reach GitHub at http://127.0.0.1:'), fix: expect.stringContaining('GHE_HOST') });

    const late = await GithubSimulator.start({ seed: 7, organizations: 1, reposPerOrg: 2, port });
    try {
      late.addAppKey(sim.appPrivateKeyPem);
      await becomesReady(mapper);
    } finally {
      await late.close();
    }
  });

  it('a GHE_HOST where something else than GitHub answers: not ready naming GHE_HOST', async () => {
    const mapper = await mapperWith({ GHE_HOST: new URL(catalog.url).host });

    expect(await failing(mapper, 'all', 'github-auth')).toMatchObject({ status: 503, error: expect.stringContaining("does not answer as GitHub's API"), fix: expect.stringContaining('GHE_HOST') });
  });

  it('a permission the mapping needs withdrawn: not ready naming the permission and the kind, ready once granted again', async () => {
    const mapper = await mapperWith();
    await becomesReady(mapper);

    sim.setInstallationPermissions(org(), { pull_requests: null });
    try {
      expect(await failing(mapper, org(), 'permissions')).toMatchObject({
        status: 503,
        error: expect.stringMatching(/'Pull requests: read' \(repository; needed by pull-request\)/),
        fix: expect.stringContaining("grant 'Pull requests: read'"),
      });
    } finally {
      sim.setInstallationPermissions(org(), { pull_requests: 'read' });
    }
    await becomesReady(mapper);
  });

  it("a webhook secret changed on GitHub's side: not ready naming WEBHOOK_SECRET while GitHub's deliveries fail the gateway's check, ready once they pass again", async () => {
    const config = await configFor({});
    const gateway = await startGateway(config);
    running.push(gateway);
    const mapper = await startMapper(config, { resyncAtStart: false, webhooksAtStart: false, readiness: { cacheMs: 0, intervalMs: 60_000 } });
    running.push(mapper);
    const repository = sim.state.organizations[0]?.repos[0]?.name ?? 'missing';
    const deliveredSoFar = sim.deliveries().length;

    sim.configureWebhook({ url: `${gateway.url}/webhook`, secret: 'changed-on-github' });
    sim.openIssue(org(), repository, { title: 'signed with the new secret' });
    const [refused] = (await sim.waitForDeliveries(deliveredSoFar + 1)).slice(deliveredSoFar);
    expect(refused?.statusCode).toBe(401);

    expect(await failing(mapper, 'all', 'webhook-secret')).toMatchObject({ status: 503, error: expect.stringContaining(refused?.guid ?? 'missing'), fix: expect.stringContaining('WEBHOOK_SECRET') });

    sim.configureWebhook({ url: `${gateway.url}/webhook`, secret: 'integration-test-secret' });
    sim.openIssue(org(), repository, { title: 'signed with the old secret again' });
    const [accepted] = (await sim.waitForDeliveries(deliveredSoFar + 2)).slice(deliveredSoFar + 1);
    expect(accepted?.statusCode).toBe(202);
    await becomesReady(mapper);
    sim.configureWebhook(undefined);
  });
});
