import { randomUUID } from 'node:crypto';
import type { StoredEntity } from '@glint/catalog-client';
import { GithubSimulator, ReceivedWebhook, RepoRecord, waitFor } from '@glint/testing';
import { waitForDrainedQueues } from './e2e/drained-queues';
import { HeldDeliveries } from './e2e/held-deliveries';
import { lastResync, OneProcessPipeline, ORG_CONFIG, startOneProcessPipeline } from './e2e/one-process-pipeline';

const SECRET = 'out-of-order-e2e-secret';

/** What the catalog shows of an object: the mapped fields a late delivery could turn back. */
type Shown = Record<string, unknown>;

/** A kind of GitHub object whose webhooks carry the object itself, as the mapping catalogs it. */
interface ChangingObject {
  /** For the tests' names: `a pull request`. */
  name: string;
  event: string;
  /** Opens a new one; its number. */
  open(): number;
  /** A change the catalog shows (the pull request's title, the issue's labels), different at every step. */
  change(number: number, step: number): void;
  close(number: number): void;
  /** Its entity in the catalog, or undefined. */
  catalogued(number: number): Promise<Shown | undefined>;
  /** What the mapping makes of the simulator's current record: undefined once the selector (open only) leaves it out. */
  expected(number: number): Shown | undefined;
}

/**
 * Deliveries of one object that reach the gateway out of the order GitHub sent them in — newest first, an old one
 * again after a newer one, a change made before a close after the close — through the whole product in one process
 * (gateway, mapper, publisher, embedded catalog on a real Redis and Postgres) against the simulator, whose GitHub
 * answers take 100 ms. The simulator's webhook goes to a holding endpoint; the test hands the deliveries on, as
 * GitHub sent them, in the order each case needs, waits until the pipeline has handled them, and compares the
 * catalog with the simulator's current state of the object.
 */
