import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@glint/config';
import { createGithubAccess, GithubAccess, GithubAccessDependencies, GithubInstallation } from '@glint/github';
import { JqEngine, MappingConfigSource } from '@glint/mapping';
import { MetricsRegistry } from '@glint/observability';
import { CompleteSyncJob, createRedisConnection, PublishChangesJob, PublishJob, PublishProducer } from '@glint/queue';
import { GithubSimulator, SimulatorOptions, testServices } from '@glint/testing';
import { EntityMapping } from '../mapping/entity-mapping';
import { REPOSITORIES_AND_PULLS_MAPPING } from './repositories-and-pulls-mapping.spec-helper';
import { ResyncRunner } from './resync-runner';
import { SyncMetrics } from './sync-metrics';
import { SyncStatusStore } from './sync-status';

const MAPPING = REPOSITORIES_AND_PULLS_MAPPING;

const GITHUB_MAX_CONCURRENCY = 10;
const MINUTE_MS = 60_000;

/** What went over the wire to the simulator, on the simulator's clock. */
class WireLog {
  inFlight = 0;
  maxInFlight = 0;
  listingsInFlight = 0;
  maxListingsInFlight = 0;
  /** When each request GitHub charged points for was answered. */
  readonly charged: number[] = [];
  /** When each installation request left. */
  readonly started: number[] = [];

  constructor(private readonly now: () => number) {}

  fetch: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const installationScoped = !new URL(url).pathname.includes('/app/');
    // Resync listings are the paginated requests; the mapping read at the start of a resync is not one.
    const listing = url.includes('per_page=');
    if (installationScoped) {
      this.started.push(this.now());
      this.maxInFlight = Math.max(this.maxInFlight, (this.inFlight += 1));
    }
    if (listing) this.maxListingsInFlight = Math.max(this.maxListingsInFlight, (this.listingsInFlight += 1));
    try {
      const response = await fetch(input, init);
      const refused = response.status === 403 && response.headers.has('retry-after');
      if (installationScoped && response.status !== 304 && !refused) this.charged.push(this.now());
      return response;
    } finally {
      if (installationScoped) this.inFlight -= 1;
      if (listing) this.listingsInFlight -= 1;
    }
  };

  /** The most points (one per read) GitHub charged within any minute. */
  maxPointsPerMinute(): number {
    const times = [...this.charged].sort((a, b) => a - b);
    let most = 0;
    for (let first = 0, last = 0; last < times.length; last += 1) {
      while (times[last] - times[first] >= MINUTE_MS) first += 1;
      most = Math.max(most, last - first + 1);
    }
    return most;
  }
}

/**
 * Resyncs against the simulator with GitHub.com's limits (100 requests in flight and 900 points a minute per
 * installation, `retry-after` on a breach): each runner stands for one mapper pod, with its own GitHub client (its own
 * installation tokens) and its own Redis connection, so the limits are shared through Redis only.
 */
