import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@glint/config';
import { createGithubAccess, GithubAccess, GithubAccessDependencies, GithubInstallation } from '@glint/github';
import { JqEngine, MappingConfigSource } from '@glint/mapping';
import { MetricsRegistry } from '@glint/observability';
import { PublishProducer, QueueOverview } from '@glint/queue';
import { GithubSimulator, SimulatorOptions, testServices } from '@glint/testing';
import { EntityMapping } from '../mapping/entity-mapping';
import { REPOSITORIES_AND_PULLS_MAPPING } from './repositories-and-pulls-mapping.spec-helper';
import { restOnlyAccess } from './rest-only-access.spec-helper';
import { ResyncRunner } from './resync-runner';
import { ResyncWatermarkStore } from './resync-watermarks';
import { ResyncView, StatusController } from './status.controller';
import { SyncMetrics } from './sync-metrics';
import { SyncStatusStore } from './sync-status';

/**
 * What `GET /status` tells about the rate-limit budget: units and limit waits per kind of a resync, the installation's
 * budget, and, for a running resync, whether the budget covers what it still needs before the reset.
 */
describe('the rate-limit budget in the mapper status', () => {
  let sim: GithubSimulator;
  let jq: JqEngine;
  let redis: Redis;
  let access: GithubAccess;
  let installation: GithubInstallation;
  let producer: PublishProducer;
  let overview: QueueOverview;
  let prefix: string;
  let metrics: SyncMetrics;
  let registry: MetricsRegistry;

  beforeAll(() => {
    jq = new JqEngine({ workers: 1 });
    redis = new Redis(testServices.redisUrl, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    await jq?.close();
    redis?.disconnect();
  });

  afterEach(async () => {
    await producer?.queue.obliterate({ force: true });
    await producer?.close();
    await overview?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await sim?.close();
  });

  /** A simulator with the mapping, and a token client (the App JWT would not survive the simulator's clock moving). */
  async function start(options: SimulatorOptions, dependencies: GithubAccessDependencies): Promise<void> {
    sim = await GithubSimulator.start({ seed: 23, organizations: 1, pullRequestsPerRepo: 1, issuesPerRepo: 0, latencyMs: 50, ...options });
    const organization = sim.installations()[0].account.login;
    const settings = sim.state.repo(organization, '.github-private');
    sim.push(organization, '.github-private', { branch: settings?.defaultBranch ?? 'main', files: { '.github/port-app-config.yml': REPOSITORIES_AND_PULLS_MAPPING } });
    prefix = `glint-test:${randomUUID()}:`;
    const config = loadConfig({ GITHUB_TOKEN: sim.createPersonalAccessToken(), GITHUB_ORGANIZATION: organization, GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    access = createGithubAccess(config.github, { limitsRedis: redis, limitsKeyPrefix: `${prefix}limits:`, ...dependencies });
    [installation] = await access.installations();
    producer = new PublishProducer(redis, { prefix: `glint-test-${randomUUID()}` });
    overview = new QueueOverview(redis, { partitions: 1, prefix: `glint-test-${randomUUID()}` });
    registry = new MetricsRegistry('mapper');
    metrics = new SyncMetrics(registry);
  }

  const statusStore = () => new SyncStatusStore(redis, `${prefix}status`);
  const watermarks = () => new ResyncWatermarkStore(redis, `${prefix}watermarks`);
  const controller = () => new StatusController(statusStore(), overview, watermarks(), access);

  /**
   * The access without a GraphQL client: the core budget and the REST listings' limit waits are what these tests
   * follow (GraphQL queries have their own hourly points, and the listing of 10 repositories is one query).
   */
  const restOnly = (): GithubAccess => restOnlyAccess(access);

  function runner(now?: () => Date): ResyncRunner {
    return new ResyncRunner({
      access: restOnly(),
      mappingSource: new MappingConfigSource(jq),
      mapping: new EntityMapping(jq),
      producer,
      status: statusStore(),
      metrics,
      sendRawDataExamples: false,
      githubConcurrency: 5,
      watermarks: watermarks(),
      now,
    });
  }

  it("shows the units and limit waits of each kind and the installation's budget after a resync under GitHub.com's limits", async () => {
    /** Units GitHub charged the installation: REST answers neither 304 nor refused for a limit, and GraphQL queries' cost. */
    let charged = 0;
    let pullListings = 0;
    const wire: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const graphql = url.endsWith('/graphql');
      // The first pull request listing (REST or GraphQL) meets a secondary limit (retry after one second).
      const pulls = url.includes('/pulls?') || (graphql && String(init?.body ?? '').includes('pullRequests'));
      if (pulls && (pullListings += 1) === 1) sim.secondaryRateLimit(1, 1);
      const response = await fetch(input, init);
      const refused = (response.status === 403 || response.status === 429) && response.headers.has('retry-after');
      if (response.status === 304 || refused) return response;
      const cost = graphql ? ((await response.clone().json()) as { data?: { rateLimit?: { cost?: number } } }).data?.rateLimit?.cost : undefined;
      charged += cost ?? 1;
      return response;
    };
    await start({ reposPerOrg: 8, limits: 'github.com' }, { fetch: wire });
    charged = 0;

    const finished = await runner().run(installation, 'test');
    const [view] = (await controller().current()).resyncs;

    expect(finished.state).toBe('completed');
    expect(view).toMatchObject({ syncId: finished.syncId, mode: 'full', units: charged, rateLimits: { core: { limit: 5000, remaining: expect.any(Number), resetAt: expect.any(String) } } });
    const kinds = new Map(view.kinds.map((kind) => [kind.kind, kind]));
    // Every repository's pull requests are listed (one REST listing each, or a GraphQL query costing about as much).
    expect(kinds.get('pull-request')?.units).toBeGreaterThanOrEqual(8);
    expect(kinds.get('repository')?.units).toBeGreaterThanOrEqual(1);
    expect(kinds.get('pull-request')?.limitWaitSeconds).toBeGreaterThanOrEqual(1);
    expect(view.limitWaitSeconds).toBeGreaterThanOrEqual(kinds.get('pull-request')?.limitWaitSeconds ?? Infinity);
    const exposed = await registry.registry.metrics();
    const pullUnits = [...exposed.matchAll(/glint_resync_units_total\{kind="pull-request",resource="(?:core|graphql)",service="mapper"\} (\d+)/g)].map((match) => Number(match[1]));
    expect(pullUnits.reduce((sum, units) => sum + units, 0)).toBe(kinds.get('pull-request')?.units);
    expect(exposed).toMatch(/glint_resync_limit_wait_seconds_total\{kind="pull-request",service="mapper"\} [1-9]/);
  });

  it('says when the remaining budget will not cover what a running resync still needs before the reset, and when it expects to finish', async () => {
    let outlookWhileHeldBack: ResyncView | undefined;
    const simClock = { now: () => sim.now() };
    await start(
      { reposPerOrg: 10, rateLimit: { limit: 30, windowSeconds: 3600 } },
      {
        clock: simClock,
        // A wait for the budget: the status is read then, and the simulator's clock moved past the reset.
        sleep: async (ms) => {
          outlookWhileHeldBack ??= (await controller().current()).resyncs[0];
          sim.advanceClock(ms);
        },
      },
    );
    const now = () => new Date(sim.now());
    const first = await runner(now).run(installation, 'start', undefined, 'auto');
    expect(first).toMatchObject({ state: 'completed', mode: 'full' });
    expect(outlookWhileHeldBack).toBeUndefined();

    const second = await runner(now).run(installation, 'manual');

    expect(second.state).toBe('completed');
    expect(outlookWhileHeldBack).toMatchObject({
      syncId: second.syncId,
      state: 'running',
      mode: 'full',
      outlook: {
        basis: 'previous-resync',
        unitsStillNeeded: expect.any(Number),
        message: expect.stringMatching(/rate-limit units this resync still needs are more than the \d+ resyncs may use before the reset at .* it waits for the reset and expects to finish around/),
        expectedFinishAt: expect.any(String),
      },
    });
    expect(Date.parse(outlookWhileHeldBack?.outlook?.expectedFinishAt ?? '')).toBeGreaterThanOrEqual(Date.parse(outlookWhileHeldBack?.rateLimits.core?.resetAt ?? ''));
  });
});
