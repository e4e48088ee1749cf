import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@glint/config';
import { createGithubAccess, GithubAccess, GithubInstallation } from '@glint/github';
import { JqEngine, MappingConfigSource } from '@glint/mapping';
import { MetricsRegistry } from '@glint/observability';
import { CompleteSyncJob, EntityChange, PublishChangesJob, PublishJob, PublishProducer } from '@glint/queue';
import { GithubSimulator, testServices } from '@glint/testing';
import { EntityMapping } from '../mapping/entity-mapping';
import { pushMappingFile, REPOSITORIES_AND_PULLS_MAPPING } from './repositories-and-pulls-mapping.spec-helper';
import { restOnlyAccess } from './rest-only-access.spec-helper';
import { ResyncRunner } from './resync-runner';
import { ResyncWatermarkStore } from './resync-watermarks';
import { SyncMetrics } from './sync-metrics';
import { SyncStatus, SyncStatusStore } from './sync-status';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const REPOSITORIES = 40;

interface PullSummary {
  number: number;
  title: string;
}

/**
 * Scheduled resyncs after a complete one list only what changed since its watermark, on the simulator with GitHub's
 * latency, the ETag cache and the shared limits in Redis: the runner's clock is the simulator's, so the test moves
 * time (the watermark margin, the full resync interval) without waiting.
 */
