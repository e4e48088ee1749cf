import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@glint/config';
import { createGithubAccess, GithubAccess, GithubInstallation } from '@glint/github';
import { JqEngine, MappingConfigSource } from '@glint/mapping';
import { MetricsRegistry } from '@glint/observability';
import { CompleteSyncJob, PublishChangesJob, PublishJob, PublishProducer } from '@glint/queue';
import { GithubSimulator, testServices } from '@glint/testing';
import { EntityMapping } from '../mapping/entity-mapping';
import { REPOSITORIES_AND_PULLS_MAPPING } from './repositories-and-pulls-mapping.spec-helper';
import { restOnlyAccess } from './rest-only-access.spec-helper';
import { ResyncRunner } from './resync-runner';
import { SyncMetrics } from './sync-metrics';
import { SyncStatusStore } from './sync-status';

const MAPPING = REPOSITORIES_AND_PULLS_MAPPING;

/**
 * One installation's resync on the GitHub simulator, with the real Redis under the publish queue: what the runner hands
 * the publisher at the end decides whether stale entities are deleted, so a resync that could not list everything
 * must never say it is complete.
 */
describe('ResyncRunner on the GitHub simulator', () => {
  let sim: GithubSimulator;
  let jq: JqEngine;
  let redis: Redis;
  let access: GithubAccess;
  let installation: GithubInstallation;
  let producer: PublishProducer;
  let statusKey: string;
  let metrics: SyncMetrics;
  /** The organization's repositories in the order the resync lists them, each with an open pull request. */
  let repositories: string[];

  beforeAll(() => {
    jq = new JqEngine({ workers: 1 });
    redis = new Redis(testServices.redisUrl, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    await jq?.close();
    redis?.disconnect();
  });

  beforeEach(async () => {
    sim = await GithubSimulator.start({ seed: 16, organizations: 1, reposPerOrg: 3 });
    const [{ account }] = sim.installations();
    const settings = sim.state.repo(account.login, '.github-private');
    sim.push(account.login, '.github-private', { branch: settings?.defaultBranch ?? 'main', files: { '.github/port-app-config.yml': MAPPING } });
    const config = loadConfig({ APP_ID: String(sim.appId), PRIVATE_KEY: sim.appPrivateKeyPem, GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    // The client's retries of a 5xx (with their waits) still happen, without the waits.
    access = createGithubAccess(config.github, { sleep: async () => undefined });
    [installation] = await access.installations();
    repositories = [];
    for await (const page of access.clientFor(installation.id).paginate<{ name: string }>('GET /orgs/{org}/repos', { org: account.login, type: 'all' })) {
      repositories.push(...page.map((repository) => repository.name));
    }
    for (const name of repositories) sim.openPullRequest(account.login, name, { title: `Resync test ${name}` });
    producer = new PublishProducer(redis, { prefix: `glint-test-${randomUUID()}` });
    statusKey = `glint-test:resync-status:${randomUUID()}`;
    metrics = new SyncMetrics(new MetricsRegistry('mapper'));
  });

  afterEach(async () => {
    await producer?.queue.obliterate({ force: true });
    await producer?.close();
    await redis.del(statusKey);
    await sim?.close();
  });

  /**
   * The access without a GraphQL client: the listings go through REST, one repository at a time, whose per-repository
   * failure these tests inject (the GraphQL listings' own are tested in kinds/graphql-listing.int-spec.ts).
   */
  const restOnly = (): GithubAccess => restOnlyAccess(access);

  function runner(): ResyncRunner {
    return new ResyncRunner({
      access: restOnly(),
      mappingSource: new MappingConfigSource(jq),
      mapping: new EntityMapping(jq),
      producer,
      status: new SyncStatusStore(redis, statusKey),
      metrics,
      sendRawDataExamples: false,
    });
  }

  /** Every job the runner put on the publish queue (no publisher takes them here). */
  async function queued(): Promise<PublishJob[]> {
    return (await producer.queue.getJobs(['waiting'])).map((job) => job.data);
  }

  async function completions(): Promise<CompleteSyncJob[]> {
    return (await queued()).filter((job): job is CompleteSyncJob => 'complete' in job);
  }

  async function publishedPullRequests(): Promise<unknown[]> {
    return (await queued())
      .filter((job): job is PublishChangesJob => 'changes' in job)
      .flatMap((job) => job.changes)
      .flatMap((change) => (change.type === 'upsert' && change.entity.blueprint === 'githubPullRequest' ? [change.entity.identifier] : []));
  }

  const resyncs = async (outcome: string) => (await metrics.resyncs.get()).values.find((value) => value.labels.outcome === outcome)?.value ?? 0;

  it('marks a resync whose pull request listing fails mid-way (502 after every retry) failed, and its completion incomplete, so nothing is cleaned up', async () => {
    const failing = repositories[repositories.length - 1];
    sim.injectFaults({ status: 502, count: 1_000, routePattern: new RegExp(`/repos/${installation.accountLogin}/${failing}/pulls\\?`) });

    const status = await runner().run(installation, 'test');

    expect(status.state).toBe('failed');
    // Every error is the pull request listing's, and one names the repository that answered 502.
    expect(status.errors.length).toBeGreaterThan(0);
    expect(status.errors.every((error) => error.startsWith('resources[1] (pull-request): '))).toBe(true);
    expect(status.errors.find((error) => error.includes(`/repos/${installation.accountLogin}/${failing}/pulls`) && error.includes('502'))).toBeDefined();
    // The listing failed mid-way: the pull requests of the other repositories were published.
    expect(await publishedPullRequests()).toEqual(expect.arrayContaining(repositories.slice(0, -1).map((name) => expect.stringMatching(new RegExp(`^${name}-\\d+$`)))));
    const [completion, ...more] = await completions();
    expect(more).toEqual([]);
    expect(completion).toMatchObject({ syncId: status.syncId, installationId: String(installation.id), complete: false, errors: status.errors });
    expect(await resyncs('failed')).toBe(1);
    expect(await resyncs('completed')).toBe(0);
  });

  it('marks a resync whose every listing finished completed, and its completion complete, which lets the publisher clean up', async () => {
    const status = await runner().run(installation, 'test');

    expect(status).toMatchObject({ state: 'completed', errors: [] });
    expect((await publishedPullRequests()).length).toBeGreaterThanOrEqual(repositories.length);
    expect(await completions()).toEqual([expect.objectContaining({ syncId: status.syncId, installationId: String(installation.id), complete: true, errors: [] })]);
    expect(await resyncs('completed')).toBe(1);
  });
});
