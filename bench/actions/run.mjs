#!/usr/bin/env node
// bench/actions: self-service action runs from Kafka to GitHub workflow dispatches.
//
// Creates N runs in the embedded catalog (its own process), produces their run messages to a fresh
// `<org>.runs` topic on the real Kafka broker (all at once, or at --rate per second), and lets the actions service
// (its own process, as in production) dispatch them on the GitHub simulator (in this process, rate limits off).
// Prints the produce-to-dispatch latency (Kafka message timestamp → GitHub accepted the dispatch, from the
// action_runs table) at p50/p99/max, and runs/s from the first message produced to the last run dispatched.
//
//   node bench/actions/run.mjs [--runs 1000] [--partitions 4] [--repos 8] [--rate 0]
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, index, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[index + 1]]] : pairs), []),
);
const RUNS = Number(args.runs ?? 1_000);
const PARTITIONS = Number(args.partitions ?? 4);
const REPOS = Number(args.repos ?? 8);
const RATE = Number(args.rate ?? 0);
const ORG = 'acme';

execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
const require = createRequire(join(root, 'dist/'));
const { GithubSimulator, PrivateRedisServer, createTemporaryDatabase, freePort, testServices, waitFor } = require('@glint/testing');
const { loadConfig } = require('@glint/config');
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const { Client } = require('pg');

