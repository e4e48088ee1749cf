import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '@glint/config';
import { createGithubAccess, GithubAccess } from '@glint/github';
import { JqEngine, MappingConfigSource } from '@glint/mapping';
import type { WebhookEvent } from '@glint/queue';
import { GithubSimulator, ReceivedWebhook, testServices, waitFor, WebhookReceiver } from '@glint/testing';
import { CHECK_RUN_NAME, ConfigCheckQueue, ConfigCheckRunner } from './index';

const VALID_MAPPING = "resources:\n  - kind: repository\n    selector:\n      query: 'true'\n    port:\n      entity:\n        mappings:\n          identifier: .name\n          blueprint: '\"githubRepository\"'\n";

describe('ConfigCheckQueue with the real Redis and the GitHub simulator', () => {
  const org = 'acme';
  let sim: GithubSimulator;
  let receiver: WebhookReceiver;
  let access: GithubAccess;
  let installationId: number;
  let jq: JqEngine;
  let sut: ConfigCheckQueue;
  const connections: Redis[] = [];
  let repoCount = 0;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    sim = await GithubSimulator.start({ seed: 23, reposPerOrg: 1, latencyMs: 20, webhook: { url: receiver.url, secret: receiver.secret } });
    const config = loadConfig({ APP_ID: String(sim.appId), PRIVATE_KEY: Buffer.from(sim.appPrivateKeyPem).toString('base64'), GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    access = createGithubAccess(config.github, { clock: { now: () => sim.now() } });
    [{ id: installationId }] = await access.installations();
    jq = new JqEngine({ workers: 1 });
    const runner = new ConfigCheckRunner({ jq, mappings: new MappingConfigSource(jq), blueprints: { missingBlueprints: async () => [] }, logger: { log: () => undefined, warn: () => undefined } });
    const prefix = `glint-test-${randomUUID()}`;
    sut = new ConfigCheckQueue({
      runner,
      access,
      prefix,
      connection: () => {
        const connection = new Redis(testServices.redisUrl, { maxRetriesPerRequest: null });
        connections.push(connection);
        return connection;
      },
    });
    sut.onApplicationBootstrap();
  });

  afterAll(async () => {
    await sut?.beforeApplicationShutdown();
    await sut?.onApplicationShutdown();
    await sim?.webhooksIdle();
    await sim?.close();
    await receiver?.close();
    await jq?.close();
  });

  /** Opens a pull request changing `files` in a fresh repository, and answers its `pull_request` delivery as the mapper gets it. */
  const openPullRequest = async (files: Record<string, string>): Promise<{ repo: string; event: WebhookEvent }> => {
    const repo = sim.createRepository(org, { name: `queued-check-${++repoCount}` }).name;
    const pull = sim.openPullRequest(org, repo, { files });
    await sim.webhooksIdle();
    const hook = receiver.received.find((candidate) => candidate.event === 'pull_request' && (candidate.payload.pull_request as { id: number }).id === pull.id);
    if (!hook) throw new Error('the pull_request webhook was not delivered');
    return { repo, event: { deliveryId: hook.guid, event: 'pull_request', groupKey: `pr-${pull.id}`, partition: 0, receivedAt: new Date().toISOString(), payload: hook.payload } };
  };

  const checkRunHooks = (repo: string, action: string): ReceivedWebhook[] =>
    receiver.received.filter((hook) => hook.event === 'check_run' && hook.action === action && (hook.payload.repository as { name: string }).name === repo);

  it('runs a queued check: a completed check run on the pull request that changes the mapping', async () => {
    const { repo, event } = await openPullRequest({ '.github/port-app-config.yml': VALID_MAPPING });

    await sut.request(event, installationId);

    const [completed] = await waitFor('the check run completed', async () => {
      await sim.webhooksIdle();
      const hooks = checkRunHooks(repo, 'completed');
      return hooks.length > 0 ? hooks : undefined;
    });
    expect(completed?.payload.check_run).toMatchObject({ name: CHECK_RUN_NAME, conclusion: 'success' });
  });

  it('runs one check for a delivery requested twice (a redelivered or retried event)', async () => {
    const { repo, event } = await openPullRequest({ '.github/port-app-config.yml': VALID_MAPPING });

    await sut.request(event, installationId);
    await sut.request(event, installationId);

    await waitFor('the check run completed', async () => {
      await sim.webhooksIdle();
      return checkRunHooks(repo, 'completed').length > 0 || undefined;
    });
    const { repo: laterRepo, event: later } = await openPullRequest({ '.github/port-app-config.yml': VALID_MAPPING });
    await sut.request(later, installationId);
    await waitFor('a later check completed', async () => {
      await sim.webhooksIdle();
      return checkRunHooks(laterRepo, 'completed').length > 0 || undefined;
    });
    expect(checkRunHooks(repo, 'created')).toHaveLength(1);
  });

  it('queues nothing for an action that does not change the files', async () => {
    const { repo, event } = await openPullRequest({ '.github/port-app-config.yml': VALID_MAPPING });

    await sut.request({ ...event, deliveryId: randomUUID(), payload: { ...event.payload, action: 'edited' } }, installationId);
    const { repo: laterRepo, event: later } = await openPullRequest({ '.github/port-app-config.yml': VALID_MAPPING });
    await sut.request(later, installationId);
    await waitFor('the later check completed', async () => {
      await sim.webhooksIdle();
      return checkRunHooks(laterRepo, 'completed').length > 0 || undefined;
    });

    expect(checkRunHooks(repo, 'created')).toEqual([]);
  });
});
