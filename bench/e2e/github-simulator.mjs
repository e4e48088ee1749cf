// bench/e2e's GitHub: the simulator in a process of its own, forked by run.mjs, which drives it over IPC. Its CPU and
// memory stay apart from the services measured, and its event loop (webhook deliveries, API answers) from the bench's.
//
// Started with one JSON argument: { reposPerOrg, pullRequestsPerRepo, seed, webhookConcurrency, limits, latencyMs,
// latencyJitterMs } (limits: 'ghes', rate limits off, or 'github.com', GitHub.com's primary and secondary limits with
// the installation's limit from its repository and member count). Requests arrive as
// { id, type, ...arguments } and are answered { id, result } or { id, error }; while a load runs, the process also
// sends { type: 'mutations', items } and { type: 'deliveries', items } in batches.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'dist/'));
const { GithubSimulator } = require('@glint/testing');
const { defaultMappingYaml } = require('@glint/mapping');

/** Every title the load writes; the catalog-side trigger and the delivery listener read the sequence number from it. */
const MARKER = /^e2e (\d+)$/;
const CONFIG_REPOSITORY = '.github-private';

const options = JSON.parse(process.argv[2] ?? '{}');
const now = () => performance.timeOrigin + performance.now();

const simulator = await GithubSimulator.start({
  seed: options.seed ?? 42,
  organizations: 1,
  reposPerOrg: options.reposPerOrg,
  pullRequestsPerRepo: options.pullRequestsPerRepo,
  issuesPerRepo: 1,
  limits: options.limits ?? 'ghes',
  latencyMs: options.latencyMs ?? 0,
  latencyJitterMs: options.latencyJitterMs ?? 0,
  deliveryLogLimit: 1_000,
  // GitHub delivers concurrently; one at a time would cap the rate at what one round trip to the gateway allows.
  webhookConcurrency: options.webhookConcurrency ?? 32,
});
const org = simulator.installations()[0].account.login;
simulator.push(org, CONFIG_REPOSITORY, { branch: 'main', files: { '.github/port-app-config.yml': defaultMappingYaml() } });

let sequence = 0;
let webhooksEmitted = 0;
let webhooksAnswered = 0;
let outbox = { mutations: [], deliveries: [] };

simulator.onDelivery((record) => {
  webhooksAnswered += 1;
  const match = MARKER.exec(String(record.request.payload.pull_request?.title ?? ''));
  if (match) outbox.deliveries.push({ seq: Number(match[1]), startedAt: record.startedAtMs, status: record.statusCode, ms: record.duration * 1000 });
});

const flush = () => {
  if (outbox.mutations.length > 0) process.send({ type: 'mutations', items: outbox.mutations });
  if (outbox.deliveries.length > 0) process.send({ type: 'deliveries', items: outbox.deliveries });
  outbox = { mutations: [], deliveries: [] };
};
setInterval(flush, 100).unref();

/** The open pull requests of live repositories, each edited in turn, so one entity is rarely edited twice in a row. */
function editablePulls() {
  const pulls = [];
  for (const repo of simulator.state.organization(org).repos) {
    if (repo.archived || repo.name === CONFIG_REPOSITORY) continue;
    for (const pull of simulator.state.repoData(repo).pulls) if (pull.state === 'open') pulls.push({ repo: repo.name, number: pull.number, identifier: `${repo.name}${pull.id}` });
  }
  return pulls;
}

/**
 * Mutations at a fixed rate for `seconds`: pull request title edits, and every `openEvery`-th one a new pull request
 * (an insert instead of an update), each titled `e2e <sequence>`.
 */
async function load({ rate, seconds, openEvery }) {
  const rotation = editablePulls();
  if (rotation.length === 0) throw new Error('no open pull request to edit');
  const total = Math.round(rate * seconds);
  const first = sequence + 1;
  const started = now();
  let sent = 0;
  let maxLagMs = 0;
  while (sent < total) {
    const elapsed = now() - started;
    const due = Math.min(total, Math.floor((elapsed / 1000) * rate) + 1);
    if (due > sent) maxLagMs = Math.max(maxLagMs, elapsed - ((due - 1) / rate) * 1000);
    while (sent < due) {
      sequence += 1;
      const title = `e2e ${sequence}`;
      const mutatedAt = now();
      if (openEvery > 0 && sequence % openEvery === 0) {
        const target = rotation[sequence % rotation.length];
        const pull = simulator.openPullRequest(org, target.repo, { title, head: `e2e-${sequence}` });
        outbox.mutations.push({ seq: sequence, identifier: `${target.repo}${pull.id}`, mutatedAt, kind: 'opened' });
      } else {
        const target = rotation[sequence % rotation.length];
        simulator.editPullRequest(org, target.repo, target.number, { title });
        outbox.mutations.push({ seq: sequence, identifier: target.identifier, mutatedAt, kind: 'edited' });
      }
      webhooksEmitted += 1;
      sent += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  flush();
  return { first, last: sequence, sent, seconds: (now() - started) / 1000, rotation: rotation.length, maxLagMs };
}

/** What the catalog must hold after a resync with the shipped mapping, from the simulator's own records. */
function expected() {
  const repositories = [];
  const placeholders = [];
  const pullRequests = [];
  let generatedPullRequests = 0;
  for (const repo of simulator.state.reposById.values()) {
    if (repo.ownerLogin !== org) continue;
    if (!repo.archived) repositories.push(repo.name);
    for (const pull of simulator.state.repoData(repo).pulls) {
      generatedPullRequests += 1;
      if (pull.state !== 'open') continue;
      pullRequests.push(`${repo.name}${pull.id}`);
      // An archived repository is not catalogued, but its open pull requests relate to it: a bare entity may exist.
      if (repo.archived) placeholders.push(repo.name);
    }
  }
  return { organizations: [org], repositories, placeholders: [...new Set(placeholders)], pullRequests, generatedPullRequests };
}

const handlers = {
  info: () => ({
    appId: simulator.appId,
    privateKeyPem: simulator.appPrivateKeyPem,
    url: simulator.url,
    org,
    installationRateLimit: simulator.installationRateLimit(simulator.installations()[0].id) ?? null,
  }),
  configureWebhook: ({ url, secret }) => simulator.configureWebhook({ url, secret }),
  stats: () => simulator.stats(),
  resetStats: () => simulator.resetStats(),
  webhooks: () => ({ emitted: webhooksEmitted, answered: webhooksAnswered }),
  expected,
  load,
};

process.on('message', async ({ id, type, ...args }) => {
  try {
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request ${type}`);
    process.send({ id, result: (await handler(args)) ?? null });
  } catch (error) {
    process.send({ id, error: error instanceof Error ? error.stack : String(error) });
  }
});
process.on('disconnect', () => simulator.close().finally(() => process.exit(0)));
process.send({ type: 'ready' });