function startService(name, env) {
  const child = spawn(process.execPath, [join(root, 'dist/glint'), name], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  child.on('exit', (code) => {
    if (code && code !== 0 && !child.stopping) console.error(`${name} exited ${code}: ${stderr}`);
  });
  return child;
}

const healthy = (url) => waitFor(`${url}/health`, async () => ((await fetch(`${url}/health`).catch(() => undefined))?.ok ? true : undefined), 60_000);
const peakRssMb = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

async function main() {
  const sim = await GithubSimulator.start({ seed: 3, reposPerOrg: REPOS, runStepMs: 200, rateLimit: { limit: 10_000_000, windowSeconds: 3600 } });
  const repos = sim.state.organization(ORG).repos.filter((repo) => repo.name !== '.github-private').map((repo) => repo.name);
  const redis = await PrivateRedisServer.start();
  const database = await createTemporaryDatabase('bench_actions');
  const orgId = `bench-${randomUUID().slice(0, 8)}`;
  const topic = `${orgId}.runs`;
  const [catalogPort, actionsPort] = [await freePort(), await freePort()];
  const catalogUrl = `http://127.0.0.1:${catalogPort}`;
  const actionsUrl = `http://127.0.0.1:${actionsPort}`;
  const env = {
    REDIS_URL: redis.url,
    DATABASE_URL: database.url,
    HTTP_HOST: '127.0.0.1',
    CATALOG_HTTP_PORT: String(catalogPort),
    ACTIONS_HTTP_PORT: String(actionsPort),
    KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
    LOG_LEVEL: 'warn',
  };

  const kafka = new Kafka({ clientId: 'bench-actions', brokers: testServices.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });

  const catalog = startService('catalog', env);
  await healthy(catalogUrl);
  const credentials = loadConfig({}, ['catalog']).catalog;
  const { accessToken } = await (
    await fetch(`${catalogUrl}/v1/auth/access_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: credentials.clientId, clientSecret: credentials.clientSecret.reveal() }) })
  ).json();
  const runIds = [];
  for (let start = 0; start < RUNS; start += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, RUNS - start) }, async () => {
        const answer = await fetch(`${catalogUrl}/v1/actions/deploy/runs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` }, body: JSON.stringify({ properties: { env: 'staging' } }) });
        return (await answer.json()).run.id;
      }),
    );
    runIds.push(...batch);
  }

  const actions = startService('actions', {
    ...env,
    PORT_URL: catalogUrl,
    PORT_ORG_ID: orgId,
    APP_ID: String(sim.appId),
    PRIVATE_KEY: sim.appPrivateKeyPem,
    GHE_HOST: new URL(sim.url).host,
    GHE_PROTOCOL: 'http',
  });
  await healthy(actionsUrl);
  await waitFor('the actions consumer to join its group', async () => {
    const { groups } = await admin.describeGroups([`${orgId}.glint-actions`]);
    return groups[0]?.state === 'Stable' && groups[0].members.length > 0 ? true : undefined;
  }, 60_000);

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const message = (runId, index) => ({
    action: 'deploy',
    resourceType: 'run',
    status: 'TRIGGERED',
    trigger: { by: { orgId, userId: 'bench@clients' }, at: new Date().toISOString(), origin: 'API' },
    context: { entity: null, blueprint: 'service', runId },
    payload: { entity: null, action: { identifier: 'deploy', invocationMethod: { type: 'GITHUB', org: ORG, repo: repos[index % repos.length], workflow: 'ci.yml' } }, properties: { env: 'staging' } },
  });
  const started = Date.now();
  const batchSize = RATE > 0 ? Math.max(1, Math.round(RATE / 10)) : 100;
  for (let start = 0; start < RUNS; start += batchSize) {
    const messages = runIds.slice(start, start + batchSize).map((runId, offset) => ({ key: runId, value: JSON.stringify(message(runId, start + offset)) }));
    await producer.send({ topic, messages });
    if (RATE > 0) {
      const due = started + ((start + messages.length) / RATE) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
  }
  const producedIn = (Date.now() - started) / 1000;

  const db = new Client({ connectionString: database.url });
  await db.connect();
  await waitFor(
    'every run to be dispatched or failed',
    async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS done FROM action_runs WHERE dispatched_at IS NOT NULL OR state = 'finished'`);
      return rows[0].done >= RUNS ? true : undefined;
    },
    3_600_000,
  );
  const { rows } = await db.query(
    `SELECT extract(epoch FROM dispatched_at - produced_at) * 1000 AS latency_ms, extract(epoch FROM produced_at) * 1000 AS produced_ms, extract(epoch FROM dispatched_at) * 1000 AS dispatched_ms
       FROM action_runs WHERE dispatched_at IS NOT NULL`,
  );
  const { rows: failures } = await db.query(`SELECT count(*)::int AS failed FROM action_runs WHERE result = 'FAILURE'`);
  const latencies = rows.map((row) => Number(row.latency_ms)).sort((a, b) => a - b);
  const first = Math.min(...rows.map((row) => Number(row.produced_ms)));
  const last = Math.max(...rows.map((row) => Number(row.dispatched_ms)));
  const dispatches = repos.reduce((sum, name) => sum + sim.state.repoData(sim.state.repo(ORG, name)).runs.filter((run) => run.inputs?.port_payload).length, 0);

  console.log(`\nbench/actions: ${RUNS} runs on ${PARTITIONS} partitions, ${repos.length} repositories, produced ${RATE > 0 ? `at ${RATE}/s` : 'at once'} in ${producedIn.toFixed(2)} s`);
  console.log(`dispatched ${latencies.length} (GitHub saw ${dispatches} dispatches), failed ${failures[0].failed}`);
  console.log(
    `produce-to-dispatch latency: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${latencies[latencies.length - 1].toFixed(0)} ms`,
  );
  console.log(`throughput: ${(latencies.length / ((last - first) / 1000)).toFixed(1)} runs/s (first message produced to last run dispatched: ${((last - first) / 1000).toFixed(2)} s)`);
  console.log(`peak RSS: actions ${peakRssMb(actions.pid).toFixed(0)} MB, catalog ${peakRssMb(catalog.pid).toFixed(0)} MB`);

  await db.end();
  await producer.disconnect();
  for (const child of [actions, catalog]) {
    child.stopping = true;
    child.kill('SIGTERM');
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  await sim.close();
  await database.drop();
  await redis.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