describe('incremental resyncs on the GitHub simulator', () => {
  let sim: GithubSimulator;
  let jq: JqEngine;
  let redis: Redis;
  let access: GithubAccess;
  let installation: GithubInstallation;
  let producer: PublishProducer;
  let keys: string[];
  let organization: string;

  beforeAll(() => {
    jq = new JqEngine({ workers: 1 });
    redis = new Redis(testServices.redisUrl, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    await jq?.close();
    redis?.disconnect();
  });

  beforeEach(async () => {
    sim = await GithubSimulator.start({ seed: 41, organizations: 1, reposPerOrg: REPOSITORIES, pullRequestsPerRepo: 2, issuesPerRepo: 0, latencyMs: 50 });
    organization = sim.installations()[0].account.login;
    pushMappingFile(sim, organization, '.github-private', REPOSITORIES_AND_PULLS_MAPPING);
    // A token: the App JWT is signed with the real clock, which the simulator's moved clock would find expired.
    const config = loadConfig({ GITHUB_TOKEN: sim.createPersonalAccessToken(), GITHUB_ORGANIZATION: organization, GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    const prefix = `glint-test:${randomUUID()}:`;
    keys = [`${prefix}status`, `${prefix}watermarks`];
    access = createGithubAccess(config.github, { redis, limitsRedis: redis, etagKeyPrefix: `${prefix}etag:`, limitsKeyPrefix: `${prefix}limits:`, clock: { now: () => sim.now() } });
    [installation] = await access.installations();
    producer = new PublishProducer(redis, { prefix: `glint-test-${randomUUID()}` });
    const [first] = repositoriesWithOpenPulls(0);
    for (let opened = 0; opened < 3; opened += 1) sim.openPullRequest(organization, first.name, { title: `Open before the resyncs ${opened}` });
    // What the simulator holds now is older than the first resync's watermark margin.
    sim.advanceClock(10 * MINUTE_MS);
  });

  afterEach(async () => {
    await producer?.queue.obliterate({ force: true });
    await producer?.close();
    const etagKeys = await redis.keys(`${keys[0].replace(/status$/, '')}*`);
    if (etagKeys.length > 0) await redis.del(...etagKeys);
    await sim?.close();
  });

  /** The same access without a GraphQL client: every listing goes through REST, with the ETag cache. */
  const restOnly = (): GithubAccess => restOnlyAccess(access);

  function runner(listings: 'rest' | 'chosen' = 'chosen', mappingSource = new MappingConfigSource(jq)): ResyncRunner {
    return new ResyncRunner({
      access: listings === 'rest' ? restOnly() : access,
      mappingSource,
      mapping: new EntityMapping(jq),
      producer,
      status: new SyncStatusStore(redis, keys[0]),
      metrics: new SyncMetrics(new MetricsRegistry('mapper')),
      sendRawDataExamples: false,
      now: () => new Date(sim.now()),
      githubConcurrency: 10,
      watermarks: new ResyncWatermarkStore(redis, keys[1]),
      fullResyncIntervalHours: 24,
    });
  }

  /** The jobs a resync put on the publish queue (no publisher takes them), taken off so the next resync's stand alone. */
  async function takeJobs(): Promise<PublishJob[]> {
    const jobs = (await producer.queue.getJobs(['waiting'])).map((job) => job.data);
    await producer.queue.obliterate({ force: true });
    return jobs;
  }

  const changesOf = (jobs: PublishJob[]): EntityChange[] => jobs.filter((job): job is PublishChangesJob => 'changes' in job).flatMap((job) => job.changes);
  const completionOf = (jobs: PublishJob[]) => jobs.filter((job): job is CompleteSyncJob => 'complete' in job);
  const described = (change: EntityChange) =>
    change.type === 'upsert' ? `upsert ${change.entity.blueprint} ${change.entity.identifier} ${change.entity.title}` : `delete ${change.blueprint} ${change.identifier}`;

  /** From the simulator's state: reading them through the client would refresh the ETag cache behind the runner's back. */
  function repositoriesWithOpenPulls(count: number): Array<{ name: string; pulls: PullSummary[] }> {
    return [...sim.state.reposById.values()]
      .filter((repository) => repository.ownerLogin === organization && !repository.archived && repository.name !== '.github-private')
      .map((repository) => ({ name: repository.name, pulls: sim.state.repoData(repository).pulls.filter((pull) => pull.state === 'open') }))
      .filter((repository) => repository.pulls.length >= count);
  }

  it.each([
    // REST listings with the ETag cache: repositories where nothing changed cost nothing.
    ['REST', 'rest', 1 / 5],
    // GraphQL where the mapping allows: the full listing is already a few queries for the whole organization.
    ['GraphQL', 'chosen', 1 / 2],
  ] as const)('lists only what changed since the last complete resync (%s listings): edited pull requests upserted, a closed one and an archived repository deleted, nothing stale cleaned, for a fraction of the units', async (_api, listings, maxShare) => {
    const first = await runner(listings).run(installation, 'start', undefined, 'auto');
    expect(first).toMatchObject({ state: 'completed', mode: 'full', modeReason: 'no complete resync yet' });
    expect(completionOf(await takeJobs())).toEqual([expect.objectContaining({ complete: true, mode: 'full' })]);

    sim.advanceClock(MINUTE_MS);
    const [withPulls] = repositoriesWithOpenPulls(3);
    const archivedRepository = repositoriesWithOpenPulls(0).find((repository) => repository.name !== withPulls.name)?.name ?? '';
    const changedRepository = withPulls.name;
    const [edited, alsoEdited, closed] = withPulls.pulls;
    sim.editPullRequest(organization, changedRepository, edited.number, { title: 'Edited since the full resync' });
    sim.editPullRequest(organization, changedRepository, alsoEdited.number, { title: 'Also edited since the full resync' });
    sim.closePullRequest(organization, changedRepository, closed.number);
    sim.archiveRepository(organization, archivedRepository);
    sim.advanceClock(MINUTE_MS);

    const second = await runner(listings).run(installation, 'schedule', undefined, 'auto');

    expect(second).toMatchObject({ state: 'completed', mode: 'incremental', since: new Date(Date.parse(first.startedAt) - 5 * MINUTE_MS).toISOString() });
    const jobs = await takeJobs();
    expect(changesOf(jobs).map(described).sort()).toEqual(
      [
        `upsert githubPullRequest ${changedRepository}-${edited.number} Edited since the full resync`,
        `upsert githubPullRequest ${changedRepository}-${alsoEdited.number} Also edited since the full resync`,
        `delete githubPullRequest ${changedRepository}-${closed.number}`,
        `delete githubRepository ${archivedRepository}`,
      ].sort(),
    );
    expect(completionOf(jobs)).toEqual([expect.objectContaining({ syncId: second.syncId, complete: true, mode: 'incremental' })]);
    // The listings' units: the mapping reads (the organization's, each repository's own) cost the same either way.
    const listingUnits = (status: SyncStatus) => status.kinds.reduce((sum, kind) => sum + (kind.units ?? 0), 0);
    expect(listingUnits(second)).toBeGreaterThan(0);
    expect(listingUnits(second)).toBeLessThanOrEqual(listingUnits(first) * maxShare);
  });

  it('makes the scheduled resync full, with stale cleanup, once FULL_RESYNC_INTERVAL_HOURS passed since the last full one', async () => {
    await runner().run(installation, 'start', undefined, 'auto');
    await takeJobs();
    sim.advanceClock(HOUR_MS);
    expect(await runner().run(installation, 'schedule', undefined, 'auto')).toMatchObject({ state: 'completed', mode: 'incremental' });
    await takeJobs();
    sim.advanceClock(24 * HOUR_MS);

    const due = await runner().run(installation, 'schedule', undefined, 'auto');

    expect(due).toMatchObject({ state: 'completed', mode: 'full', modeReason: 'the full resync interval elapsed' });
    const jobs = await takeJobs();
    expect(completionOf(jobs)).toEqual([expect.objectContaining({ syncId: due.syncId, complete: true, mode: 'full' })]);
    expect(changesOf(jobs).filter((change) => change.type === 'upsert').length).toBeGreaterThanOrEqual(REPOSITORIES);
  });

  it('makes a requested resync full whatever the watermark, and a scheduled one full after the mapping changed', async () => {
    await runner().run(installation, 'start', undefined, 'auto');
    await takeJobs();

    expect(await runner().run(installation, 'the mapping changed in .github-private')).toMatchObject({ state: 'completed', mode: 'full', modeReason: 'requested' });
    const changedMapping = REPOSITORIES_AND_PULLS_MAPPING.replace('title: .title', 'title: \'"PR " + .title\'');
    pushMappingFile(sim, organization, '.github-private', changedMapping);
    sim.advanceClock(MINUTE_MS);
    expect(await runner().run(installation, 'schedule', undefined, 'auto')).toMatchObject({ state: 'completed', mode: 'full', modeReason: 'the mapping changed since the last complete resync' });
  });

  it('lists unchanged state a second time in full for no rate-limit units: every page is answered 304 from the ETag cache', async () => {
    await runner('rest').run(installation, 'start', undefined, 'auto');
    sim.resetStats();

    const again = await runner('rest').run(installation, 'manual');

    expect(again).toMatchObject({ state: 'completed', mode: 'full' });
    expect(again.kinds.map((kind) => [kind.kind, kind.units ?? 0])).toEqual([
      ['repository', 0],
      ['pull-request', 0],
    ]);
    const stats = sim.stats();
    expect(stats.notModified).toBeGreaterThanOrEqual(REPOSITORIES);
    // What the simulator charged is the mapping reads alone (a repository without its own mapping file answers 404).
    expect(stats.points).toBeLessThanOrEqual(stats.byRoute['GET /repos/{owner}/{repo}/contents/{path+}'] ?? 0);
  });
  it("learns the repositories' own mappings from what changed since the watermark: a known one read again from the ETag cache, one added since from the changed listing, the others not read", async () => {
    const [withOwn, laterOwn] = repositoriesWithOpenPulls(1);
    const ownMapping = REPOSITORIES_AND_PULLS_MAPPING.replace('title: .title', 'title: \'"own " + .title\'');
    const pushOwnMapping = (repository: string) => pushMappingFile(sim, organization, repository, ownMapping);
    pushOwnMapping(withOwn.name);
    sim.advanceClock(10 * MINUTE_MS);
    // One mapper process: the organization's mapping stays cached from one resync to the next.
    const mappingSource = new MappingConfigSource(jq);
    const first = await runner('chosen', mappingSource).run(installation, 'start', undefined, 'auto');
    expect(first.repositoryMappings?.own.map((own) => own.repository)).toEqual([withOwn.name]);
    await takeJobs();
    sim.advanceClock(MINUTE_MS);
    sim.editPullRequest(organization, withOwn.name, withOwn.pulls[0].number, { title: 'Edited since' });
    sim.advanceClock(MINUTE_MS);
    sim.resetStats();

    const unchanged = await runner('chosen', mappingSource).run(installation, 'schedule', undefined, 'auto');

    expect(unchanged).toMatchObject({ state: 'completed', mode: 'incremental' });
    expect(unchanged.repositoryMappings?.own.map((own) => own.repository)).toEqual([withOwn.name]);
    expect(sim.stats().byRoute['GET /repos/{owner}/{repo}/contents/{path+}']).toBe(1);
    expect(changesOf(await takeJobs()).map(described)).toEqual([`upsert githubPullRequest ${withOwn.name}-${withOwn.pulls[0].number} own Edited since`]);

    pushOwnMapping(laterOwn.name);
    sim.advanceClock(MINUTE_MS);
    sim.resetStats();

    const added = await runner('chosen', mappingSource).run(installation, 'schedule', undefined, 'auto');

    expect(added).toMatchObject({ state: 'completed', mode: 'full', modeReason: 'the mapping changed since the last complete resync' });
    expect(added.repositoryMappings?.own.map((own) => own.repository).sort()).toEqual([withOwn.name, laterOwn.name].sort());
    expect(sim.stats().byRoute['GET /repos/{owner}/{repo}/contents/{path+}']).toBe(1);
    expect(changesOf(await takeJobs()).map(described)).toContain(`upsert githubPullRequest ${laterOwn.name}-${laterOwn.pulls[0].number} own ${laterOwn.pulls[0].title}`);
  });
});
