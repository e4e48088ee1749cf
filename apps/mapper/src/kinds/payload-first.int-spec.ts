import { loadConfig } from '@glint/config';
import { createGithubAccess, GithubObject, GithubRestClient } from '@glint/github';
import type { Kind } from '@glint/mapping';
import { GithubSimulator, ReceivedWebhook, SIMULATOR_ADMIN_LOGIN, WebhookReceiver } from '@glint/testing';
import { KIND_MODULES } from '.';

/**
 * Payload-first kinds map the webhook payload's object instead of re-reading it. Against the GitHub simulator: each
 * mutation's payload object has the values of the REST object read right after it (with an installation token, as
 * the mapper reads), for the fields a mapping or a filter of the kind reads (the kind module's `payloadFields`).
 */

const fieldsOf = (kind: Kind): readonly string[] => KIND_MODULES[kind].payloadFields ?? [];
const PULL_REQUEST_FIELDS = fieldsOf('pull-request');
const REPOSITORY_FIELDS = fieldsOf('repository');
const ISSUE_FIELDS = fieldsOf('issue');
const WORKFLOW_RUN_FIELDS = fieldsOf('workflow-run');
const DEPLOYMENT_FIELDS = fieldsOf('deployment');
const USER_FIELDS = fieldsOf('user');
const DEPLOYMENT_STATUS_FIELDS = fieldsOf('deployment-status');

const ORGANIZATION = 'acme';

/** The value at a field path; `a[].b` maps the array `a` to its items' `b`. */
function fieldValue(object: unknown, field: string): unknown {
  const [head, ...rest] = field.split('.');
  if (!head || typeof object !== 'object' || object === null) return undefined;
  const eachItem = head.endsWith('[]');
  const value = (object as Record<string, unknown>)[eachItem ? head.slice(0, -2) : head];
  if (rest.length === 0 && !eachItem) return value;
  if (!eachItem) return fieldValue(value, rest.join('.'));
  return Array.isArray(value) ? value.map((item) => (rest.length === 0 ? item : fieldValue(item, rest.join('.')))) : value;
}

function fieldValues(object: unknown, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field, fieldValue(object, field)]));
}

function objectIn(container: Record<string, unknown>, key: string): GithubObject {
  const object = container[key];
  if (typeof object !== 'object' || object === null) throw new Error(`no ${key} object in ${JSON.stringify(Object.keys(container))}`);
  return object as GithubObject;
}

function deliveryName(hook: ReceivedWebhook): string {
  return hook.action ? `${hook.event}.${hook.action}` : hook.event;
}

