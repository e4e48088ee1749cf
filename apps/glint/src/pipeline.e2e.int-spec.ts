import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { StoredEntity } from '@glint/catalog-client';
import { startMapper } from '@glint/mapper';
import type { RunningService } from '@glint/runtime';
import { freePort, GithubSimulator, sendWebhook, waitFor } from '@glint/testing';
import { Job, Queue } from 'bullmq';
import { waitForDrainedQueues } from './e2e/drained-queues';
import { lastResync, OneProcessPipeline, ORG_CONFIG, startOneProcessPipeline } from './e2e/one-process-pipeline';
import { STORM_BLUEPRINTS } from './e2e/storm-mapping';
import { STORM_CHANGES, StormMutations } from './e2e/storm-mutations';

const SECRET = 'pipeline-e2e-secret';
const root = join(__dirname, '../../..');
/** How long a dispatched workflow run of the simulator takes per step (requested, in progress, completed). */
const RUN_STEP_MS = 50;
/**
 * How long a resync may take: it lists one GitHub request at a time (resource after resource, repository after
 * repository), so after the storm's new repositories, some 1,400 requests at 100 ms an answer take over two minutes.
 */
const RESYNC_TIMEOUT_MS = 300_000;

interface Expected {
  repositories: Map<string, { url: string; defaultBranch: string }>;
  pullRequests: Map<string, { title: string; status: string }>;
  organizations: Set<string>;
  /** Repositories that may exist in the catalog as bare relation targets, or not. */
  placeholders: Set<string>;
}

/**
 * The whole product in one process — gateway, mapper, publisher, embedded catalog — on a real Redis and Postgres,
 * against the GitHub simulator in App mode, whose answers take 100 ± 20 ms as GitHub's take time, with the shipped
 * default mapping plus a resource for every other kind the simulator can change in the organization's .github-private.
 * A second mapper runs from the build in a process of its own, so it can be killed outright. Expected organizations,
 * repositories and pull requests are computed from the simulator's own records, not through the mapper; every kind is
 * then checked against a fresh resync.
 */
