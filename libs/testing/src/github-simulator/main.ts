import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GithubSimulator } from './simulator';

/**
 * `npm run github-sim`: the simulator on its own, for trying Glint by hand. Settings come from the environment:
 * GITHUB_SIM_PORT (3010), GITHUB_SIM_SEED (1), GITHUB_SIM_ORGS (1), GITHUB_SIM_REPOS (5), and GITHUB_SIM_WEBHOOK_URL
 * with GITHUB_SIM_WEBHOOK_SECRET for the App's webhook (e.g. the gateway's `/webhook`). The App's private key
 * is written to .infra/github-sim/app.pem so `PRIVATE_KEY` can point at it.
 */
async function main(): Promise<void> {
  const numberFrom = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${process.env[name]}`);
    return value;
  };
  const simulator = await GithubSimulator.start({
    port: numberFrom('GITHUB_SIM_PORT', 3010),
    seed: numberFrom('GITHUB_SIM_SEED', 1),
    organizations: numberFrom('GITHUB_SIM_ORGS', 1),
    reposPerOrg: numberFrom('GITHUB_SIM_REPOS', 5),
    webhook: process.env.GITHUB_SIM_WEBHOOK_URL ? { url: process.env.GITHUB_SIM_WEBHOOK_URL, secret: process.env.GITHUB_SIM_WEBHOOK_SECRET ?? '' } : undefined,
  });
  const directory = join(process.cwd(), '.infra', 'github-sim');
  mkdirSync(directory, { recursive: true });
  const keyPath = join(directory, 'app.pem');
  writeFileSync(keyPath, simulator.appPrivateKeyPem, { mode: 0o600 });
  const host = new URL(simulator.url).host;
  process.stdout.write(
    [
      `GitHub simulator on ${simulator.apiUrl}`,
      `  organizations: ${simulator.installations().map((installation) => `${installation.account.login} (installation ${installation.id})`).join(', ')}`,
      `  as a GitHub App:  APP_ID=${simulator.appId} PRIVATE_KEY="$(cat ${keyPath})" GHE_HOST=${host} GHE_PROTOCOL=http`,
      `  as a PAT:         GITHUB_TOKEN=${simulator.createPersonalAccessToken()} GHE_HOST=${host} GHE_PROTOCOL=http`,
      `  webhooks:         ${process.env.GITHUB_SIM_WEBHOOK_URL ?? 'none (set GITHUB_SIM_WEBHOOK_URL and GITHUB_SIM_WEBHOOK_SECRET)'}`,
      `  mutations:        curl -X POST ${simulator.url}/_simulator/mutations/openPullRequest -d '{"args":["${simulator.installations()[0]?.account.login ?? 'acme'}","<repo>",{"title":"Hi"}]}'`,
      '',
    ].join('\n'),
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void simulator.close().then(() => process.exit(0)));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`github-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
