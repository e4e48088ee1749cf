import { loadConfig } from '@glint/config';
import { createGithubAccess, FetchContext, GithubAccess, GithubInstallation, GithubObject } from '@glint/github';
import { JqEngine, parseAppConfig, PortAppConfig } from '@glint/mapping';
import type { WebhookEvent } from '@glint/queue';
import { GithubSimulator, WebhookReceiver } from '@glint/testing';
import { fetchResource, liveObjectsOf, LiveReads } from '.';
import { ObjectSync } from '../live/handlers/object-sync';
import { RecordingPublisher } from '../live/handlers/object-sync.spec-helper';

/**
 * The peer's repository-scoped options on the live path and in the kinds' listings, against the GitHub simulator with
 * GitHub's latency: a webhook the simulator delivers goes through ObjectSync with a mapping using the option, and what
 * reaches the mapping (kept, enriched, or left out) is what the option says.
 */

const ORGANIZATION = 'acme';

interface Mapped {
  resource: number;
  present: GithubObject[];
  gone: GithubObject[];
}

describe('repository-scoped options, live and listed, against the GitHub simulator', () => {
  let simulator: GithubSimulator;
  let receiver: WebhookReceiver;
  let access: GithubAccess;
  let installation: GithubInstallation;
  let context: FetchContext;
  let jq: JqEngine;
  const repoNames: string[] = [];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    simulator = await GithubSimulator.start({ seed: 37, reposPerOrg: 4, pullRequestsPerRepo: 2, issuesPerRepo: 1, latencyMs: 50, webhook: { url: receiver.url, secret: receiver.secret } });
    const config = loadConfig({ APP_ID: String(simulator.appId), PRIVATE_KEY: Buffer.from(simulator.appPrivateKeyPem).toString('base64'), GHE_HOST: new URL(simulator.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    access = createGithubAccess(config.github, { clock: { now: () => simulator.now() } });
    const found = (await access.installations()).find((candidate) => candidate.accountLogin === ORGANIZATION);
    if (!found) throw new Error(`no installation on ${ORGANIZATION}`);
    installation = found;
    context = { client: access.clientFor(installation.id), organization: ORGANIZATION };
    for (const repo of simulator.state.organization(ORGANIZATION)?.repos ?? []) if (!repo.archived && !repo.fork && repo.name !== '.github-private') repoNames.push(repo.name);
    jq = new JqEngine({ workers: 1 });
  });

  afterAll(async () => {
    await simulator?.webhooksIdle();
    await simulator?.close();
    await receiver?.close();
    await jq?.close();
  });

  async function mappingOf(kind: string, selector: string): Promise<PortAppConfig> {
    const yaml = `resources:\n  - kind: ${kind}\n    selector:\n      query: 'true'\n${selector
      .trim()
      .split('\n')
      .map((line) => `      ${line}`)
      .join('\n')}\n    port:\n      entity:\n        mappings:\n          identifier: .name\n          blueprint: '"thing"'\n`;
    const parsed = await parseAppConfig(yaml, jq);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    return parsed.config;
  }

  /** The webhooks of `event` that `mutate` makes the simulator deliver, each synced with `config`: what reached the mapping. */
  async function liveSync(config: PortAppConfig, event: string, mutate: () => unknown): Promise<Mapped[]> {
    await simulator.webhooksIdle();
    receiver.clear();
    await mutate();
    await simulator.webhooksIdle();
    const deliveries = receiver.received.filter((hook) => hook.event === event);
    expect(deliveries.length).toBeGreaterThan(0);
    const mapped: Mapped[] = [];
    const reads = new LiveReads();
    const sync = new ObjectSync({
      access,
      mappingSource: { forOrganization: async () => ({ config, source: { kind: 'default' } }), forRepository: async () => ({ config, source: { kind: 'default' } }) },
      mapping: {
        mapLive: async (_config, resource, present, gone) => {
          mapped.push({ resource, present: [...present], gone: [...gone] });
          return { changes: [], issues: [], skipped: [] };
        },
      },
      publisher: new RecordingPublisher(),
      liveObjectsOf: (queued, fetch, loaded) => liveObjectsOf(reads.contextOf(queued, fetch, loaded)),
      now: () => new Date(simulator.now()),
    });
    for (const delivery of deliveries) {
      const queued: WebhookEvent = { deliveryId: delivery.guid, event: delivery.event, action: delivery.action, groupKey: 'test', partition: 0, receivedAt: new Date(simulator.now()).toISOString(), payload: delivery.payload };
      const scope = await sync.scopeOf(queued);
      if (!scope) throw new Error(`no synced account for ${delivery.event}`);
      await sync.sync(queued, scope);
    }
    return mapped;
  }

  const presentOf = (mapped: Mapped[]) => mapped.flatMap((entry) => entry.present);
  const goneOf = (mapped: Mapped[]) => mapped.flatMap((entry) => entry.gone);

  it('branchNames: a push to a named branch maps it, in detail; a push to another branch is left out', async () => {
    const config = await mappingOf('branch', 'branchNames: [release-train]\nprotectionRules: true');
    const repo = repoNames[0];

    const named = await liveSync(config, 'push', () => simulator.push(ORGANIZATION, repo, { branch: 'release-train', files: { 'a.txt': 'a' } }));
    const other = await liveSync(config, 'push', () => simulator.push(ORGANIZATION, repo, { branch: 'scratch', files: { 'b.txt': 'b' } }));

    expect(presentOf(named)).toEqual([expect.objectContaining({ name: 'release-train', _links: expect.any(Object), __protection_rules: null })]);
    expect(presentOf(other)).toEqual([]);
    expect(goneOf(other).map((branch) => branch['name'])).toEqual(['scratch']);
  });

  it('includedRelations: a repository event maps the repository with its SBOM and Pages, under the peer’s fields', async () => {
    const config = await mappingOf('repository', 'includedRelations:\n  sbom: true\n  pages: true\n  collaborators:\n    affiliation: direct');
    const repo = repoNames[1];
    const record = simulator.state.repo(ORGANIZATION, repo);
    if (!record) throw new Error('no repository');
    record.pages = { cname: null, buildType: 'legacy', sourceBranch: 'main', sourcePath: '/' };

    const mapped = await liveSync(config, 'repository', () => {
      simulator.archiveRepository(ORGANIZATION, repo);
      simulator.unarchiveRepository(ORGANIZATION, repo);
    });

    const [current] = presentOf(mapped);
    expect(current).toMatchObject({ name: repo, __sbom: { spdxVersion: 'SPDX-2.3' }, __pages: { build_type: 'legacy', source: { branch: 'main', path: '/' } } });
    const direct = record.collaborators.filter((collaborator) => collaborator.affiliation !== 'team').map((collaborator) => collaborator.login);
    expect((current['__collaborators'] as Array<{ login: string }>).map((user) => user.login).sort()).toEqual(direct.sort());
  });

  it('repoSearch: an issue in a repository the search finds is mapped; one in a repository it does not find is left out', async () => {
    const [inside, outside] = [repoNames[2], repoNames[3]];
    const insideRecord = simulator.state.repo(ORGANIZATION, inside);
    const outsideRecord = simulator.state.repo(ORGANIZATION, outside);
    if (!insideRecord || !outsideRecord) throw new Error('no repositories');
    insideRecord.topics = ['payments'];
    outsideRecord.topics = [];
    const config = await mappingOf('issue', 'repoSearch:\n  query: topic:payments');

    const found = await liveSync(config, 'issues', () => simulator.openIssue(ORGANIZATION, inside, { title: 'In scope' }));
    const notFound = await liveSync(config, 'issues', () => simulator.openIssue(ORGANIZATION, outside, { title: 'Out of scope' }));
    const listed = [];
    for await (const page of fetchResource(context, config.resources[0], config)) listed.push(...page);

    expect(presentOf(found).map((issue) => issue['title'])).toEqual(['In scope']);
    expect(presentOf(notFound)).toEqual([]);
    expect(goneOf(notFound).map((issue) => issue['title'])).toEqual(['Out of scope']);
    expect(new Set(listed.map((issue) => issue['__repository']))).toEqual(new Set([inside]));
  });

  it('enrichWithFirstCommit: a new deployment’s event maps it with the first commit since the previous deployment to its environment', async () => {
    const config = await mappingOf('deployment', 'enrichWithFirstCommit: true');
    const repo = repoNames[0];
    simulator.createDeployment(ORGANIZATION, repo, { environment: 'staging-live' });
    simulator.advanceClock(1_000);
    const first = simulator.push(ORGANIZATION, repo, { branch: 'main', files: { 'c.txt': 'c' }, message: 'first shipped' });
    simulator.advanceClock(1_000);
    simulator.push(ORGANIZATION, repo, { branch: 'main', files: { 'd.txt': 'd' }, message: 'second shipped' });
    simulator.advanceClock(1_000);

    const mapped = await liveSync(config, 'deployment', () => simulator.createDeployment(ORGANIZATION, repo, { environment: 'staging-live' }));

    expect(presentOf(mapped)).toEqual([expect.objectContaining({ environment: 'staging-live', __commitCount: 2, __firstCommit: expect.objectContaining({ __sha: first.after }) })]);
  });

  it('includeVariables: a deployment’s environment is mapped with its variables', async () => {
    const config = await mappingOf('environment', 'includeVariables: true');
    const repo = repoNames[1];
    simulator.createDeployment(ORGANIZATION, repo, { environment: 'preview' });
    const environment = simulator.state.repoData(simulator.state.repo(ORGANIZATION, repo) ?? (() => { throw new Error('no repository'); })()).environments.find((candidate) => candidate.name === 'preview');
    if (!environment) throw new Error('no environment');
    environment.variables = [{ name: 'API_URL', value: 'https://preview.example.com', createdAt: '2026-02-01T00:00:00Z', updatedAt: '2026-02-01T00:00:00Z' }];

    const mapped = await liveSync(config, 'deployment', () => simulator.createDeployment(ORGANIZATION, repo, { environment: 'preview' }));

    expect(presentOf(mapped)).toEqual([expect.objectContaining({ name: 'preview', __variables: [expect.objectContaining({ name: 'API_URL', value: 'https://preview.example.com' })] })]);
  });

  it('enrichWithFirstCommit: pull requests get firstCommit when listed and when their event is mapped', async () => {
    const config = await mappingOf('pull-request', 'enrichWithFirstCommit: true\nrepoSearch:\n  query: topic:payments');
    const repo = repoNames[2];

    const mapped = await liveSync(config, 'pull_request', () => simulator.openPullRequest(ORGANIZATION, repo, { title: 'With a first commit', files: { 'e.txt': 'e' } }));
    const listed = [];
    for await (const page of fetchResource(context, config.resources[0], config)) listed.push(...page);

    const opened = presentOf(mapped)[0];
    expect(opened).toMatchObject({ title: 'With a first commit', firstCommit: { oid: expect.stringMatching(/^[0-9a-f]{40}$/), committedDate: expect.any(String) } });
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((pull) => typeof (pull['firstCommit'] as { oid?: unknown } | undefined)?.oid === 'string')).toBe(true);
  });

  it('since_date: a workflow run created before it is left out live, as the listing leaves it out', async () => {
    const repo = repoNames[3];
    simulator.holdWorkflowRuns(ORGANIZATION, repo, 'ci.yml');
    const dispatch = () => context.client.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', { owner: ORGANIZATION, repo, workflow_id: 'ci.yml', ref: 'main' });
    const day = (offsetDays: number) => new Date(simulator.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

    const before = await liveSync(await mappingOf('workflow-run', `since_date: "${day(1)}"`), 'workflow_run', dispatch);
    const after = await liveSync(await mappingOf('workflow-run', `since_date: "${day(-1)}"`), 'workflow_run', dispatch);

    expect(presentOf(before)).toEqual([]);
    expect(goneOf(before)).toHaveLength(1);
    expect(presentOf(after)).toEqual([expect.objectContaining({ status: 'queued' })]);
  });
});
