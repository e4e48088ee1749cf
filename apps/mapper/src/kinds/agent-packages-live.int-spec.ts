import { loadConfig } from '@glint/config';
import { createGithubAccess, FetchContext } from '@glint/github';
import { parseAppConfig, JqEngine, PortAppConfig, formatProblem } from '@glint/mapping';
import type { WebhookEvent } from '@glint/queue';
import { GithubSimulator, linkExternalGroup, WebhookReceiver } from '@glint/testing';
import { fetchResource, LiveReads, liveObjectsOf } from '.';

const MAPPING = `
resources:
  - kind: skill
    selector:
      query: 'true'
      paths:
        - path: .cursor/skills/**/SKILL.md
    port:
      entity:
        mappings:
          identifier: .skill.name
          blueprint: '"agentSkill"'
  - kind: plugin
    selector:
      query: 'true'
      providers: [codex]
    port:
      entity:
        mappings:
          identifier: .plugin.name
          blueprint: '"agentPlugin"'
  - kind: team
    selector:
      query: 'true'
      members: false
      include_external_group: true
    port:
      entity:
        mappings:
          identifier: .slug
          blueprint: '"githubTeam"'
`;

/** Live events of the skill, plugin and team options: pushes and team changes the simulator delivers. */
describe('skill, plugin and team live objects from the GitHub simulator’s webhooks', () => {
  const org = 'acme';
  let sim: GithubSimulator;
  let receiver: WebhookReceiver;
  let context: FetchContext;
  let config: PortAppConfig;
  let jq: JqEngine;
  let repo: string;
  let branch: string;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    sim = await GithubSimulator.start({ seed: 41, reposPerOrg: 1, latencyMs: 50, webhook: { url: receiver.url, secret: receiver.secret } });
    const github = loadConfig({ APP_ID: String(sim.appId), PRIVATE_KEY: Buffer.from(sim.appPrivateKeyPem).toString('base64'), GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' }, ['mapper']).github;
    const access = createGithubAccess(github, { clock: { now: () => sim.now() } });
    const [installation] = await access.installations();
    context = { client: access.clientFor(installation.id), organization: installation.accountLogin };
    jq = new JqEngine({ workers: 1 });
    const parsed = await parseAppConfig(MAPPING, jq);
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    config = parsed.config;
    repo = sim.state.organization(org)?.repos[0].name ?? '';
    branch = sim.state.repo(org, repo)?.defaultBranch ?? 'main';
  });

  afterAll(async () => {
    await sim?.webhooksIdle();
    await sim?.close();
    await receiver?.close();
    await jq?.close();
  });

  /** The objects of the last webhook of `event` the simulator delivered after `change`. */
  const objectsAfter = async (event: string, change: () => void) => {
    const before = receiver.received.length;
    change();
    await sim.webhooksIdle();
    const delivered = receiver.received.slice(before).filter((hook) => hook.event === event).pop();
    if (!delivered) throw new Error(`no ${event} webhook was delivered`);
    const webhook: WebhookEvent = { deliveryId: delivered.guid, event, groupKey: 'live', partition: 0, receivedAt: new Date(sim.now()).toISOString(), payload: delivered.payload };
    return liveObjectsOf(new LiveReads().contextOf(webhook, context, config));
  };

  it('a push adding a SKILL.md under the configured paths upserts the skill; one removing it deletes it, named by its folder', async () => {
    const skill = '---\nname: triage\ndescription: Labels new issues\n---\nLabel by component.';
    const added = await objectsAfter('push', () => sim.push(org, repo, { branch, files: { '.cursor/skills/triage/SKILL.md': skill, 'notes/SKILL.md': 'elsewhere' } }));
    const removed = await objectsAfter('push', () => sim.push(org, repo, { branch, files: { '.cursor/skills/triage/SKILL.md': null } }));

    expect(added.filter((object) => object.kind === 'skill')).toEqual([
      expect.objectContaining({ resourceIndex: 0, current: expect.objectContaining({ skill: expect.objectContaining({ name: 'triage', description: 'Labels new issues', root: '.cursor/skills' }) }) }),
    ]);
    expect(removed.filter((object) => object.kind === 'skill')).toEqual([expect.objectContaining({ current: null, known: expect.objectContaining({ skill: expect.objectContaining({ name: 'triage' }) }) })]);
  });

  it('a push touching a selected provider’s manifest re-reads the repository’s plugin; other providers’ manifests are not looked at', async () => {
    const codex = await objectsAfter('push', () => sim.push(org, repo, { branch, files: { '.codex-plugin/plugin.json': '{"name":"review-bot","version":"0.3.0"}' } }));
    const kimi = await objectsAfter('push', () => sim.push(org, repo, { branch, files: { '.kimi-plugin/plugin.json': '{"name":"kimi-bot"}' } }));

    expect(codex.filter((object) => object.kind === 'plugin')).toEqual([
      expect.objectContaining({ resourceIndex: 1, current: expect.objectContaining({ plugin: expect.objectContaining({ name: 'review-bot', version: '0.3.0', supports: expect.objectContaining({ codex: true }) }) }) }),
    ]);
    expect(kimi.filter((object) => object.kind === 'plugin')).toEqual([]);
  });

  it('a resync lists skills and plugins through their resources’ selectors', async () => {
    sim.push(org, repo, { branch, files: { '.cursor/skills/deploy/SKILL.md': '---\nname: deploy\n---\nShip it.', '.codex-plugin/plugin.json': '{"name":"ship-bot"}' } });
    const listed = async (index: number) => {
      const objects = [];
      for await (const page of fetchResource(context, config.resources[index], config)) objects.push(...page);
      return objects;
    };

    expect((await listed(0)).map((object) => object['skill'])).toContainEqual(expect.objectContaining({ name: 'deploy', instructions: 'Ship it.' }));
    expect((await listed(1)).map((object) => object['plugin'])).toEqual([expect.objectContaining({ name: 'ship-bot', supports: expect.objectContaining({ codex: true, kimi: false }) })]);
  });

  it('a team change is enriched, per resource, with the team’s external group when include_external_group is set', async () => {
    const [object] = await objectsAfter('team', () => sim.createTeam(org, { name: 'Card Issuing' }));
    linkExternalGroup(sim.state, org, 'card-issuing', { group_id: 7, group_name: 'okta-cards', updated_at: '2026-01-01T00:00:00Z' });

    const enriched = object.current && object.enrich ? await object.enrich(object.current, config.resources[2]) : undefined;

    expect(enriched).toMatchObject({ slug: 'card-issuing', __external_group: { group_name: 'okta-cards' } });
  });
});