describe('GitHub to the catalog, end to end', () => {
  let simulator: GithubSimulator;
  let pipeline: OneProcessPipeline;
  let storm: StormMutations;
  let killableMapper: ChildProcess;
  let killableMapperLog = '';

  function expectedFromSimulator(): Expected {
    const expected: Expected = { repositories: new Map(), pullRequests: new Map(), organizations: new Set(), placeholders: new Set() };
    for (const org of simulator.state.organizations) expected.organizations.add(org.login);
    for (const repo of simulator.state.reposById.values()) {
      if (!repo.archived) expected.repositories.set(repo.name, { url: `${simulator.url}/${repo.fullName}`, defaultBranch: repo.defaultBranch });
      for (const pull of simulator.state.repoData(repo).pulls) {
        if (pull.state !== 'open') continue;
        expected.pullRequests.set(`${repo.name}${pull.id}`, { title: pull.title, status: 'open' });
        // Archived repositories are not catalogued, but an open pull request still relates to its repository:
        // whether the catalog holds a bare entity for it (createMissingRelatedEntities) depends on which came last,
        // the archiving or a write of the pull request. Either is right; the comparison allows both.
        if (repo.archived) expected.placeholders.add(repo.name);
      }
    }
    return expected;
  }

  async function entitiesOf(blueprint: string): Promise<Map<string, StoredEntity>> {
    const entities = await pipeline.catalog.searchEntities({ combinator: 'and', rules: [{ property: '$blueprint', operator: '=', value: blueprint }] });
    return new Map(entities.map((entity) => [entity.identifier, entity]));
  }

  async function catalogMatches(expected: Expected): Promise<string[]> {
    const differences: string[] = [];
    const compareKeys = (what: string, actual: Iterable<string>, wanted: Iterable<string>) => {
      const have = new Set(actual);
      const want = new Set(wanted);
      for (const key of want) if (!have.has(key)) differences.push(`${what} ${key} missing`);
      for (const key of have) if (!want.has(key)) differences.push(`${what} ${key} unexpected`);
    };
    const repositories = await entitiesOf('githubRepository');
    const pulls = await entitiesOf('githubPullRequest');
    compareKeys('organization', (await entitiesOf('githubOrganization')).keys(), expected.organizations);
    compareKeys('repository', [...repositories.keys()].filter((name) => !expected.placeholders.has(name)), expected.repositories.keys());
    compareKeys('pull request', pulls.keys(), expected.pullRequests.keys());
    for (const [name, repo] of expected.repositories) {
      const entity = repositories.get(name);
      if (entity && (entity.properties?.['url'] !== repo.url || entity.properties?.['defaultBranch'] !== repo.defaultBranch)) differences.push(`repository ${name} has ${JSON.stringify(entity.properties)}`);
    }
    for (const [identifier, pull] of expected.pullRequests) {
      const entity = pulls.get(identifier);
      if (entity && (entity.title !== pull.title || entity.properties?.['status'] !== pull.status)) differences.push(`pull request ${identifier} is ${entity.title}/${String(entity.properties?.['status'])}`);
    }
    return differences;
  }

  async function quiescent(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 10 * RUN_STEP_MS)); // dispatched workflow runs finish
    await simulator.webhooksIdle();
    // A repository renamed or deleted while a resync runs queues another after it: two resyncs in a row.
    await waitForDrainedQueues(pipeline.inspector, pipeline.config.events.partitions, { quietRounds: 5, timeoutMs: 2 * RESYNC_TIMEOUT_MS });
  }

  async function metric(service: RunningService, pattern: RegExp): Promise<number> {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    return text.split('\n').filter((line) => pattern.test(line)).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
    simulator = await GithubSimulator.start({
      seed: 7,
      organizations: 1,
      reposPerOrg: 12,
      pullRequestsPerRepo: 4,
      issuesPerRepo: 1,
      runStepMs: RUN_STEP_MS,
      rateLimit: { limit: 1_000_000, windowSeconds: 3600 },
      latencyMs: 100,
      latencyJitterMs: 20,
    });
    storm = new StormMutations(simulator, org(), new Set([ORG_CONFIG.repository]), simulator.createPersonalAccessToken());
    pipeline = await startOneProcessPipeline(simulator, { secret: SECRET, databaseLabel: 'pipeline_e2e' });
    killableMapper = spawn(process.execPath, [join(root, 'dist/glint'), 'mapper'], {
      env: { ...process.env, ...pipeline.env, PORT_URL: pipeline.config.catalog.url, HTTP_HOST: '127.0.0.1', MAPPER_HTTP_PORT: String(await freePort()), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    killableMapper.stderr?.on('data', (chunk: Buffer) => (killableMapperLog = (killableMapperLog + chunk.toString()).slice(-20_000)));
    simulator.configureWebhook({ url: pipeline.webhookUrl, secret: SECRET });
  }, 120_000);

  afterAll(async () => {
    killableMapper?.kill('SIGKILL');
    await pipeline?.close();
    await simulator?.close();
  });

  it('makes the catalog equal to the simulator\'s organization with the resync at start', async () => {
    await waitFor('the first resync', async () => ((await lastResync(pipeline.running.mapper))?.state === 'completed' ? true : undefined), 120_000);
    await quiescent();

    expect(await catalogMatches(expectedFromSimulator())).toEqual([]);
    expect((await entitiesOf('githubRepository')).size).toBeGreaterThan(10);
    expect((await entitiesOf('githubPullRequest')).size).toBeGreaterThan(0);
    for (const { identifier } of STORM_BLUEPRINTS.filter((blueprint) => blueprint.identifier !== 'githubTeam')) {
      expect([identifier, (await entitiesOf(identifier)).size > 0]).toEqual([identifier, true]);
    }
  }, 240_000);

  const org = () => simulator.state.organizations[0]?.login ?? '';
  const liveRepos = () => [...simulator.state.reposById.values()].filter((repo) => repo.ownerLogin === org() && repo.name !== ORG_CONFIG.repository && !repo.archived);
  const writes = () => metric(pipeline.running.publisher, /^glint_publish_entities_total\{outcome="(created|updated|deleted)"/);
  const staleDeletes = () => metric(pipeline.running.publisher, /^glint_stale_entities_deleted_total/);

  const ALL_BLUEPRINTS = ['githubOrganization', 'githubRepository', 'githubPullRequest', ...STORM_BLUEPRINTS.map((blueprint) => blueprint.identifier)];

  /** A job of an event partition that the process `child` is handling right now (BullMQ records the worker's `host:pid`). */
  async function activeJobOf(child: ChildProcess): Promise<Job | undefined> {
    for (let partition = 0; partition < pipeline.config.events.partitions; partition += 1) {
      const queue = new Queue(`events-p${partition}`, { connection: pipeline.inspector, prefix: 'glint' });
      try {
        const held = (await queue.getActive()).find((job) => job.processedBy?.endsWith(`:${child.pid}`));
        if (held) return held;
      } finally {
        await queue.close();
      }
    }
    return undefined;
  }

  /**
   * Freezes `child` (SIGSTOP) and returns a job it holds, which it can no longer finish; when it holds none, lets it run
   * on (SIGCONT) for the caller to try again.
   */
  async function frozenHolding(child: ChildProcess): Promise<Job | undefined> {
    child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 200)); // commands it sent before stopping land first
    const held = await activeJobOf(child);
    if (!held) {
      child.kill('SIGCONT');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return held;
  }

  /** Every entity of every blueprint the mapping writes, as `blueprint/identifier` → its title, properties and relations. */
  async function catalogSnapshot(): Promise<Map<string, string>> {
    const snapshot = new Map<string, string>();
    for (const blueprint of ALL_BLUEPRINTS) {
      for (const [identifier, entity] of await entitiesOf(blueprint)) {
        snapshot.set(`${blueprint}/${identifier}`, JSON.stringify([entity.title, entity.properties, entity.relations]));
      }
    }
    return snapshot;
  }

  function differencesBetween(before: Map<string, string>, after: Map<string, string>): string[] {
    const differences: string[] = [];
    for (const [key, value] of before) if (after.get(key) !== value) differences.push(after.has(key) ? `${key}: ${value} became ${after.get(key)}` : `${key} deleted`);
    for (const [key, value] of after) if (!before.has(key)) differences.push(`${key} created: ${value}`);
    return differences;
  }

  /**
   * Starts a mapper afresh, whose resync at start lists everything again; waits until it completed and its writes
   * landed, and returns what it changed in the catalog: nothing, when live events kept the catalog true.
   */
  async function freshResync(): Promise<string[]> {
    const before = await catalogSnapshot();
    const previous = (await lastResync(pipeline.running.mapper))?.syncId;
    await pipeline.running.mapper.app.close();
    pipeline.running.mapper = await startMapper(pipeline.config);
    await waitFor('the fresh resync', async () => {
      const last = await lastResync(pipeline.running.mapper);
      return last && last.syncId !== previous && last.state === 'completed' ? true : undefined;
    }, RESYNC_TIMEOUT_MS);
    await quiescent();
    return differencesBetween(before, await catalogSnapshot());
  }

  it('follows a storm of every kind of live change, with redeliveries, a mapper restart and a mapper killed outright, to what a fresh resync finds', async () => {
    const steps = 2_200;
    const redeliveredMidStorm: string[] = [];
    let killedMidJob!: Job;
    for (let step = 1; step <= steps; step += 1) {
      await storm.apply(step);
      if (step % 25 === 0) {
        // GitHub redelivers now and then while the storm goes on: the same delivery id and body again.
        const delivery = simulator.deliveries().filter((candidate) => candidate.target === 'app').at(-5);
        if (delivery) {
          const answer = await sendWebhook(pipeline.webhookUrl, SECRET, delivery.event, delivery.request.payload, { deliveryId: delivery.guid });
          expect(answer.status).toBe(202);
          redeliveredMidStorm.push(delivery.guid);
        }
      }
      if (step === Math.round(steps / 3)) {
        // A mapper stops (SIGTERM-style close) and another takes over its partitions.
        await pipeline.running.mapper.app.close();
        pipeline.running.mapper = await startMapper(pipeline.config, { resyncAtStart: false });
      }
      if (step === Math.round((2 * steps) / 3)) {
        // The other mapper dies mid-job: its partition stays locked until BullMQ finds the job stalled and hands it on.
        expect(killableMapper.exitCode).toBeNull();
        killedMidJob = await waitFor('the mapper in its own process to be caught holding an event', () => frozenHolding(killableMapper), 60_000);
        killableMapper.kill('SIGKILL');
      }
      if (step % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await quiescent();

    expect([...storm.counts().values()].every((count) => count > 0) && storm.counts().size).toBe(STORM_CHANGES.length);
    expect(killableMapper.signalCode).toBe('SIGKILL');
    // The event it was handling when it died was taken up again by the mapper left, and finished.
    const partitionQueue = new Queue(killedMidJob.queueName, { connection: pipeline.inspector, prefix: 'glint' });
    const retaken = await Job.fromId(partitionQueue, killedMidJob.id ?? '');
    await partitionQueue.close();
    expect(retaken?.finishedOn).toBeDefined();
    expect(retaken?.processedBy).not.toBe(killedMidJob.processedBy);
    expect(killableMapperLog).not.toMatch(/"level":(50|60)/);
    expect(await catalogMatches(expectedFromSimulator())).toEqual([]);
    expect(await metric(pipeline.running.gateway, /^glint_webhooks_duplicates_total/)).toBeGreaterThanOrEqual(redeliveredMidStorm.length);

    // GitHub redelivers after the storm: each is accepted and none is processed again.
    const writesBefore = await writes();
    const redelivered = simulator.deliveries().filter((delivery) => delivery.target === 'app').slice(-300);
    for (const delivery of redelivered) {
      const answer = await sendWebhook(pipeline.webhookUrl, SECRET, delivery.event, delivery.request.payload, { deliveryId: delivery.guid });
      expect(answer.status).toBe(202);
    }
    await quiescent();
    expect(await writes()).toBe(writesBefore);

    // What the live events left is what a resync from scratch finds: it writes nothing and deletes nothing.
    const staleBefore = await staleDeletes();
    expect(await freshResync()).toEqual([]);
    expect(await writes()).toBe(writesBefore);
    expect(await staleDeletes()).toBe(staleBefore);
  }, 1_200_000);

  it('catches up with renamed and deleted repositories through the resync they trigger, and a fresh resync then writes nothing', async () => {
    for (let step = 1; step <= 60; step += 1) {
      const list = liveRepos();
      const repo = list[(step * 7) % list.length];
      if (!repo) continue;
      if (step % 3 === 0) simulator.deleteRepository(org(), repo.name);
      else if (step % 3 === 1) simulator.renameRepository(org(), repo.name, `${repo.name}-renamed-${step}`);
      else await storm.apply(10_000 + step);
    }
    // A resync that a repository change overtakes leaves its stale cleanup to the one that follows it, so a listing
    // that predates a rename or delete never deletes what it missed; the last of them settles the catalog.
    await quiescent();

    expect(await catalogMatches(expectedFromSimulator())).toEqual([]);

    const writesBefore = await writes();
    const staleBefore = await staleDeletes();

    expect(await freshResync()).toEqual([]);
    expect(await writes()).toBe(writesBefore);
    expect(await staleDeletes()).toBe(staleBefore);
    expect(await catalogMatches(expectedFromSimulator())).toEqual([]);
  }, 1_200_000);
});
