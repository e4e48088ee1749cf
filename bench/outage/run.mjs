#!/usr/bin/env node
// bench/outage: a long catalog outage under the publisher, each in its own process as in production (built,
// `node dist/glint catalog` and `node dist/glint publisher`, production timings: nothing is tuned), on a private
// redis-server and a fresh database on the machine's Postgres.
//
// The embedded catalog is killed (SIGKILL: connections refused from then on) for --outage-seconds (default 600, ten
// minutes). Meanwhile pull request changes arrive as publish jobs the way the mapper queues them, one change per job,
// one every --every-ms (default 2000): --pull-requests pull requests (default 100) opened, then retitled in turn, so
// the catalog must end with each one's newest title. Then the catalog is started again on the same port and database.
//
// Printed: changes sent, pull requests in the catalog with their newest title after recovery, jobs in any queue's
// failed set, dead letters, the time from the catalog answering again until the publish queue drained and every
// change was in the catalog, the publisher's outage log lines (context `catalog`) and its outage metrics.
//
//   node bench/outage/run.mjs [--outage-seconds 600] [--every-ms 2000] [--pull-requests 100]
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, index, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[index + 1]]] : pairs), []),
);
const OUTAGE_SECONDS = Number(args['outage-seconds'] ?? 600);
const EVERY_MS = Number(args['every-ms'] ?? 2000);
const PULL_REQUESTS = Number(args['pull-requests'] ?? 100);
const BLUEPRINT = 'benchPullRequest';
const settings = { merge: true, createMissingRelatedEntities: true, deleteDependentEntities: true };

execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
const require = createRequire(join(root, 'dist/'));
const { PrivateRedisServer, createTemporaryDatabase, freePort, waitFor } = require('@glint/testing');
const { PublishProducer, QueueOverview } = require('@glint/queue');
const { loadConfig } = require('@glint/config');
const { Redis } = require('ioredis');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const elapsed = (from) => `${((performance.now() - from) / 1000).toFixed(1)} s`;

/** Starts `node dist/glint <name>`; keeps its JSON log lines of context `catalog` (the outage lines). */
function startService(name, env, catalogLines) {
  const child = spawn(process.execPath, [join(root, 'dist/glint'), name], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let pending = '';
  child.stdout.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!catalogLines || !line.includes('"context":"catalog"')) continue;
      try {
        const entry = JSON.parse(line);
        catalogLines.push({ level: entry.level, time: entry.time, msg: entry.msg });
      } catch {
        // not a log line
      }
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  child.on('exit', (code, signal) => {
    if (!child.stopping && signal !== 'SIGKILL') console.error(`${name} exited ${code ?? signal}: ${stderr}`);
  });
  return child;
}

async function healthy(url) {
  return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined))?.ok ? true : undefined;
}

async function metric(url, name) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