describe('payload-first objects against the REST objects of the GitHub simulator', () => {
  let simulator: GithubSimulator;
  let receiver: WebhookReceiver;
  let github: GithubRestClient;
  let repo: string;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    simulator = await GithubSimulator.start({ seed: 31, reposPerOrg: 2, runStepMs: 20, webhook: { url: receiver.url, secret: receiver.secret } });
    const config = loadConfig({ APP_ID: String(simulator.appId), PRIVATE_KEY: Buffer.from(simulator.appPrivateKeyPem).toString('base64'), GHE_HOST: new URL(simulator.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    const access = createGithubAccess(config.github, { clock: { now: () => simulator.now() } });
    const installation = (await access.installations()).find((candidate) => candidate.accountLogin === ORGANIZATION);
    if (!installation) throw new Error(`no installation on ${ORGANIZATION}`);
    github = access.clientFor(installation.id);
    repo = simulator.state.organization(ORGANIZATION)?.repos.find((candidate) => candidate.name !== '.github-private')?.name ?? '';
  });

  afterAll(async () => {
    await simulator?.webhooksIdle();
    await simulator?.close();
    await receiver?.close();
  });

  /** The deliveries of `event` that `mutate` caused, once delivered. */
  async function deliveriesOf(event: string, mutate: () => unknown): Promise<ReceivedWebhook[]> {
    await simulator.webhooksIdle();
    receiver.clear();
    await mutate();
    await simulator.webhooksIdle();
    const hooks = receiver.received.filter((hook) => hook.event === event);
    expect(hooks.length).toBeGreaterThan(0);
    return hooks;
  }

  /** The one delivery of `event` that `mutate` caused. */
  async function deliveryOf(event: string, mutate: () => unknown): Promise<ReceivedWebhook> {
    const hooks = await deliveriesOf(event, mutate);
    expect(hooks.map(deliveryName)).toHaveLength(1);
    return hooks[0];
  }

  function readRest(route: string, params: Record<string, unknown>): Promise<GithubObject> {
    return github.request<GithubObject>(route, { owner: ORGANIZATION, repo, ...params });
  }

  async function listedItem(route: string, params: Record<string, unknown>, id: unknown): Promise<GithubObject | undefined> {
    for await (const page of github.paginate<GithubObject>(route, params)) {
      const item = page.find((candidate) => candidate['id'] === id);
      if (item) return item;
    }
    return undefined;
  }

  /** The payload's object has every listed field, with the REST object's value. */
  function expectSameFields(hook: ReceivedWebhook, object: GithubObject, rest: GithubObject | undefined, fields: readonly string[]): void {
    const delivery = deliveryName(hook);
    expect({ delivery, absentFromPayload: fields.filter((field) => fieldValue(object, field) === undefined) }).toEqual({ delivery, absentFromPayload: [] });
    expect({ delivery, ...fieldValues(object, fields) }).toEqual({ delivery, ...fieldValues(rest, fields) });
  }

  it('takes a pull request opened, edited, labeled, synchronized, closed and merged from its payload as the REST pull request has it', async () => {
    const compare = async (hook: ReceivedWebhook): Promise<void> => {
      const pull = objectIn(hook.payload, 'pull_request');
      expectSameFields(hook, pull, await readRest('GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: pull['number'] }), PULL_REQUEST_FIELDS);
    };
    const opened = await deliveryOf('pull_request', () => simulator.openPullRequest(ORGANIZATION, repo, { title: 'Payload first', head: 'payload-first' }));
    await compare(opened);
    const number = objectIn(opened.payload, 'pull_request')['number'] as number;

    await compare(await deliveryOf('pull_request', () => simulator.editPullRequest(ORGANIZATION, repo, number, { title: 'Payload first, edited', body: 'With a body' })));
    await compare(await deliveryOf('pull_request', () => simulator.labelIssue(ORGANIZATION, repo, number, 'enhancement')));
    await compare(await deliveryOf('pull_request', () => simulator.push(ORGANIZATION, repo, { branch: 'payload-first', files: { 'notes/payload-first.md': 'first\n' } })));
    await compare(await deliveryOf('pull_request', () => simulator.closePullRequest(ORGANIZATION, repo, number)));

    const toMerge = simulator.openPullRequest(ORGANIZATION, repo, { title: 'Payload first, merged', head: 'payload-first-merged', files: { 'notes/merged.md': 'merged\n' } });
    const merged = await deliveryOf('pull_request', () => simulator.mergePullRequest(ORGANIZATION, repo, toMerge.number));
    expect(objectIn(merged.payload, 'pull_request')['merged_at']).toEqual(expect.any(String));
    await compare(merged);
  });

  it('takes an issue opened, labeled and closed from its payload as the REST issue has it', async () => {
    const compare = async (hook: ReceivedWebhook): Promise<void> => {
      const issue = objectIn(hook.payload, 'issue');
      expectSameFields(hook, issue, await readRest('GET /repos/{owner}/{repo}/issues/{issue_number}', { issue_number: issue['number'] }), ISSUE_FIELDS);
    };
    const opened = await deliveryOf('issues', () =>
      simulator.openIssue(ORGANIZATION, repo, { title: 'Payload first', body: 'Mapped from the payload', labels: ['bug'], assignees: [SIMULATOR_ADMIN_LOGIN] }),
    );
    await compare(opened);
    const number = objectIn(opened.payload, 'issue')['number'] as number;

    await compare(await deliveryOf('issues', () => simulator.labelIssue(ORGANIZATION, repo, number, 'triage')));
    await compare(await deliveryOf('issues', () => simulator.closeIssue(ORGANIZATION, repo, number, { reason: 'not_planned' })));
  });

  it('takes a dispatched workflow run requested, cancelled and completed from its payload as the REST run has it', async () => {
    const compare = async (hook: ReceivedWebhook): Promise<void> => {
      const run = objectIn(hook.payload, 'workflow_run');
      expectSameFields(hook, run, await readRest('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { run_id: run['id'] }), WORKFLOW_RUN_FIELDS);
    };
    const dispatch = async (): Promise<number> => {
      const details = await github.request<{ workflow_run_id: number }>('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        owner: ORGANIZATION,
        repo,
        workflow_id: 'ci.yml',
        ref: 'main',
        return_run_details: true,
      });
      return details.workflow_run_id;
    };

    // A held run stays queued until cancelled, so each state is read before the next one exists.
    simulator.holdWorkflowRuns(ORGANIZATION, repo, 'ci.yml');
    let heldRun = 0;
    const requested = await deliveryOf('workflow_run', async () => (heldRun = await dispatch()));
    expect(requested.action).toBe('requested');
    await compare(requested);
    const cancelled = await deliveryOf('workflow_run', () => github.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel', { owner: ORGANIZATION, repo, run_id: heldRun }));
    expect(objectIn(cancelled.payload, 'workflow_run')).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    await compare(cancelled);

    // A run left to the runner: its completed state is its last, whenever it is read.
    simulator.holdWorkflowRuns(ORGANIZATION, repo, 'ci.yml', false);
    receiver.clear();
    const runId = await dispatch();
    const hooks = await receiver.waitFor(3);
    const completed = hooks.find((hook) => hook.action === 'completed' && objectIn(hook.payload, 'workflow_run')['id'] === runId);
    if (!completed) throw new Error(`no workflow_run.completed for run ${runId}: ${hooks.map(deliveryName).join(', ')}`);
    expect(objectIn(completed.payload, 'workflow_run')).toMatchObject({ status: 'completed', conclusion: 'success' });
    await compare(completed);
  });

  it('takes a created deployment and its status from their payloads as the REST deployment and status listing have them', async () => {
    const created = await deliveryOf('deployment', () => simulator.createDeployment(ORGANIZATION, repo, { environment: 'staging', description: 'Payload first' }));
    const deployment = objectIn(created.payload, 'deployment');
    expectSameFields(created, deployment, await readRest('GET /repos/{owner}/{repo}/deployments/{deployment_id}', { deployment_id: deployment['id'] }), DEPLOYMENT_FIELDS);

    const statusDelivery = await deliveryOf('deployment_status', () => simulator.createDeploymentStatus(ORGANIZATION, repo, deployment['id'] as number, { state: 'success' }));
    const status = objectIn(statusDelivery.payload, 'deployment_status');
    const listed = await listedItem('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { owner: ORGANIZATION, repo, deployment_id: deployment['id'] }, status['id']);
    expect(listed).toBeDefined();
    expectSameFields(statusDelivery, status, listed, DEPLOYMENT_STATUS_FIELDS);
  });

  it('takes a repository created, renamed, archived and unarchived from its payload as the REST repository has it', async () => {
    const compare = async (hook: ReceivedWebhook): Promise<void> => {
      const repository = objectIn(hook.payload, 'repository');
      expectSameFields(hook, repository, await github.request<GithubObject>('GET /repos/{owner}/{repo}', { owner: ORGANIZATION, repo: repository['name'] }), REPOSITORY_FIELDS);
    };
    await compare(await deliveryOf('repository', () => simulator.createRepository(ORGANIZATION, { name: 'payload-first', visibility: 'internal', description: 'Payload first' })));
    await compare(await deliveryOf('repository', () => simulator.renameRepository(ORGANIZATION, 'payload-first', 'payload-first-renamed')));
    await compare(await deliveryOf('repository', () => simulator.archiveRepository(ORGANIZATION, 'payload-first-renamed')));
    await compare(await deliveryOf('repository', () => simulator.unarchiveRepository(ORGANIZATION, 'payload-first-renamed')));
  });

  it('takes an added organization member from its payload as the organization members listing has it', async () => {
    const added = await deliveryOf('organization', () => simulator.addMember(ORGANIZATION, 'payload-first-member'));
    expect(added.action).toBe('member_added');
    const user = objectIn(objectIn(added.payload, 'membership'), 'user');
    const listed = await listedItem('GET /orgs/{org}/members', { org: ORGANIZATION }, user['id']);
    expect(listed).toBeDefined();
    expectSameFields(added, user, listed, USER_FIELDS);
  });
});
