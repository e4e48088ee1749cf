#!/usr/bin/env node
// `npm start`: the whole product on one machine. Brings the local infrastructure up (Redis, Postgres,
// Kafka), builds, and runs all five services in one Node process against the embedded catalog.
//
// Without GitHub credentials (APP_ID or GITHUB_TOKEN) it also runs the GitHub simulator as the GitHub to sync: a
// small generated organization with the shipped mapping in its .github-private repository, its App webhook
// pointed at the gateway, and a change every few seconds, so the catalog UI fills up and then changes live.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });

run('bash', ['scripts/infra.sh', 'up']);
run(process.execPath, ['scripts/build.mjs']);

const env = { ...process.env };
if (!env.WEBHOOK_SECRET) {
  env.WEBHOOK_SECRET = 'glint-local-development-secret';
  console.warn('start: WEBHOOK_SECRET is not set; using the local development secret "glint-local-development-secret"');
}
env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/glint';

const demo = !env.APP_ID && !env.GITHUB_TOKEN && env.GLINT_SIMULATOR !== 'off' ? await startSimulator(env) : undefined;

const child = spawn(process.execPath, ['--max-semi-space-size=16', '--enable-source-maps', 'dist/glint', ...(process.argv.slice(2).length ? process.argv.slice(2) : ['all'])], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', async (code, signal) => {
  await demo?.stop();
  process.exit(code ?? (signal ? 1 : 0));
});
if (demo) await demo.connect();

/** The GitHub simulator as the GitHub to sync, with the shipped mapping and a change every few seconds. */
async function startSimulator(env) {
  const require = createRequire(join(root, 'dist/'));
  const { GithubSimulator, waitFor } = require('@glint/testing');
  const { defaultMappingYaml } = require('@glint/mapping');
  const simulator = await GithubSimulator.start({ port: Number(env.GITHUB_SIM_PORT ?? 3010), seed: 1, organizations: 1, reposPerOrg: 8, pullRequestsPerRepo: 3, issuesPerRepo: 2 });
  const org = simulator.installations()[0].account.login;
  simulator.push(org, '.github-private', { branch: 'main', files: { '.github/port-app-config.yml': defaultMappingYaml() } });
  Object.assign(env, { APP_ID: String(simulator.appId), PRIVATE_KEY: simulator.appPrivateKeyPem, GHE_HOST: new URL(simulator.url).host, GHE_PROTOCOL: 'http' });
  console.warn(`start: no APP_ID or GITHUB_TOKEN; syncing the GitHub simulator at ${simulator.apiUrl} (organization ${org}), which changes something every 3 s (GLINT_SIMULATOR=off to run without it)`);

  let ticker;
  let step = 0;
  const gateway = `http://127.0.0.1:${env.PORT ?? 3000}`;
  return {
    async connect() {
      await waitFor('the gateway', async () => ((await fetch(`${gateway}/health`).catch(() => undefined))?.ok ? true : undefined), 120_000);
      simulator.configureWebhook({ url: `${gateway}/webhook`, secret: env.WEBHOOK_SECRET });
      console.warn(`start: the simulator now sends its webhooks to ${gateway}/webhook; browse the catalog at http://127.0.0.1:${env.CATALOG_HTTP_PORT ?? 3004}/`);
      ticker = setInterval(() => {
        try {
          mutate(simulator, org, (step += 1));
        } catch (error) {
          console.warn(`start: simulator change ${step} skipped: ${error instanceof Error ? error.message : String(error)}`);
        }
      }, 3_000);
    },
    async stop() {
      clearInterval(ticker);
      await simulator.close();
    },
  };
}

function mutate(simulator, org, step) {
  const repos = [...simulator.state.reposById.values()].filter((repo) => repo.ownerLogin === org && !repo.archived && repo.name !== '.github-private');
  const repo = repos[step % repos.length];
  const open = simulator.state.repoData(repo).pulls.filter((pull) => pull.state === 'open');
  switch (step % 6) {
    case 0:
      simulator.openPullRequest(org, repo.name, { title: `Change ${step}`, head: `change-${step}`, files: { [`changes/${step}.md`]: `change ${step}\n` } });
      break;
    case 1:
      if (open[0]) simulator.editPullRequest(org, repo.name, open[0].number, { title: `${open[0].title.replace(/ \(edited.*\)$/, '')} (edited at step ${step})` });
      break;
    case 2:
      if (open[0]) simulator.mergePullRequest(org, repo.name, open[0].number);
      break;
    case 3:
      simulator.openIssue(org, repo.name, { title: `Issue ${step}` });
      break;
    case 4:
      if (step % 24 === 4) simulator.createRepository(org, { name: `new-service-${step}` });
      else simulator.push(org, repo.name, { branch: repo.defaultBranch, files: { [`notes/${step}.md`]: `note ${step}\n` } });
      break;
    default:
      if (open[1]) simulator.closePullRequest(org, repo.name, open[1].number);
  }
}