async function main() {
  const redis = await PrivateRedisServer.start();
  const database = await createTemporaryDatabase('bench_outage');
  const [catalogPort, publisherPort] = [await freePort(), await freePort()];
  const env = { REDIS_URL: redis.url, DATABASE_URL: database.url, HTTP_HOST: '127.0.0.1', CATALOG_HTTP_PORT: String(catalogPort), PUBLISHER_HTTP_PORT: String(publisherPort), LOG_LEVEL: 'info' };
  const catalogUrl = `http://127.0.0.1:${catalogPort}`;
  const publisherUrl = `http://127.0.0.1:${publisherPort}`;
  const catalogLines = [];

  let catalog = startService('catalog', env);
  await waitFor('the catalog', () => healthy(catalogUrl), 60_000);
  const publisher = startService('publisher', { ...env, PORT_URL: catalogUrl }, catalogLines);
  await waitFor('the publisher', () => healthy(publisherUrl), 60_000);

  const credentials = loadConfig({}, ['catalog']).catalog;
  const token = async () =>
    (await (await fetch(`${catalogUrl}/v1/auth/access_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: credentials.clientId, clientSecret: credentials.clientSecret.reveal() }) })).json()).accessToken;
  const created = await fetch(`${catalogUrl}/v1/blueprints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
    body: JSON.stringify({ identifier: BLUEPRINT, title: 'Bench pull request', schema: { properties: { revision: { type: 'number' } }, required: [] } }),
  });
  if (created.status !== 201) throw new Error(`creating the bench blueprint answered ${created.status}: ${await created.text()}`);

  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const producer = new PublishProducer(connection);
  const overview = new QueueOverview(connection, { partitions: 16 });
  /** The newest title of each pull request, as the catalog must hold it in the end. */
  const newest = new Map();
  let sent = 0;
  const send = async () => {
    const number = sent % PULL_REQUESTS;
    const revision = Math.floor(sent / PULL_REQUESTS);
    const title = `PR ${number} revision ${revision}`;
    sent += 1;
    newest.set(`acme/api/pr-${number}`, title);
    const entity = { identifier: `acme/api/pr-${number}`, blueprint: BLUEPRINT, title, properties: { revision } };
    await producer.publishChanges({ installationId: 'bench', origin: 'exporter', settings, changes: [{ type: 'upsert', entity, observedAt: new Date().toISOString() }] });
  };

  // One change before the outage, to see the path work and the publisher hold a token.
  await send();
  await waitFor('the first change in the catalog', async () => ((await overview.publishBacklog()).depth === 0 ? true : undefined), 60_000);

  console.log(`catalog down for ${OUTAGE_SECONDS} s; a pull request change every ${EVERY_MS} ms meanwhile (${PULL_REQUESTS} pull requests); production timings; load ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  const outageStarted = performance.now();
  catalog.kill('SIGKILL');
  let maxDepth = 0;
  let lastReport = outageStarted;
  while (performance.now() - outageStarted < OUTAGE_SECONDS * 1000) {
    await send();
    maxDepth = Math.max(maxDepth, (await overview.publishBacklog()).depth);
    if (performance.now() - lastReport >= 60_000) {
      lastReport = performance.now();
      const backlog = await overview.publishBacklog();
      console.log(
        `  ${elapsed(outageStarted)}: ${sent} changes sent, backlog ${backlog.depth}, failed sets ${[...(await overview.failedJobs()).values()].reduce((a, b) => a + b, 0)}, ` +
          `glint_catalog_available ${await metric(publisherUrl, 'glint_catalog_available')}, outage ${Math.round(await metric(publisherUrl, 'glint_catalog_outage_seconds'))} s, ` +
          `status ${backlog.catalog.state}`,
      );
    }
    await sleep(EVERY_MS);
  }
  const outageSeconds = (performance.now() - outageStarted) / 1000;
  const retriesDuringOutage = await metric(publisherUrl, 'glint_catalog_unavailable_retries_total');
  const outageMetric = await metric(publisherUrl, 'glint_catalog_outage_seconds');

  catalog = startService('catalog', env);
  await waitFor('the catalog to answer again', () => healthy(catalogUrl), 120_000);
  const back = performance.now();
  const catalogHasEveryChange = async () => {
    const answer = await fetch(`${catalogUrl}/v1/entities/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: JSON.stringify({ combinator: 'and', rules: [{ property: '$blueprint', operator: '=', value: BLUEPRINT }] }),
    });
    const { entities } = await answer.json();
    const titles = new Map(entities.map((entity) => [entity.identifier, entity.title]));
    return [...newest].filter(([identifier, title]) => titles.get(identifier) === title).length;
  };
  let current = 0;
  await waitFor(
    'the publish queue to drain and every change to be in the catalog',
    async () => {
      if ((await overview.publishBacklog()).depth > 0) return undefined;
      current = await catalogHasEveryChange();
      return current === newest.size ? true : undefined;
    },
    900_000,
  ).catch((error) => console.log(`  ${error.message}`));
  const drainSeconds = (performance.now() - back) / 1000;
  await sleep(1_000);

  const failedSets = [...(await overview.failedJobs())].filter(([, count]) => count > 0);
  const deadLetters = await overview.deadLetterCounts();
  console.log(`changes sent: ${sent} (1 before the outage, ${sent - 1} during it), to ${newest.size} pull requests`);
  console.log(`pull requests in the catalog with their newest change after recovery: ${current} of ${newest.size}`);
  console.log(`jobs in failed sets: ${failedSets.reduce((sum, [, count]) => sum + count, 0)}${failedSets.length ? ` (${failedSets.map(([queue, count]) => `${queue} ${count}`).join(', ')})` : ''}; dead letters: events ${deadLetters.events}, publish ${deadLetters.publish}, jobs ${deadLetters.jobs}`);
  console.log(`outage: ${outageSeconds.toFixed(0)} s; publish backlog at most ${maxDepth} jobs; glint_catalog_outage_seconds at its end ${Math.round(outageMetric)}; tries that found the catalog unavailable ${retriesDuringOutage}`);
  console.log(`time to drain: ${drainSeconds.toFixed(1)} s from the catalog answering again to every change in it`);
  console.log(`after: glint_catalog_available ${await metric(publisherUrl, 'glint_catalog_available')}, status ${(await overview.publishBacklog()).catalog.state}`);
  console.log(`publisher log lines of context catalog (${catalogLines.length}):`);
  for (const line of catalogLines) console.log(`  ${line.time} ${line.level} ${line.msg.length > 220 ? `${line.msg.slice(0, 220)}…` : line.msg}`);

  await overview.close();
  await producer.close();
  connection.disconnect();
  for (const child of [publisher, catalog]) {
    child.stopping = true;
    child.kill('SIGTERM');
  }
  await sleep(1_500);
  await database.drop();
  await redis.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
