import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Admin, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { ActionsOptions, consumerGroupOf, runsTopicOf, startActions } from '@glint/actions';
import { startCatalog } from '@glint/catalog';
import { CatalogClient } from '@glint/catalog-client';
import type { GlintConfig } from '@glint/config';
import { BRIDGE_ENTITIES, BRIDGE_MIGRATIONS, createDataSource } from '@glint/persistence';
import { WorkflowRunEventProducer, workflowRunEventOf } from '@glint/queue';
import type { RunningService } from '@glint/runtime';
import { createTemporaryDatabase, GithubSimulator, PrivateRedisServer, TemporaryDatabase, testConfig, testServices, waitFor, WorkflowRunRecord } from '@glint/testing';

const ORG = 'acme';
const WORKFLOW = 'ci.yml';
const FAST: ActionsOptions = {
  catalog: { backoffBaseMs: 20, maxBackoffMs: 200 },
  timings: { runLookupTimeoutMs: 5_000, runLookupIntervalMs: 200, startTimeoutMs: 2_000, checkIntervalMs: 400, sweepIntervalMs: 200 },
};

type Json = Record<string, unknown>;

/** A run message as Port puts it on `<ORG_ID>.runs` (port-agent's format). */
function runMessage(runId: string, invocationMethod: Json, properties: Json = {}): Json {
  return {
    action: 'deploy',
    resourceType: 'run',
    status: 'TRIGGERED',
    trigger: { by: { orgId: 'org_test', userId: 'user@clients' }, at: new Date().toISOString(), origin: 'UI' },
    context: { entity: null, blueprint: 'service', runId },
    payload: { entity: null, action: { identifier: 'deploy', invocationMethod, trigger: 'CREATE' }, properties },
  };
}

/**
 * The actions service end to end: runs created in the embedded catalog, their messages on the real Kafka broker, the
 * workflows dispatched on the GitHub simulator, whose `workflow_run` webhooks are put on the workflow-run-events queue
 * as the mapper would (a small receiver stands in for gateway and mapper).
 */
