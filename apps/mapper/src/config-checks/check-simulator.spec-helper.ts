import { loadConfig } from '@glint/config';
import { createGithubAccess, GithubRestClient, WebhookPayload } from '@glint/github';
import { GithubSimulator, SimulatorOptions, WebhookReceiver } from '@glint/testing';

/**
 * For the integration tests of pull-request checks: the GitHub simulator delivering its webhooks to a receiver, and
 * its first App installation's client (on the simulator's clock).
 */
export async function startCheckSimulator(options: SimulatorOptions): Promise<{ sim: GithubSimulator; receiver: WebhookReceiver; client: GithubRestClient }> {
  const receiver = await WebhookReceiver.start();
  const sim = await GithubSimulator.start({ ...options, webhook: { url: receiver.url, secret: receiver.secret } });
  const config = loadConfig({ APP_ID: String(sim.appId), PRIVATE_KEY: Buffer.from(sim.appPrivateKeyPem).toString('base64'), GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
  const access = createGithubAccess(config.github, { clock: { now: () => sim.now() } });
  const [installation] = await access.installations();
  return { sim, receiver, client: access.clientFor(installation.id) };
}

/** Opens a pull request changing `files` and answers the `pull_request` opened payload GitHub delivered. */
export async function openPullRequest(sim: GithubSimulator, receiver: WebhookReceiver, org: string, repo: string, files: Record<string, string | null>): Promise<WebhookPayload> {
  const pull = sim.openPullRequest(org, repo, { files });
  await sim.webhooksIdle();
  const delivered = receiver.received.find((hook) => hook.event === 'pull_request' && hook.action === 'opened' && (hook.payload.pull_request as { id: number }).id === pull.id);
  if (!delivered) throw new Error('the pull_request webhook was not delivered');
  return delivered.payload;
}