describe('resyncs within the limits of GitHub.com', () => {
  let sim: GithubSimulator;
  let jq: JqEngine;
  let redis: Redis;
  let limitsKeyPrefix: string;
  let installation: GithubInstallation;
  let clockTicker: NodeJS.Timeout | undefined;
  const connections: Redis[] = [];
  const producers: PublishProducer[] = [];
  const statusKeys: string[] = [];

  beforeAll(() => {
    jq = new JqEngine({ workers: 1 });
    redis = new Redis(testServices.redisUrl, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    await jq?.close();
    redis?.disconnect();
  });

  afterEach(async () => {
    clearInterval(clockTicker);
    for (const producer of producers.splice(0)) {
      await producer.queue.obliterate({ force: true });
      await producer.close();
    }
    for (const connection of connections.splice(0)) connection.disconnect();
    const keys = [...statusKeys.splice(0), ...(await redis.keys(`${limitsKeyPrefix}*`))];
    if (keys.length > 0) await redis.del(...keys);
    await sim?.close();
  });

  async function start(options: SimulatorOptions): Promise<void> {
    sim = await GithubSimulator.start({ seed: 17, organizations: 1, limits: 'github.com', ...options });
    const [{ account }] = sim.installations();
    const settings = sim.state.repo(account.login, '.github-private');
    sim.push(account.login, '.github-private', { branch: settings?.defaultBranch ?? 'main', files: { '.github/port-app-config.yml': MAPPING } });
    limitsKeyPrefix = `glint-test-${randomUUID()}:limits:`;
    [installation] = await (await access({})).installations();
  }

  /** One pod's GitHub client: its own tokens, its own Redis connection for the shared limits, the simulator's clock. */
  async function access(dependencies: GithubAccessDependencies): Promise<GithubAccess> {
    const config = loadConfig(
      { APP_ID: String(sim.appId), PRIVATE_KEY: sim.appPrivateKeyPem, GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http', GITHUB_MAX_CONCURRENCY: String(GITHUB_MAX_CONCURRENCY) },
      ['mapper'],
    );
    const connection = createRedisConnection(testServices.redisUrl, 'producer', 'resync-limits-test');
    connections.push(connection);
    // A producer connection fails what is sent before it is ready, and the limits would let requests go meanwhile.
    if (connection.status !== 'ready') await new Promise((resolve) => connection.once('ready', resolve));
    const github = createGithubAccess(config.github, { clock: { now: () => sim.now() }, limitsRedis: connection, limitsKeyPrefix, ...dependencies });
    // Without its GraphQL client: these resyncs list through REST, repository by repository, whose limits and faults are
    // tested here (the GraphQL listings' own in kinds/graphql-listing.int-spec.ts).
    return { installations: () => github.installations(), clientFor: (id) => github.clientFor(id), appClient: () => github.appClient(), stats: () => github.stats() };
  }

  function pod(github: GithubAccess): { runner: ResyncRunner; producer: PublishProducer; status: SyncStatusStore; metrics: SyncMetrics } {
    const producer = new PublishProducer(redis, { prefix: `glint-test-${randomUUID()}` });
    producers.push(producer);
    const statusKey = `glint-test:resync-status:${randomUUID()}`;
    statusKeys.push(statusKey);
    const status = new SyncStatusStore(redis, statusKey);
    const metrics = new SyncMetrics(new MetricsRegistry('mapper'));
    const runner = new ResyncRunner({
      access: github,
      mappingSource: new MappingConfigSource(jq),
      mapping: new EntityMapping(jq),
      producer,
      status,
      metrics,
      sendRawDataExamples: false,
      githubConcurrency: GITHUB_MAX_CONCURRENCY,
    });
    return { runner, producer, status, metrics };
  }

  /**
   * Runs the simulator's clock (which the clients and the limits read too) five times as fast: a minute of points
   * takes 12 s, and 900 points a minute still hold a client back to 75 requests a second.
   */
  function hurryTime(): void {
    clockTicker = setInterval(() => sim.advanceClock(200), 50);
  }

  async function published(producer: PublishProducer): Promise<string[]> {
    const jobs: PublishJob[] = (await producer.queue.getJobs(['waiting'])).map((job) => job.data);
    return jobs
      .filter((job): job is PublishChangesJob => 'changes' in job)
      .flatMap((job) => job.changes)
      .flatMap((change) => (change.type === 'upsert' ? [`${change.entity.blueprint}:${String(change.entity.identifier)}:${JSON.stringify(change.entity.title)}`] : []))
      .sort();
  }

  async function completion(producer: PublishProducer): Promise<CompleteSyncJob | undefined> {
    const jobs: PublishJob[] = (await producer.queue.getJobs(['waiting'])).map((job) => job.data);
    return jobs.find((job): job is CompleteSyncJob => 'complete' in job);
  }

  /** What the simulator holds: every repository and every open pull request, as the mapping names them. */
  function expectedEntities(except?: string): string[] {
    const org = sim.state.organization(installation.accountLogin);
    if (!org) throw new Error('no organization');
    return org.repos.flatMap((repo) => [
      // Archived repositories are not catalogued; their pull requests are.
      ...(repo.archived ? [] : [`githubRepository:${repo.name}:${JSON.stringify(repo.name)}`]),
      ...(repo.name === except ? [] : sim.state.repoData(repo).pulls.filter((pull) => pull.state === 'open').map((pull) => `githubPullRequest:${repo.name}-${pull.number}:${JSON.stringify(pull.title)}`)),
    ]).sort();
  }

  it('keeps three pods resyncing one installation within its requests in flight and points a minute: GitHub refuses nothing', async () => {
    await start({ reposPerOrg: 400, pullRequestsPerRepo: 2, latencyMs: 20, latencyJitterMs: 4 });
    const wire = new WireLog(() => sim.now());
    // Leases outlast any request, however slow the machine, while the clock runs fast.
    const pods = await Promise.all([1, 2, 3].map(async () => pod(await access({ fetch: wire.fetch, limitsLeaseTtlMs: 60 * MINUTE_MS }))));
    sim.resetStats();
    hurryTime();

    const statuses = await Promise.all(pods.map(({ runner }) => runner.run(installation, 'test')));

    const stats = sim.stats();
    expect({ refusedPrimary: stats.refusedPrimary, refusedSecondary: stats.refusedSecondary }).toEqual({ refusedPrimary: 0, refusedSecondary: 0 });
    // Enough traffic that the points limit mattered: over 900 points in all, none of its minutes over 900.
    expect(stats.points).toBeGreaterThan(900);
    expect(wire.maxPointsPerMinute()).toBeLessThanOrEqual(900);
    // The three pods together kept to GITHUB_MAX_CONCURRENCY resync requests in flight, and did use more than one each.
    expect(wire.maxListingsInFlight).toBeLessThanOrEqual(GITHUB_MAX_CONCURRENCY);
    expect(wire.maxListingsInFlight).toBeGreaterThan(pods.length);
    expect(wire.maxInFlight).toBeLessThanOrEqual(100);
    for (const [index, { producer }] of pods.entries()) {
      expect(statuses[index]).toMatchObject({ state: 'completed', errors: [] });
      expect(await published(producer)).toEqual(expectedEntities());
      expect(await completion(producer)).toMatchObject({ complete: true });
    }
  }, 90_000);

  it('pauses every request of the installation for the retry-after of a secondary limit, halves the resync concurrency, and loses nothing', async () => {
    await start({ reposPerOrg: 60, pullRequestsPerRepo: 2, latencyMs: 10 });
    const clean = pod(await access({}));
    expect(await clean.runner.run(installation, 'without a breach')).toMatchObject({ state: 'completed' });

    const wire = new WireLog(() => sim.now());
    const pauses: Array<{ at: number; waitMs: number; concurrency: number }> = [];
    let requests = 0;
    const breached = pod(
      await access({
        fetch: (input, init) => {
          // A breach once the resync is well under way: the next 5 requests are refused with retry-after 2.
          if ((requests += 1) === 30) sim.secondaryRateLimit(5, 2);
          return wire.fetch(input, init);
        },
        onLimits: { slowedDown: (_scope, waitMs, concurrency) => pauses.push({ at: sim.now(), waitMs, concurrency }) },
      }),
    );
    sim.resetStats();

    const status = await breached.runner.run(installation, 'with a breach');

    expect(status).toMatchObject({ state: 'completed', errors: [] });
    expect(sim.stats().refusedSecondary).toBe(5);
    expect(await published(breached.producer)).toEqual(await published(clean.producer));
    expect(await completion(breached.producer)).toMatchObject({ complete: true });
    // The first refusal paused the installation and halved the resync concurrency (10 → 5); the refusals of requests
    // already in flight belonged to the same breach.
    expect(pauses[0]).toMatchObject({ waitMs: 2_000, concurrency: GITHUB_MAX_CONCURRENCY / 2 });
    expect(pauses.every((pause) => pause.concurrency === GITHUB_MAX_CONCURRENCY / 2)).toBe(true);
    // Nothing left while the pause lasted: every request after it started at least its retry-after later (less the
    // Redis round trip between setting the pause and hearing of it).
    const pausedAt = pauses[0].at;
    const startedDuringPause = wire.started.filter((at) => at > pausedAt && at < pausedAt + 1_000);
    expect(startedDuringPause).toEqual([]);
    expect(wire.started.some((at) => at >= pausedAt + 1_000)).toBe(true);
  }, 60_000);

  it('keeps a repository whose pull requests cannot be listed to itself: the rest is synced, the status names it and its error, nothing stale is deleted', async () => {
    await start({ reposPerOrg: 40, pullRequestsPerRepo: 2 });
    const org = sim.state.organization(installation.accountLogin);
    const failing = org?.repos.find((repo) => repo.name !== '.github-private' && sim.state.repoData(repo).pulls.some((pull) => pull.state === 'open'))?.name;
    if (!failing) throw new Error('no repository with an open pull request');
    sim.injectFaults({ status: 500, count: 1_000, routePattern: new RegExp(`/repos/${installation.accountLogin}/${failing}/pulls\\?`) });
    // The client's retries of a 5xx (with their waits) still happen, without the waits.
    const { runner, producer, status: store, metrics } = pod(await access({ sleep: async () => undefined }));

    const status = await runner.run(installation, 'test');

    expect(await published(producer)).toEqual(expectedEntities(failing));
    expect(await completion(producer)).toMatchObject({ complete: false, errors: status.errors });
    expect(status.state).toBe('failed');
    expect(status.errors).toEqual([expect.stringMatching(new RegExp(`^resources\\[1\\] \\(pull-request\\): GET /repos/${installation.accountLogin}/${failing}/pulls answered 500 5 times.*\\(repository ${failing}\\)$`))]);
    const [stored] = await store.all();
    const pullRequests = stored.kinds.find((kind) => kind.kind === 'pull-request');
    expect(pullRequests).toMatchObject({ repositoriesFailed: 1, failedRepositories: [{ repository: failing, error: expect.stringMatching(/answered 500 5 times/) }] });
    expect(pullRequests?.error).toContain(failing);
    expect(stored.kinds.find((kind) => kind.kind === 'repository')?.error).toBeUndefined();
    expect((await metrics.repositoryFailures.get()).values).toEqual([expect.objectContaining({ labels: { kind: 'pull-request' }, value: 1 })]);
  }, 60_000);
});

