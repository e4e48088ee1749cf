#!/usr/bin/env node
// bench/publish: the publisher writing to the embedded catalog, each in its own process as in production.
//
// Publishes N entities (default 100,000, ~1 KB each) through the publish queue in jobs of 100, as a resync's pages
// arrive, then the same entities again unchanged. Prints per pass: wall time, entities/s, catalog API calls (token
// requests excluded) and entities per call; and the peak RSS of the publisher and the catalog processes.
//
//   node bench/publish/run.mjs [--entities 100000] [--per-job 100]
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, index, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[index + 1]]] : pairs), []),
);
const ENTITIES = Number(args.entities ?? 100_000);
const PER_JOB = Number(args['per-job'] ?? 100);
const BLUEPRINT = 'benchService';

execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
const require = createRequire(join(root, 'dist/'));
const { PrivateRedisServer, createTemporaryDatabase, freePort, waitFor } = require('@glint/testing');
const { PublishProducer } = require('@glint/queue');
const { Redis } = require('ioredis');

function startService(name, env) {
  const child = spawn(process.execPath, ['--max-semi-space-size=16', join(root, 'dist/glint'), name], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  child.on('exit', (code) => {
    if (code && code !== 0 && !child.stopping) console.error(`${name} exited ${code}: ${stderr}`);
  });
  return child;
}

const peakRssMb = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
};

async function metricSum(url, pattern) {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (pattern.test(line)) sum += Number(line.split(' ').pop());
  return sum;
}

function entity(n) {
  return {
    identifier: `service-${n}`,
    blueprint: BLUEPRINT,
    title: `Service ${n}`,
    properties: {
      url: `https://github.example.com/org/service-${n}`,
      language: ['TypeScript', 'Go', 'Java', 'Python'][n % 4],
      stars: n % 977,
      description: `Service number ${n}. `.repeat(40).slice(0, 700),
    },
    relations: { dependsOn: [`service-${(n * 7) % ENTITIES}`] },
  };
}

async function main() {
  const redis = await PrivateRedisServer.start();
  const database = await createTemporaryDatabase('bench_publish');
  const [catalogPort, publisherPort] = [await freePort(), await freePort()];
  const env = { REDIS_URL: redis.url, DATABASE_URL: database.url, HTTP_HOST: '127.0.0.1', CATALOG_HTTP_PORT: String(catalogPort), PUBLISHER_HTTP_PORT: String(publisherPort), LOG_LEVEL: 'warn' };
  const catalogUrl = `http://127.0.0.1:${catalogPort}`;
  const publisherUrl = `http://127.0.0.1:${publisherPort}`;
  const catalog = startService('catalog', env);
  await waitFor('the catalog', async () => ((await fetch(`${catalogUrl}/health`).catch(() => undefined))?.ok ? true : undefined), 60_000);
  const publisher = startService('publisher', { ...env, PORT_URL: catalogUrl });
  await waitFor('the publisher', async () => ((await fetch(`${publisherUrl}/health`).catch(() => undefined))?.ok ? true : undefined), 60_000);

  const { loadConfig } = require('@glint/config');
  const credentials = loadConfig({}, ['catalog']).catalog;
  const token = (await (await fetch(`${catalogUrl}/v1/auth/access_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: credentials.clientId, clientSecret: credentials.clientSecret.reveal() }) })).json()).accessToken;
  const created = await fetch(`${catalogUrl}/v1/blueprints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      identifier: BLUEPRINT,
      title: 'Bench service',
      schema: { properties: { url: { type: 'string', format: 'url' }, language: { type: 'string' }, stars: { type: 'number' }, description: { type: 'string' } }, required: [] },
      relations: { dependsOn: { target: BLUEPRINT, many: true, required: false } },
    }),
  });
  if (created.status !== 201) throw new Error(`creating the bench blueprint answered ${created.status}: ${await created.text()}`);

  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const producer = new PublishProducer(connection);
  const settings = { merge: true, createMissingRelatedEntities: true, deleteDependentEntities: true };
  const rows = [];
  for (const pass of ['first', 'second (unchanged)']) {
    const callsBefore = await metricSum(publisherUrl, /^glint_catalog_answers_total\{route="(?!POST \/v1\/auth)/);
    const started = performance.now();
    const observedAt = new Date().toISOString();
    for (let start = 0; start < ENTITIES; start += PER_JOB) {
      const changes = [];
      for (let n = start; n < Math.min(ENTITIES, start + PER_JOB); n += 1) changes.push({ type: 'upsert', entity: entity(n), observedAt });
      await producer.publishChanges({ installationId: 'bench', origin: 'exporter', settings, changes });
    }
    await waitFor(
      'the publish queue to drain',
      async () => {
        const counts = await producer.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((count) => count === 0) ? true : undefined;
      },
      3_600_000,
    );
    const seconds = (performance.now() - started) / 1000;
    const calls = (await metricSum(publisherUrl, /^glint_catalog_answers_total\{route="(?!POST \/v1\/auth)/)) - callsBefore;
    const failed = await producer.queue.getJobCountByTypes('failed');
    rows.push({ pass, seconds, calls, failed });
    console.log(
      `${pass.padEnd(20)} ${ENTITIES} entities in ${seconds.toFixed(1)} s = ${Math.round(ENTITIES / seconds)} entities/s; ` +
        `${calls} catalog calls${calls ? ` (${(ENTITIES / calls).toFixed(1)} entities per call)` : ''}; failed jobs ${failed}`,
    );
  }
  const count = await (await fetch(`${catalogUrl}/v1/blueprints/${BLUEPRINT}/entities-count`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined))?.json().catch(() => undefined);
  console.log(`catalog holds ${count?.count ?? '?'} ${BLUEPRINT} entities`);
  console.log(`peak RSS: publisher ${peakRssMb(publisher.pid).toFixed(0)} MB, catalog ${peakRssMb(catalog.pid).toFixed(0)} MB`);

  await producer.close();
  connection.disconnect();
  for (const child of [publisher, catalog]) {
    child.stopping = true;
    child.kill('SIGTERM');
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await database.drop();
  await redis.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
