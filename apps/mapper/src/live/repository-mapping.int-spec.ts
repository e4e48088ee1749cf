import { loadConfig } from '@glint/config';
import { createGithubAccess, GithubAccess } from '@glint/github';
import { JqEngine, MappingConfigError, MappingConfigSource } from '@glint/mapping';
import type { WebhookEvent } from '@glint/queue';
import { GithubSimulator, ReceivedWebhook, WebhookReceiver } from '@glint/testing';
import { EventRouter } from '../events/event-router';
import { EntityMapping } from '../mapping/entity-mapping';
import { REPOSITORIES_AND_PULLS_MAPPING } from '../sync/repositories-and-pulls-mapping.spec-helper';
import { RecordingPublisher, RecordingResyncs } from './handlers/object-sync.spec-helper';
import { liveEventHandlers } from './live-event-handlers';

const ORGANIZATION = 'acme';
const MAPPING_PATH = '.github/port-app-config.yml';

/** A repository's own mapping of its pull requests, under `blueprint`. */
const ownPullRequests = (blueprint: string) =>
  [
    'resources:',
    '  - kind: pull-request',
    '    selector:',
    "      query: 'true'",
    '    port:',
    '      entity:',
    '        mappings:',
    "          identifier: '\"own-\" + .__repository + \"-\" + (.number | tostring)'",
    '          title: .title',
    `          blueprint: '"${blueprint}"'`,
    '',
  ].join('\n');

/**
 * Live events of a repository with its own `.github/port-app-config.yml`, delivered by the GitHub simulator (with
 * GitHub-like latency) and routed through the mapper's live handlers: that repository's objects are mapped with its
 * own mapping, every other repository's with `.github-private`'s, and a push changing the file reloads it.
 */