describe('self-service action runs from Kafka to GitHub and back to the catalog', () => {
  let redis: PrivateRedisServer;
  let database: TemporaryDatabase;
  let sim: GithubSimulator;
  let forwarder: Server;
  let events: WorkflowRunEventProducer;
  let eventsConnection: Redis;
  let catalog: RunningService;
  let catalogClient: CatalogClient;
  let token: string;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let bridge: DataSource;
  let repos: string[];
  /** Repositories whose `workflow_run` completed events get lost on the way (answered, never forwarded). */
  const lostCompletionsOf = new Set<string>();
  /** The workflow runs whose completed event was lost. */
  const lostCompletions: number[] = [];

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    database = await createTemporaryDatabase('actions_catalog');
    eventsConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
    events = new WorkflowRunEventProducer(eventsConnection);
    forwarder = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
        const event = request.headers['x-github-event'] === 'workflow_run' ? workflowRunEventOf(String(request.headers['x-github-delivery']), new Date().toISOString(), payload) : undefined;
        const lost = event?.action === 'completed' && lostCompletionsOf.has(event.repository.name);
        if (lost) lostCompletions.push(event.workflowRun.id);
        const forwarded = event?.workflowRun.event === 'workflow_dispatch' && !lost ? events.forward(event) : Promise.resolve();
        void forwarded.then(
          () => response.writeHead(202).end(),
          () => response.writeHead(503).end(),
        );
      });
    });
    await new Promise<void>((resolve) => forwarder.listen(0, '127.0.0.1', resolve));
    const secret = 'actions-test-secret';
    sim = await GithubSimulator.start({ seed: 8, reposPerOrg: 8, runStepMs: 100, webhook: { url: `http://127.0.0.1:${(forwarder.address() as AddressInfo).port}/webhook`, secret } });
    repos = (sim.state.organization(ORG)?.repos ?? []).filter((repo) => repo.name !== '.github-private' && repo.defaultBranch === 'main').map((repo) => repo.name);
    expect(repos.length).toBeGreaterThanOrEqual(6);

    const catalogConfig = await testConfig({ REDIS_URL: redis.url, DATABASE_URL: database.url }, ['catalog']);
    catalog = await startCatalog(catalogConfig);
    catalogClient = new CatalogClient({ baseUrl: catalog.url, clientId: catalogConfig.catalog.clientId, clientSecret: catalogConfig.catalog.clientSecret });
    const answer = await fetch(`${catalog.url}/v1/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: catalogConfig.catalog.clientId, clientSecret: catalogConfig.catalog.clientSecret.reveal() }),
    });
    token = ((await answer.json()) as { accessToken: string }).accessToken;

    kafka = new Kafka({ clientId: 'glint-actions-test', brokers: testServices.kafkaBrokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    bridge = await createDataSource({ url: database.url, applicationName: 'glint-test', entities: BRIDGE_ENTITIES, migrations: BRIDGE_MIGRATIONS, migrationsTableName: 'glint_migrations' }).initialize();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await bridge?.destroy();
    await catalog?.app.close();
    await sim?.webhooksIdle();
    await sim?.close();
    await new Promise((resolve) => forwarder?.close(resolve));
    await events?.close();
    eventsConnection?.disconnect();
    await database?.drop();
    await redis?.destroy();
  });

  /** A fresh organization id: its own topic and consumer group. */
  async function newOrganization(): Promise<{ orgId: string; topic: string; config: GlintConfig }> {
    const orgId = `glint-test-${randomUUID().slice(0, 8)}`;
    const topic = runsTopicOf(orgId);
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const config = await testConfig(
      {
        REDIS_URL: redis.url,
        DATABASE_URL: database.url,
        PORT_URL: catalog.url,
        PORT_ORG_ID: orgId,
        APP_ID: String(sim.appId),
        PRIVATE_KEY: sim.appPrivateKeyPem,
        GHE_HOST: new URL(sim.url).host,
        GHE_PROTOCOL: 'http',
      },
      ['actions'],
    );
    return { orgId, topic, config };
  }

  async function createRun(properties: Json = {}): Promise<string> {
    const answer = await fetch(`${catalog.url}/v1/actions/deploy/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ properties }),
    });
    expect(answer.status).toBe(202);
    return ((await answer.json()) as { run: { id: string } }).run.id;
  }

  async function produce(topic: string, ...values: Array<Json | string>): Promise<void> {
    await producer.send({ topic, messages: values.map((value, index) => ({ key: `k${index}`, value: typeof value === 'string' ? value : JSON.stringify(value) })) });
  }

  async function logsOf(runId: string): Promise<string[]> {
    const answer = await fetch(`${catalog.url}/v1/actions/runs/${runId}/logs?limit=50`, { headers: { authorization: `Bearer ${token}` } });
    return ((await answer.json()) as { runLogs: Array<{ message: string }> }).runLogs.map((log) => log.message);
  }

  function runFinished(runId: string) {
    return waitFor(`run ${runId} to finish`, async () => {
      const run = await catalogClient.getActionRun(runId);
      return run.status === 'IN_PROGRESS' ? undefined : run;
    });
  }

  /** The simulator's dispatched runs whose inputs mention the run id: how often Glint dispatched this run. */
  function dispatchesOf(runId: string): WorkflowRunRecord[] {
    return repos.flatMap((name) => {
      const record = sim.state.repo(ORG, name);
      return record ? sim.state.repoData(record).runs.filter((run) => run.event === 'workflow_dispatch' && JSON.stringify(run.inputs ?? {}).includes(runId)) : [];
    });
  }

  async function stateOf(runId: string): Promise<string | undefined> {
    const rows: Array<{ state: string }> = await bridge.query('SELECT state FROM action_runs WHERE run_id = $1', [runId]);
    return rows[0]?.state;
  }

  /** Resolves once the group committed every partition up to the end of the topic. */
  function allCommitted(topic: string, groupId: string) {
    return waitFor(`${groupId} to commit the end of ${topic}`, async () => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      // An empty partition has nothing to commit (-1).
      const done = ends.every((end) => end.high === '0' || committed.partitions.find((partition) => partition.partition === end.partition)?.offset === end.high);
      return done ? true : undefined;
    });
  }

  describe('with the consumer running', () => {
    let actions: RunningService;
    let topic: string;
    let groupId: string;

    beforeAll(async () => {
      const organization = await newOrganization();
      topic = organization.topic;
      groupId = consumerGroupOf(organization.orgId);
      actions = await startActions(organization.config, FAST);
    });

    afterAll(async () => {
      await actions?.app.close();
    });

    const metric = async (outcome: string): Promise<number> => {
      const text = await (await fetch(`${actions.url}/metrics`)).text();
      return Number(new RegExp(`glint_action_runs_total\\{outcome="${outcome}",service="actions"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };

    it('dispatches the workflow of a run message once, links the run to it, and ends the run SUCCESS when the workflow succeeds', async () => {
      const runId = await createRun({ env: 'prod' });

      await produce(topic, runMessage(runId, { type: 'GITHUB', org: ORG, repo: repos[0], workflow: WORKFLOW }, { env: 'prod', config: { size: 'large' }, replicas: 3 }));

      const run = await runFinished(runId);
      const dispatched = dispatchesOf(runId);
      expect(dispatched).toHaveLength(1);
      const link = `${sim.url}/${ORG}/${repos[0]}/actions/runs/${dispatched[0].id}`;
      expect(run).toMatchObject({ status: 'SUCCESS', link: [link], externalRunId: expect.stringMatching(new RegExp(`^gh_\\d+_\\d+_${dispatched[0].id}$`)) });
      expect(dispatched[0]).toMatchObject({ headBranch: 'main', inputs: { env: 'prod', config: '{"size":"large"}', replicas: '3', port_payload: expect.stringContaining(runId) } });
      expect(await logsOf(runId)).toEqual([`Dispatching workflow ${WORKFLOW} in ${ORG}/${repos[0]} on main`, `Dispatched: ${link}`, 'Workflow completed: success']);
      expect(await stateOf(runId)).toBe('finished');
      expect(await metric('dispatched')).toBeGreaterThanOrEqual(1);
    });

    it('dispatches a v2 GitHub payload on a server without return_run_details, finding the new run in the run list', async () => {
      const runId = await createRun();
      sim.setReturnRunDetailsSupport(false);
      try {
        await produce(topic, { type: 'GITHUB', runId, org: ORG, repo: repos[1], workflow: WORKFLOW, workflowInputs: { ref: 'main', port_context: { runId, blueprint: 'service' } }, reportWorkflowStatus: true });

        const run = await runFinished(runId);
        const dispatched = dispatchesOf(runId);
        expect(dispatched).toHaveLength(1);
        expect(dispatched[0].inputs).toEqual({ port_context: JSON.stringify({ runId, blueprint: 'service' }) });
        expect(run).toMatchObject({ status: 'SUCCESS', link: [`${sim.url}/${ORG}/${repos[1]}/actions/runs/${dispatched[0].id}`] });
      } finally {
        sim.setReturnRunDetailsSupport(true);
      }
    });

    it('dispatches a message delivered twice only once', async () => {
      const runId = await createRun();
      const message = runMessage(runId, { type: 'GITHUB', org: ORG, repo: repos[0], workflow: WORKFLOW, omitPayload: true }, { tag: runId });
      const notDispatchedBefore = (await metric('duplicate')) + (await metric('skipped'));

      await produce(topic, message, message);

      expect(await runFinished(runId)).toMatchObject({ status: 'SUCCESS' });
      await allCommitted(topic, groupId);
      expect(dispatchesOf(runId)).toHaveLength(1);
      expect((await metric('duplicate')) + (await metric('skipped'))).toBe(notDispatchedBefore + 1);
    });

    it('reports FAILURE with the conclusion when the workflow fails', async () => {
      sim.setWorkflowOutcome(ORG, repos[2], WORKFLOW, 'failure');
      const runId = await createRun();

      await produce(topic, runMessage(runId, { type: 'GITHUB', org: ORG, repo: repos[2], workflow: WORKFLOW }));

      expect(await runFinished(runId)).toMatchObject({ status: 'FAILURE', summary: 'Workflow completed: failure' });
      expect(await logsOf(runId)).toContain('Workflow completed: failure');
      expect(dispatchesOf(runId)).toHaveLength(1);
    });

    it('fails a run that would need 11 workflow inputs, says why, and dispatches nothing', async () => {
      const runId = await createRun();
      const properties = Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`input${index}`, `${runId}-${index}`]));

      await produce(topic, runMessage(runId, { type: 'GITHUB', org: ORG, repo: repos[0], workflow: WORKFLOW, omitPayload: true }, properties));

      const run = await runFinished(runId);
      expect(run.status).toBe('FAILURE');
      expect(run.summary).toContain('The workflow would receive 11 inputs (input0, input1');
      expect(run.summary).toContain('GitHub accepts at most 10 on a workflow_dispatch. Set omitPayload or omitUserInputs on the action, or ask for fewer inputs.');
      expect(dispatchesOf(runId)).toHaveLength(0);
    });

    it('commits malformed JSON, fails an invalid run with the reason, leaves other invocation types alone, and goes on', async () => {
      const [invalid, webhook, valid] = [await createRun(), await createRun(), await createRun()];
      const ignoredBefore = await metric('ignored');
      const invalidBefore = await metric('invalid');

      await produce(
        topic,
        '{"context": {"runId": ',
        runMessage(invalid, { type: 'GITHUB', org: ORG, repo: repos[0] }),
        runMessage(webhook, { type: 'WEBHOOK', url: 'https://hooks.example.com/deploy' }),
        { type: 'GITHUB', runId: valid, org: ORG, repo: repos[3], workflow: WORKFLOW, workflowInputs: { run: valid } },
      );

      expect(await runFinished(valid)).toMatchObject({ status: 'SUCCESS' });
      expect(await runFinished(invalid)).toMatchObject({
        status: 'FAILURE',
        summary: "Glint could not use the run's Kafka message: payload.action.invocationMethod.workflow must be a non-empty string",
      });
      await allCommitted(topic, groupId);
      expect(await catalogClient.getActionRun(webhook)).toMatchObject({ status: 'IN_PROGRESS' });
      expect(await logsOf(webhook)).toEqual([]);
      expect(await metric('ignored')).toBe(ignoredBefore + 1);
      expect(await metric('invalid')).toBe(invalidBefore + 2);
    });

    it('fails a run whose workflow never starts, and cancels that workflow run', async () => {
      sim.holdWorkflowRuns(ORG, repos[4], WORKFLOW);
      const runId = await createRun();

      await produce(topic, { type: 'GITHUB', runId, org: ORG, repo: repos[4], workflow: WORKFLOW, workflowInputs: { run: runId } });

      const run = await runFinished(runId);
      expect(run.status).toBe('FAILURE');
      expect(run.summary).toMatch(/^The workflow run did not start within 2 s: GitHub still shows it queued, so Glint cancels it/);
      const [dispatched] = dispatchesOf(runId);
      await waitFor('the workflow run to be cancelled', async () => (dispatched.conclusion === 'cancelled' ? true : undefined));
    });

    it('leaves the final status to the workflow when reportWorkflowStatus is false', async () => {
      const runId = await createRun();

      await produce(topic, { type: 'GITHUB', runId, org: ORG, repo: repos[5], workflow: WORKFLOW, workflowInputs: { run: runId }, reportWorkflowStatus: false });

      await waitFor('the action run to be finished in the bridge', async () => ((await stateOf(runId)) === 'finished' ? true : undefined));
      const run = await catalogClient.getActionRun(runId);
      expect(run).toMatchObject({ status: 'IN_PROGRESS', link: [expect.stringContaining(`/${ORG}/${repos[5]}/actions/runs/`)] });
      expect(await logsOf(runId)).not.toContain('Workflow completed: success');
    });
  });

  describe('when the consumer dies between dispatch and commit', () => {
    it('dispatches once: the restarted consumer finds the run on GitHub instead of dispatching it again', async () => {
      const { orgId, topic, config } = await newOrganization();
      let crashed: (runId: string) => void = () => undefined;
      const crash = new Promise<string>((resolve) => (crashed = resolve));
      const first = await startActions(config, {
        ...FAST,
        afterDispatch: (runId) => {
          crashed(runId);
          throw new Error('simulated crash');
        },
      });
      const runId = await createRun();

      await produce(topic, runMessage(runId, { type: 'GITHUB', org: ORG, repo: repos[0], workflow: WORKFLOW }));
      expect(await crash).toBe(runId);
      await first.app.close();

      expect(dispatchesOf(runId)).toHaveLength(1);
      expect(await stateOf(runId)).toBe('recorded');
      const [committed] = await admin.fetchOffsets({ groupId: consumerGroupOf(orgId), topics: [topic] });
      expect(committed.partitions.every((partition) => partition.offset === '-1')).toBe(true);

      const second = await startActions(config, FAST);
      try {
        const run = await runFinished(runId);
        await allCommitted(topic, consumerGroupOf(orgId));
        const dispatched = dispatchesOf(runId);
        expect(dispatched).toHaveLength(1);
        const link = `${sim.url}/${ORG}/${repos[0]}/actions/runs/${dispatched[0].id}`;
        expect(run).toMatchObject({ status: 'SUCCESS', link: [link] });
        expect(await logsOf(runId)).toEqual([
          `Dispatching workflow ${WORKFLOW} in ${ORG}/${repos[0]} on main`,
          `Glint restarted while dispatching this run and found its workflow run: ${link}`,
          'Workflow completed: success',
        ]);
      } finally {
        await second.app.close();
      }
    });
  });

  describe('when GitHub loses the answer to a dispatch, or a completion event', () => {
    const DISPATCH_ROUTE = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches';
    let actions: RunningService;
    let topic: string;

    beforeAll(async () => {
      const organization = await newOrganization();
      topic = organization.topic;
      actions = await startActions(organization.config, { ...FAST, github: { requestTimeoutMs: 2_000 } });
    });

    afterAll(async () => {
      await actions?.app.close();
    });

    /** Dispatch requests that reached the simulator, whatever it answered. */
    const dispatchRequests = () => sim.stats().byRoute[DISPATCH_ROUTE] ?? 0;
    const dispatchPath = (repo: string) => new RegExp(`/repos/${ORG}/${repo}/actions/workflows/${WORKFLOW.replace('.', '\\.')}/dispatches`);

    it('finds the run of a dispatch answered 502 after GitHub created it, and never sends the dispatch again', async () => {
      const runId = await createRun();
      sim.injectFaults({ status: 502, count: 1, routePattern: dispatchPath(repos[0]), afterEffect: true });
      const requestsBefore = dispatchRequests();

      await produce(topic, runMessage(runId, { type: 'GITHUB', org: ORG, repo: repos[0], workflow: WORKFLOW }));

      const run = await runFinished(runId);
      const dispatched = dispatchesOf(runId);
      expect(dispatched).toHaveLength(1);
      expect(dispatchRequests() - requestsBefore).toBe(1);
      const link = `${sim.url}/${ORG}/${repos[0]}/actions/runs/${dispatched[0].id}`;
      expect(run).toMatchObject({ status: 'SUCCESS', link: [link] });
      expect(await logsOf(runId)).toEqual([`Dispatching workflow ${WORKFLOW} in ${ORG}/${repos[0]} on main`, `Dispatched: ${link}`, 'Workflow completed: success']);
    });

    it('finds the run of a dispatch whose answer never came (the request timed out), and never sends the dispatch again', async () => {
      const runId = await createRun();
      sim.injectFaults({ status: 'no-answer', count: 1, routePattern: dispatchPath(repos[1]), afterEffect: true });
      const requestsBefore = dispatchRequests();

      await produce(topic, runMessage(runId, { type: 'GITHUB', org: ORG, repo: repos[1], workflow: WORKFLOW }));

      const run = await runFinished(runId);
      const dispatched = dispatchesOf(runId);
      expect(dispatched).toHaveLength(1);
      expect(dispatchRequests() - requestsBefore).toBe(1);
      expect(run).toMatchObject({ status: 'SUCCESS', link: [`${sim.url}/${ORG}/${repos[1]}/actions/runs/${dispatched[0].id}`] });
    });

    it('fails a run whose dispatch was answered 502 before GitHub acted, says why, and does not send it again', async () => {
      const runId = await createRun();
      sim.injectFaults({ status: 502, count: 1, routePattern: dispatchPath(repos[3]) });
      const requestsBefore = dispatchRequests();

      await produce(topic, runMessage(runId, { type: 'GITHUB', org: ORG, repo: repos[3], workflow: WORKFLOW }));

      const run = await runFinished(runId);
      expect(run.status).toBe('FAILURE');
      expect(run.summary).toMatch(/^The dispatch got no answer \(.*502.*\) and no workflow_dispatch run of ci\.yml on main appeared in /);
      expect(run.summary).toContain('it is not sent again so that the workflow cannot run twice');
      expect(dispatchesOf(runId)).toHaveLength(0);
      expect(dispatchRequests() - requestsBefore).toBe(1);
      expect(await stateOf(runId)).toBe('finished');
    });

    it("completes a run whose workflow_run completed event was lost from GitHub's run, through the watchdog", async () => {
      lostCompletionsOf.add(repos[5]);
      try {
        const runId = await createRun();

        await produce(topic, runMessage(runId, { type: 'GITHUB', org: ORG, repo: repos[5], workflow: WORKFLOW }));

        const run = await runFinished(runId);
        const [dispatched] = dispatchesOf(runId);
        await waitFor('the completed event to be lost', async () => (lostCompletions.includes(dispatched.id) ? true : undefined));
        expect(run).toMatchObject({ status: 'SUCCESS', link: [`${sim.url}/${ORG}/${repos[5]}/actions/runs/${dispatched.id}`] });
        expect(await logsOf(runId)).toContain('Workflow completed: success');
        expect(await stateOf(runId)).toBe('finished');
      } finally {
        lostCompletionsOf.delete(repos[5]);
      }
    });
  });
});