describe('webhooks that reach the gateway out of order, end to end', () => {
  let held: HeldDeliveries;
  let simulator: GithubSimulator;
  let pipeline: OneProcessPipeline;
  let repo: RepoRecord;

  beforeAll(async () => {
    held = await HeldDeliveries.start(SECRET);
    simulator = await GithubSimulator.start({ organizations: 1, reposPerOrg: 2, pullRequestsPerRepo: 1, issuesPerRepo: 1, latencyMs: 100, webhook: held.target });
    pipeline = await startOneProcessPipeline(simulator, { secret: SECRET, databaseLabel: 'out_of_order_e2e' });
    const candidates = [...simulator.state.reposById.values()].filter((candidate) => candidate.name !== ORG_CONFIG.repository && !candidate.archived);
    repo = candidates[0] as RepoRecord;
    await waitFor('the resync at start', async () => ((await lastResync(pipeline.running.mapper))?.state === 'completed' ? true : undefined), 120_000);
    await settled();
  }, 180_000);

  afterAll(async () => {
    await pipeline?.close();
    await simulator?.close();
    await held?.close();
  });

  const org = () => repo.ownerLogin;
  const settled = () => waitForDrainedQueues(pipeline.inspector, pipeline.config.events.partitions);

  /**
   * Makes a change once GitHub's clock is in a later second than now, so its `updated_at` (whole seconds) is later
   * than the previous change's. Real time passes rather than the simulator's clock being advanced: a GitHub clock
   * running ahead of the mapper's would stamp changes in the mapper's future, which it takes as now.
   */
  async function inALaterSecond(change: () => unknown): Promise<void> {
    const second = Math.floor(simulator.now() / 1_000);
    while (Math.floor(simulator.now() / 1_000) === second) await new Promise((resolve) => setTimeout(resolve, 1_000 - (simulator.now() % 1_000)));
    change();
  }

  /** Hands the deliveries on in the order given, each under its own delivery id, and waits until they were handled. */
  async function deliver(...deliveries: ReceivedWebhook[]): Promise<void> {
    for (const delivery of deliveries) expect((await held.handOn(delivery, pipeline.webhookUrl)).body['status']).toBe('accepted');
    await settled();
  }

  async function catalogEntity(blueprint: string, identifier: string): Promise<StoredEntity | undefined> {
    const [entity] = await pipeline.catalog.searchEntities({
      combinator: 'and',
      rules: [
        { property: '$blueprint', operator: '=', value: blueprint },
        { property: '$identifier', operator: '=', value: identifier },
      ],
    });
    return entity;
  }

  const pullOf = (number: number) => simulator.state.repoData(repo).pulls.find((pull) => pull.number === number);
  const issueOf = (number: number) => simulator.state.repoData(repo).issues.find((issue) => issue.number === number);

  const pullRequests: ChangingObject = {
    name: 'a pull request',
    event: 'pull_request',
    open: () => simulator.openPullRequest(org(), repo.name, { title: 'opened' }).number,
    change: (number, step) => simulator.editPullRequest(org(), repo.name, number, { title: `t${step}` }),
    close: (number) => simulator.closePullRequest(org(), repo.name, number),
    async catalogued(number) {
      const entity = await catalogEntity('githubPullRequest', `${repo.name}${pullOf(number)?.id}`);
      return entity && { title: entity.title, status: entity.properties?.['status'], updatedAt: entity.properties?.['updatedAt'] };
    },
    expected(number) {
      const pull = pullOf(number);
      return pull?.state === 'open' ? { title: pull.title, status: pull.state, updatedAt: pull.updatedAt } : undefined;
    },
  };

  const issues: ChangingObject = {
    name: 'an issue',
    event: 'issues',
    open: () => simulator.openIssue(org(), repo.name, { title: 'opened' }).number,
    change: (number, step) => simulator.labelIssue(org(), repo.name, number, `l${step}`),
    close: (number) => simulator.closeIssue(org(), repo.name, number),
    async catalogued(number) {
      const entity = await catalogEntity('githubIssue', `${repo.name}-issue-${number}`);
      return entity && { title: entity.title, state: entity.properties?.['state'], labels: entity.properties?.['labels'] };
    },
    expected(number) {
      const issue = issueOf(number);
      return issue?.state === 'open' ? { title: issue.title, state: issue.state, labels: issue.labels.map((label) => label.name).sort().join(',') } : undefined;
    },
  };

  describe.each([pullRequests, issues])('$name', (subject) => {
    /** A new one, its opening delivered in order and catalogued. */
    async function opened(): Promise<number> {
      const number = subject.open();
      await deliver(...(await held.take(subject.event, 1)));
      expect(await subject.catalogued(number)).toEqual(subject.expected(number));
      return number;
    }

    it('shows its newest state when the deliveries of three changes arrive newest first', async () => {
      const number = await opened();
      for (const step of [1, 2, 3]) await inALaterSecond(() => subject.change(number, step));
      const changes = await held.take(subject.event, 3);

      await deliver(...[...changes].reverse());

      expect(await subject.catalogued(number)).toEqual(subject.expected(number));
    });

    it('keeps its newer state when an older delivery comes again after a newer one, under its own or a new delivery id', async () => {
      const number = await opened();
      await inALaterSecond(() => subject.change(number, 1));
      await inALaterSecond(() => subject.change(number, 2));
      const [older, newer] = await held.take(subject.event, 2);
      await deliver(older, newer);

      // GitHub's own redelivery keeps the X-GitHub-Delivery id, which the gateway knows: it goes no further.
      expect((await held.handOn(older, pipeline.webhookUrl)).body['status']).toBe('duplicate');
      // Under a new id (the gateway's memory of ids expired, or another hook sent it) it reaches the mapper.
      expect((await held.handOn(older, pipeline.webhookUrl, { deliveryId: randomUUID() })).body['status']).toBe('accepted');
      await settled();

      expect(await subject.catalogued(number)).toEqual(subject.expected(number));
    });

    it('stays out of the catalog when a change made before its close arrives after the close', async () => {
      const number = await opened();
      await inALaterSecond(() => subject.change(number, 1));
      await inALaterSecond(() => subject.close(number));
      const [change, close] = await held.take(subject.event, 2);

      await deliver(close, change);

      expect(subject.expected(number)).toBeUndefined();
      expect(await subject.catalogued(number)).toEqual(subject.expected(number));
    });

    it('stays out of the catalog when its opening arrives after its close', async () => {
      const number = subject.open();
      await inALaterSecond(() => subject.close(number));
      const [opening, close] = await held.take(subject.event, 2);

      await deliver(close, opening);

      expect(subject.expected(number)).toBeUndefined();
      expect(await subject.catalogued(number)).toEqual(subject.expected(number));
    });
  });
});