describe('live events of a repository with a mapping of its own', () => {
  let simulator: GithubSimulator;
  let receiver: WebhookReceiver;
  let jq: JqEngine;
  let access: GithubAccess;
  let own: string;
  let other: string;

  beforeAll(async () => {
    jq = new JqEngine({ workers: 1 });
    receiver = await WebhookReceiver.start();
    simulator = await GithubSimulator.start({ seed: 37, reposPerOrg: 2, latencyMs: 50, webhook: { url: receiver.url, secret: receiver.secret } });
    const config = loadConfig({ APP_ID: String(simulator.appId), PRIVATE_KEY: Buffer.from(simulator.appPrivateKeyPem).toString('base64'), GHE_HOST: new URL(simulator.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    access = createGithubAccess(config.github, { clock: { now: () => simulator.now() } });
    [own, other] = (simulator.state.organization(ORGANIZATION)?.repos ?? []).map((repo) => repo.name).filter((name) => name !== '.github-private');
    pushFile('.github-private', REPOSITORIES_AND_PULLS_MAPPING);
    pushFile(own, ownPullRequests('ownPullRequest'));
    await simulator.webhooksIdle();
  });

  afterAll(async () => {
    await simulator?.webhooksIdle();
    await simulator?.close();
    await receiver?.close();
    await jq?.close();
  });

  function pushFile(repository: string, text: string): void {
    simulator.push(ORGANIZATION, repository, { branch: simulator.state.repo(ORGANIZATION, repository)?.defaultBranch ?? 'main', files: { [MAPPING_PATH]: text } });
  }

  function live() {
    const publisher = new RecordingPublisher();
    const resyncs = new RecordingResyncs();
    const router = new EventRouter(liveEventHandlers({ access, mappingSource: new MappingConfigSource(jq), mapping: new EntityMapping(jq), publisher, resyncs }));
    const upserted = () => publisher.jobs.flatMap((job) => job.changes).flatMap((change) => (change.type === 'upsert' ? [`${change.entity.blueprint}/${change.entity.identifier}`] : []));
    return { router, resyncs, upserted };
  }

  /** The deliveries of `event` that `mutate` caused, as the mapper's queue hands them over. */
  async function eventsOf(event: string, mutate: () => unknown): Promise<WebhookEvent[]> {
    await simulator.webhooksIdle();
    receiver.clear();
    await mutate();
    await simulator.webhooksIdle();
    const hooks = receiver.received.filter((hook) => hook.event === event);
    expect(hooks.length).toBeGreaterThan(0);
    return hooks.map(webhookEventOf);
  }

  it("maps the repository's pull requests with its own mapping and another repository's with .github-private's", async () => {
    const { router, upserted } = live();

    const [ownOpened] = await eventsOf('pull_request', () => simulator.openPullRequest(ORGANIZATION, own, { title: 'Own mapping', head: 'own-mapping' }));
    const [otherOpened] = await eventsOf('pull_request', () => simulator.openPullRequest(ORGANIZATION, other, { title: 'Organization mapping', head: 'org-mapping' }));
    await router.route(ownOpened);
    await router.route(otherOpened);

    expect(upserted()).toEqual([`ownPullRequest/own-${own}-${numberOf(ownOpened)}`, `githubPullRequest/${other}-${numberOf(otherOpened)}`]);
  });

  it('reloads the repository mapping a push to its default branch changes, and asks for a resync', async () => {
    const { router, resyncs, upserted } = live();
    const [opened] = await eventsOf('pull_request', () => simulator.openPullRequest(ORGANIZATION, own, { title: 'Before the change', head: 'before-change' }));
    await router.route(opened);

    const pushes = await eventsOf('push', () => pushFile(own, ownPullRequests('ownPullRequestV2')));
    for (const push of pushes) await router.route(push);
    const [edited] = await eventsOf('pull_request', () => simulator.editPullRequest(ORGANIZATION, own, numberOf(opened), { title: 'After the change' }));
    await router.route(edited);

    expect(resyncs.reasons).toEqual([`the mapping changed in ${own}`]);
    expect(upserted()).toEqual([`ownPullRequest/own-${own}-${numberOf(opened)}`, `ownPullRequestV2/own-${own}-${numberOf(opened)}`]);
  });

  it("refuses the repository's events while its own mapping is invalid, naming the file and its problem, and maps the others", async () => {
    const { router, resyncs, upserted } = live();
    const pushes = await eventsOf('push', () => pushFile(own, 'resources:\n  - kind: nope\n'));
    for (const push of pushes) await expect(router.route(push)).rejects.toThrow(MappingConfigError);
    // The resync it asks for records the invalid file; until the file is fixed the repository's entities stay as they are.
    expect(resyncs.reasons).toEqual([`the mapping changed in ${own}`]);

    const [ownOpened] = await eventsOf('pull_request', () => simulator.openPullRequest(ORGANIZATION, own, { title: 'Invalid own mapping', head: 'invalid-own' }));
    const [otherOpened] = await eventsOf('pull_request', () => simulator.openPullRequest(ORGANIZATION, other, { title: 'Still mapped', head: 'still-mapped' }));

    await expect(router.route(ownOpened)).rejects.toThrow(new RegExp(`^${ORGANIZATION}/${own}:\\.github/port-app-config\\.yml is not a valid mapping:\\n {2}- resources\\[0\\]\\.kind \\(line 2\\): unknown kind "nope"`));
    await router.route(otherOpened);
    expect(upserted()).toEqual([`githubPullRequest/${other}-${numberOf(otherOpened)}`]);
  });
});

function webhookEventOf(hook: ReceivedWebhook): WebhookEvent {
  return { deliveryId: hook.guid, event: hook.event, action: hook.action, groupKey: 'test', partition: 0, receivedAt: new Date().toISOString(), payload: hook.payload };
}

function numberOf(event: WebhookEvent): number {
  const pull = event.payload['pull_request'];
  const number = typeof pull === 'object' && pull !== null && 'number' in pull ? pull.number : undefined;
  if (typeof number !== 'number') throw new Error(`${event.event} ${event.deliveryId} has no pull request number`);
  return number;
}
