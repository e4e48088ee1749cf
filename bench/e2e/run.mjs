#!/usr/bin/env node
// bench/e2e: the whole bridge, GitHub to catalog, each part in its own process as in production: gateway, mapper,
// publisher and the embedded catalog (built, `node <image flags> dist/glint <service>`), the GitHub simulator in App
// mode with the shipped mapping in .github-private (bench/e2e/github-simulator.mjs), a private redis-server (AOF,
// fsync every second, as docker-compose runs it) and a fresh database on the machine's Postgres, for each phase.
//
// latency: an organization of --latency-repos repositories is resynced at start; then pull request changes at a
//   fixed rate (--rates, per second, each for --seconds): title edits on the open pull requests in turn and, every
//   --open-every-th change, a new pull request, each titled `e2e <sequence>`. The simulator sends their webhooks
//   --webhook-concurrency at a time, as GitHub delivers concurrently. Webhook-to-catalog latency runs from the moment
//   the simulator starts POSTing a change's webhook to the gateway until Postgres commits the catalog row carrying
//   its title or a later one of the same entity: a trigger on the catalog's table (added by this bench, on its own
//   database) sends a NOTIFY this process LISTENs to. The mapper re-reads each pull request, so an event may carry a
//   later change's title: the earlier change counts as arrived then ("coalesced"), 0 ms if that was before its own
//   webhook left. Change-to-catalog (from the mutation) has neither subtlety. Lost: a change never in the catalog.
//   Printed per rate: p50/p90/p99/max, the rate achieved, the backlog when the load stopped and the time to drain
//   it, CPU per process and per change, each stage's time per item, GitHub requests and catalog calls per change,
//   the rate-limit points those requests cost on GitHub.com (1 per read not answered 304, 5 per write) and the
//   requests a rate limit refused (primary / secondary).
// resync: --resync-repos repositories with --resync-pulls pull requests each, the mapper's resync at start, timed
//   until the mapper reports it completed, the publisher finished the sync (stale cleanup) and the catalog holds
//   every entity the simulator's records say it must. GitHub requests (the simulator's count), their rate-limit
//   points and refusals, catalog calls (the publisher's glint_catalog_answers_total), peak RSS (VmHWM) and CPU of each
//   service. While it runs, --resync-live-rate pull request title edits a second (default 20; 0 for none) reach the
//   gateway as webhooks, their webhook-to-catalog latency printed as in the latency phase. Then (unless
//   --resync-second false) a scheduled resync, as the schedule asks for one (incremental after a complete resync),
//   with its GitHub requests and rate-limit units beside the first's.
// GitHub: every API answer takes --github-latency-ms (default 100) ± 20%, uniformly spread, the same sequence each
//   run; --github-limits ghes (default: GitHub Enterprise Server's default, rate limits off) or github.com
//   (GitHub.com's limits: the App installation's 5,000/h plus 50 per repository and member above 20, at most 12,500/h;
//   100 requests in flight and 900 points a minute per installation).
// --workers sets the mapper's EVENT_WORKERS_COUNT and --github-max-concurrency its GITHUB_MAX_CONCURRENCY; without them the
//   product's defaults apply. The resync also prints the mapper's waits for the GitHub limits shared by its pods.
//
//   node bench/e2e/run.mjs [--phases latency,resync] [--rates 100,500] [--seconds 60] [--workers N] [--partitions 16]
//     [--github-max-concurrency N]
//     [--github-latency-ms 100] [--github-limits ghes|github.com]
//     [--latency-repos 400] [--latency-pulls 10] [--open-every 10] [--webhook-concurrency 32]
//     [--resync-repos 10000] [--resync-pulls 5] [--resync-live-rate 20] [--resync-second true]
//     [--drain-timeout-seconds 600] [--profile mapper,publisher,…]
//     [--node-flags "--max-semi-space-size=16 --enable-source-maps"]
// Each option may also be given as BENCH_E2E_<NAME> (e.g. BENCH_E2E_SECONDS=10) for quick runs. The machine's load
// average is printed with the figures: other work on the machine shows in them.
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, index, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[index + 1]]] : pairs), []),
);
const option = (name, fallback) => args[name] ?? process.env[`BENCH_E2E_${name.toUpperCase().replaceAll('-', '_')}`] ?? fallback;
const PHASES = String(option('phases', 'latency,resync')).split(',');
const RATES = String(option('rates', '100,500')).split(',').map(Number);
const SECONDS = Number(option('seconds', 60));
/** Undefined unless given: the mapper then runs with the product's default EVENT_WORKERS_COUNT. */
const WORKERS = option('workers', undefined) === undefined ? undefined : Number(option('workers'));
/** Undefined unless given: the mapper then runs with the product's default GITHUB_MAX_CONCURRENCY. */
const GITHUB_MAX_CONCURRENCY = option('github-max-concurrency', undefined) === undefined ? undefined : Number(option('github-max-concurrency'));
const GITHUB_LATENCY_MS = Number(option('github-latency-ms', 100));
const GITHUB_LATENCY_JITTER_MS = Math.round(GITHUB_LATENCY_MS * 0.2);
const GITHUB_LIMITS = String(option('github-limits', 'ghes'));
if (GITHUB_LIMITS !== 'ghes' && GITHUB_LIMITS !== 'github.com') throw new Error(`--github-limits must be ghes or github.com, got ${GITHUB_LIMITS}`);
const PARTITIONS = Number(option('partitions', 16));
const LATENCY_REPOS = Number(option('latency-repos', 400));
const LATENCY_PULLS = Number(option('latency-pulls', 10));
const OPEN_EVERY = Number(option('open-every', 10));
const WEBHOOK_CONCURRENCY = Number(option('webhook-concurrency', 32));
const RESYNC_REPOS = Number(option('resync-repos', 10_000));
const RESYNC_PULLS = Number(option('resync-pulls', 5));
/** Pull request edits per second sent while the resync runs (0: none), their webhook-to-catalog latency printed. */
const RESYNC_LIVE_RATE = Number(option('resync-live-rate', 20));
/** Whether a scheduled resync follows the first (incremental after a complete one), its GitHub cost printed. */
const RESYNC_SECOND = String(option('resync-second', 'true')) !== 'false';
/** How long the bench waits for the last changes of a load, or for a resync, before it reports what is missing. */
const DRAIN_TIMEOUT_MS = Number(option('drain-timeout-seconds', 600)) * 1000;
/** Services to run under --cpu-prof (profiles written when they stop), e.g. --profile mapper,publisher. */
const PROFILE = String(option('profile', '')).split(',').filter(Boolean);
const PROFILE_DIR = join(tmpdir(), `glint-bench-e2e-profiles-${process.pid}`);
/** The flags the image's ENTRYPOINT gives node, unless --node-flags says otherwise. */
const GLINT_NODE_FLAGS = String(option('node-flags', '--max-semi-space-size=16 --enable-source-maps')).split(' ').filter(Boolean);
const SERVICES = ['catalog', 'publisher', 'mapper', 'gateway'];
const SECRET = 'bench-e2e-webhook-secret';
const NOTIFY_CHANNEL = 'bench_e2e';

execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
const require = createRequire(join(root, 'dist/'));
const { createTemporaryDatabase, freePort, waitFor } = require('@glint/testing');
const { ENV_CONTRACT } = require('@glint/config');
const { Queue } = require('bullmq');
const { Redis } = require('ioredis');
const { Client } = require('pg');

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanups = [];
const workersSetting = () =>
  WORKERS === undefined
    ? `EVENT_WORKERS_COUNT unset (the product's default, ${ENV_CONTRACT.find((variable) => variable.name === 'EVENT_WORKERS_COUNT')?.defaultValue ?? '?'})`
    : `EVENT_WORKERS_COUNT=${WORKERS} (--workers)`;
const githubConcurrencySetting = () =>
  GITHUB_MAX_CONCURRENCY === undefined
    ? `GITHUB_MAX_CONCURRENCY unset (the product's default, ${ENV_CONTRACT.find((variable) => variable.name === 'GITHUB_MAX_CONCURRENCY')?.defaultValue ?? '?'})`
    : `GITHUB_MAX_CONCURRENCY=${GITHUB_MAX_CONCURRENCY} (--github-max-concurrency)`;
const githubSetting = (github) =>
  `GitHub simulator: latency ${GITHUB_LATENCY_MS} ± ${GITHUB_LATENCY_JITTER_MS} ms (uniform), limits ${GITHUB_LIMITS}` +
  (GITHUB_LIMITS === 'github.com' ? ` (installation ${github?.installationRateLimit ?? '?'}/h, 100 in flight, 900 points/min)` : ' (rate limits off)');
/** Rate-limit points per change or per repository, and the requests a limit refused. */
const rateLimitFigures = (stats, per, unit) =>
  `rate-limit points ${stats.points} (${(stats.points / per).toFixed(2)} per ${unit}), refused by a limit: primary ${stats.refusedPrimary}, secondary ${stats.refusedSecondary}`;

// ---------------------------------------------------------------------------------------------------------------
// Processes

function startRedis(port) {
  const dir = mkdtempSync(join(tmpdir(), 'glint-bench-e2e-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'], { stdio: 'ignore' });
  cleanups.push(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return child;
}

/** A built service in its own process; warnings and errors it logs are counted and the last ones kept. */
function startService(name, env) {
  const profile = PROFILE.includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, name)}`] : [];
  const childEnv = { ...process.env, ...env };
  // Without --workers the product's default applies, whatever the shell exported.
  if (WORKERS === undefined) delete childEnv.EVENT_WORKERS_COUNT;
  const child = spawn(process.execPath, [...GLINT_NODE_FLAGS, ...profile, join(root, 'dist/glint'), name], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.serviceName = name;
  child.problems = { warn: 0, error: 0, last: [] };
  let tail = '';
  let partial = '';
  child.stdout.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      const level = /"level":"(\w+)"/.exec(line)?.[1];
      if (level !== 'warn' && level !== 'error' && level !== 'fatal') continue;
      child.problems[level === 'warn' ? 'warn' : 'error'] += 1;
      child.problems.last = [...child.problems.last.slice(-4), /"msg":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line.slice(0, 300)];
    }
  });
  child.stderr.on('data', (chunk) => (tail = (tail + chunk).slice(-4000)));
  child.on('exit', (code, signal) => {
    if (!child.stopping) console.error(`${name} exited (${code ?? signal}): ${tail}`);
  });
  cleanups.push(() => child.kill('SIGKILL'));
  return child;
}

async function stopService(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stopping = true;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(30_000).then(() => child.kill('SIGKILL'))]);
}

/** The simulator host (github-simulator.mjs): requests over IPC, and the mutation and delivery records it streams. */
async function startSimulator(options) {
  const child = fork(join(root, 'bench/e2e/github-simulator.mjs'), [JSON.stringify(options)], { execArgv: ['--max-old-space-size=4096'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  cleanups.push(() => child.kill('SIGKILL'));
  const pending = new Map();
  const records = { mutations: new Map(), deliveries: new Map() };
  let nextId = 0;
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before it was ready`)));
    child.on('message', (message) => {
      if (message.type === 'ready') return resolve();
      if (message.type === 'mutations') for (const item of message.items) records.mutations.set(item.seq, item);
      else if (message.type === 'deliveries') for (const item of message.items) records.deliveries.set(item.seq, item);
      else {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(`simulator: ${message.error}`));
        else waiter?.resolve(message.result);
      }
    });
  });
  await ready;
  const request = (type, body = {}) =>
    new Promise((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve, reject });
      child.send({ id: nextId, type, ...body });
    });
  return { child, request, records, stop: () => child.disconnect() };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements

const procStatus = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** CPU seconds (user + system) a process used so far. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineTicks() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = values[3] + values[4];
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** Samples VmRSS of every process twice a second, so each step can report its own peak. */
function rssSampler(processes) {
  const peaks = new Map();
  const timer = setInterval(() => {
    for (const [name, pid] of Object.entries(processes())) {
      try {
        peaks.set(name, Math.max(peaks.get(name) ?? 0, procStatus(pid, 'VmRSS')));
      } catch {
        // exited
      }
    }
  }, 500);
  return { peaks: () => new Map(peaks), reset: () => peaks.clear(), stop: () => clearInterval(timer) };
}

/**
 * Each service's memory as it reports it (prom-client's default metrics), kept at its highest RSS: how much of it is
 * the main thread's V8 heap (and its new space), external memory, and the rest (worker threads' heaps, jq's wasm
 * memory, code, stacks).
 */
function memorySampler(urls) {
  const peaks = new Map();
  const started = now();
  const read = (text, name, labels = '') => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(name) && candidate.includes(labels) && !candidate.startsWith('#'));
    return line ? Number(line.split(' ').pop()) / 1024 / 1024 : 0;
  };
  const timer = setInterval(async () => {
    for (const [name, url] of Object.entries(urls())) {
      const text = await fetch(`${url}/metrics`).then((answer) => answer.text()).catch(() => undefined);
      if (!text) continue;
      const sample = {
        rss: read(text, 'process_resident_memory_bytes'),
        heapTotal: read(text, 'nodejs_heap_size_total_bytes'),
        heapUsed: read(text, 'nodejs_heap_size_used_bytes'),
        newSpace: read(text, 'nodejs_heap_space_size_total_bytes', 'space="new"'),
        external: read(text, 'nodejs_external_memory_bytes'),
        at: (now() - started) / 1000,
      };
      if (sample.rss > (peaks.get(name)?.rss ?? 0)) peaks.set(name, sample);
    }
  }, 1000);
  return {
    stop: () => clearInterval(timer),
    describe: () =>
      [...peaks]
        .map(([name, m]) => `${name} ${m.rss.toFixed(0)} MB = heap ${m.heapTotal.toFixed(0)} (used ${m.heapUsed.toFixed(0)}, new space ${m.newSpace.toFixed(0)}) + external ${m.external.toFixed(0)} + other ${(m.rss - m.heapTotal - m.external).toFixed(0)} at ${m.at.toFixed(0)} s`)
        .join('; '),
  };
}

async function metricSum(url, pattern) {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (pattern.test(line)) sum += Number(line.split(' ').pop());
  return sum;
}

async function metricLines(url, pattern) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((line) => pattern.test(line)).map((line) => ({ labels: line.slice(line.indexOf('{') + 1, line.lastIndexOf('}')), value: Number(line.split(' ').pop()) }));
}

/** What each stage spent per item, from the services' own histograms (sum and count of seconds). */
const STAGES = [
  { label: 'gateway enqueue', service: 'gateway', metric: 'glint_webhook_enqueue_seconds', labels: '' },
  { label: 'mapper event', service: 'mapper', metric: 'glint_event_processing_seconds', labels: '' },
  { label: 'publisher changes job', service: 'publisher', metric: 'glint_publish_job_seconds', labels: 'job="changes"' },
];

async function stageSnapshot(urls) {
  const snapshot = {};
  for (const stage of STAGES) {
    const text = await (await fetch(`${urls[stage.service]}/metrics`)).text();
    const total = (suffix) =>
      text
        .split('\n')
        .filter((line) => line.startsWith(`${stage.metric}_${suffix}`) && line.includes(stage.labels))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    snapshot[stage.label] = { sum: total('sum'), count: total('count') };
  }
  snapshot.catalogCalls = await metricSum(urls.publisher, /^glint_catalog_answers_total\{route="(?!POST \/v1\/auth)/);
  return snapshot;
}

function stagesBetween(before, after) {
  return STAGES.map(({ label }) => {
    const count = after[label].count - before[label].count;
    return `${label} ${count ? (((after[label].sum - before[label].sum) / count) * 1000).toFixed(1) : '-'} ms × ${count}`;
  }).join(', ');
}

const percentile = (sorted, p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
const ms = (value) => (Number.isFinite(value) ? `${Math.round(value)}` : '-');
const load = () => `load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`;

// ---------------------------------------------------------------------------------------------------------------
// One stack: Redis, a database, the simulator and the four services

async function startStack(label, simulatorOptions, { mapperFirst = true } = {}) {
  const redisPort = await freePort();
  const redis = startRedis(redisPort);
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const database = await createTemporaryDatabase(`bench_e2e_${label}`);
  cleanups.push(() => database.drop().catch(() => undefined));
  const simulator = await startSimulator({ ...simulatorOptions, limits: GITHUB_LIMITS, latencyMs: GITHUB_LATENCY_MS, latencyJitterMs: GITHUB_LATENCY_JITTER_MS });
  const github = await simulator.request('info');
  const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await freePort()])));
  const urls = Object.fromEntries(SERVICES.map((name) => [name, `http://127.0.0.1:${ports[name]}`]));
  const env = {
    EVENT_PARTITIONS: String(PARTITIONS),
    ...(WORKERS === undefined ? {} : { EVENT_WORKERS_COUNT: String(WORKERS) }),
    ...(GITHUB_MAX_CONCURRENCY === undefined ? {} : { GITHUB_MAX_CONCURRENCY: String(GITHUB_MAX_CONCURRENCY) }),
    REDIS_URL: redisUrl,
    DATABASE_URL: database.url,
    HTTP_HOST: '127.0.0.1',
    PORT: String(ports.gateway),
    MAPPER_HTTP_PORT: String(ports.mapper),
    PUBLISHER_HTTP_PORT: String(ports.publisher),
    CATALOG_HTTP_PORT: String(ports.catalog),
    WEBHOOK_SECRET: SECRET,
    APP_ID: String(github.appId),
    PRIVATE_KEY: github.privateKeyPem,
    GHE_HOST: new URL(github.url).host,
    GHE_PROTOCOL: 'http',
    LOG_LEVEL: 'warn',
  };
  const healthy = (name) => waitFor(`the ${name}`, async () => ((await fetch(`${urls[name]}/health`).catch(() => undefined))?.ok ? true : undefined), 120_000);
  const services = {};
  services.catalog = startService('catalog', env);
  await healthy('catalog');
  const db = new Client({ connectionString: database.url });
  await db.connect();
  cleanups.unshift(() => db.end().catch(() => undefined));
  services.publisher = startService('publisher', env);
  services.gateway = startService('gateway', env);
  await Promise.all([healthy('publisher'), healthy('gateway')]);
  const startMapper = async () => {
    services.mapper = startService('mapper', env);
    await healthy('mapper');
  };
  if (mapperFirst) await startMapper();

  const inspector = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const eventQueues = Array.from({ length: PARTITIONS }, (_, partition) => new Queue(`events-p${partition}`, { connection: inspector, prefix: 'glint' }));
  const publishQueue = new Queue('publish', { connection: inspector, prefix: 'glint' });
  const depth = async (queues) => {
    const counts = await Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')));
    return counts.reduce((sum, count) => sum + Object.values(count).reduce((a, b) => a + b, 0), 0);
  };
  const processes = () => ({
    ...Object.fromEntries(Object.entries(services).map(([name, child]) => [name, child.pid])),
    simulator: simulator.child.pid,
    redis: redis.pid,
  });
  const postgresBackends = async () => (await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((row) => row.pid);
  const lastResync = async () => (await (await fetch(`${urls.mapper}/status`)).json()).resyncs[0];
  const resyncQueue = new Queue('resync', { connection: inspector, prefix: 'glint' });
  /** What the schedule does every RESYNC_INTERVAL_MINUTES: a resync of every installation. */
  const requestScheduledResync = () => resyncQueue.add('resync-all', { mode: 'auto' });

  return {
    label,
    databaseUrl: database.url,
    urls,
    services,
    simulator,
    github,
    db,
    startMapper,
    lastResync,
    requestScheduledResync,
    backlog: async () => ({ events: await depth(eventQueues), publish: await depth([publishQueue]) }),
    processes,
    postgresBackends,
    async stop() {
      for (const name of ['gateway', 'mapper', 'publisher', 'catalog']) if (services[name]) await stopService(services[name]);
      await Promise.all([...eventQueues, publishQueue, resyncQueue].map((queue) => queue.close()));
      inspector.disconnect();
      await db.end().catch(() => undefined);
      simulator.stop();
      redis.kill('SIGTERM');
      await database.drop();
    },
  };
}

/** CPU used by each process (and Postgres' backends for this database) between two snapshots, and the machine's load. */
async function cpuSnapshot(stack) {
  const processes = stack.processes();
  const backends = await stack.postgresBackends();
  return {
    at: now(),
    machine: machineTicks(),
    byProcess: Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuSeconds(pid)])),
    postgres: backends.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
  };
}

function cpuBetween(before, after) {
  const seconds = (after.at - before.at) / 1000;
  const percent = (used) => `${Math.round((used / seconds) * 100)}%`;
  const parts = Object.keys(after.byProcess).map((name) => `${name} ${percent(after.byProcess[name] - (before.byProcess[name] ?? 0))}`);
  parts.push(`postgres ${percent(after.postgres - before.postgres)}`);
  const machine = (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total);
  return { text: parts.join(', '), machine: `${Math.round(machine * 100)}%` };
}

async function waitForResync(stack, timeoutMs) {
  return waitFor('the resync to finish', async () => {
    const resync = await stack.lastResync().catch(() => undefined);
    return resync && resync.state !== 'running' ? resync : undefined;
  }, timeoutMs);
}

async function waitForQuiet(stack, timeoutMs) {
  let quietRounds = 0;
  await waitFor('the queues to drain', async () => {
    const { events, publish } = await stack.backlog();
    quietRounds = events + publish === 0 ? quietRounds + 1 : 0;
    return quietRounds >= 5 ? true : undefined;
  }, timeoutMs);
}

// ---------------------------------------------------------------------------------------------------------------
// Latency

/** Commits of catalog rows carrying a load's marker title, as they happen, through a trigger and LISTEN. */
async function listenForCatalogWrites(db, url) {
  await db.query(`
    CREATE OR REPLACE FUNCTION bench_e2e_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.title LIKE 'e2e %' THEN PERFORM pg_notify('${NOTIFY_CHANNEL}', NEW.identifier || ' ' || NEW.title); END IF;
      RETURN NULL;
    END $$`);
  await db.query(`CREATE TRIGGER bench_e2e_notify AFTER INSERT OR UPDATE ON catalog_entities FOR EACH ROW WHEN (NEW.blueprint = 'githubPullRequest') EXECUTE FUNCTION bench_e2e_notify()`);
  const listener = new Client({ connectionString: url });
  await listener.connect();
  const arrivals = new Map();
  listener.on('notification', ({ payload }) => {
    const at = now();
    const [identifier, , seq] = payload.split(' ');
    if (!arrivals.has(identifier)) arrivals.set(identifier, []);
    arrivals.get(identifier).push({ seq: Number(seq), at });
  });
  await listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
  return { arrivals, close: () => listener.end() };
}

/** When each change of a step was in the catalog: its own write, or the first write of its entity with a later change. */
function resolveArrivals(mutations, arrivals, first, last) {
  const resolved = new Map();
  for (let seq = first; seq <= last; seq += 1) {
    const mutation = mutations.get(seq);
    if (!mutation) continue;
    let best;
    for (const arrival of arrivals.get(mutation.identifier) ?? []) {
      if (arrival.seq >= seq && (!best || arrival.at < best.at)) best = arrival;
    }
    if (best) resolved.set(seq, { at: best.at, coalesced: best.seq !== seq });
  }
  return resolved;
}

async function latencyPhase() {
  console.log(`\n== latency: ${LATENCY_REPOS} repositories, ${LATENCY_PULLS} pull requests each; ${load()}`);
  const stack = await startStack('latency', { reposPerOrg: LATENCY_REPOS, pullRequestsPerRepo: LATENCY_PULLS, seed: 7, webhookConcurrency: WEBHOOK_CONCURRENCY });
  const resync = await waitForResync(stack, DRAIN_TIMEOUT_MS);
  await waitForQuiet(stack, DRAIN_TIMEOUT_MS);
  const initial = await stack.simulator.request('stats');
  console.log(`initial resync ${resync.state} (${resync.kinds.map((kind) => `${kind.kind} ${kind.entities}`).join(', ')}); GitHub requests ${initial.requests}, ${rateLimitFigures(initial, LATENCY_REPOS, 'repository')}`);
  const catalog = await listenForCatalogWrites(stack.db, stack.databaseUrl);
  await stack.simulator.request('configureWebhook', { url: `${stack.urls.gateway}/webhook`, secret: SECRET });
  const sampler = rssSampler(stack.processes);
  const memory = memorySampler(() => stack.urls);
  const rows = [];
  for (const rate of RATES) {
    sampler.reset();
    const before = await cpuSnapshot(stack);
    const stagesBefore = await stageSnapshot(stack.urls);
    await stack.simulator.request('resetStats');
    const step = await stack.simulator.request('load', { rate, seconds: SECONDS, openEvery: OPEN_EVERY });
    const loadEnded = now();
    const during = cpuBetween(before, await cpuSnapshot(stack));
    const webhooks = await stack.simulator.request('webhooks');
    const backlog = { ...(await stack.backlog()), webhooks: webhooks.emitted - webhooks.answered };

    // Drain: every change of the step in the catalog, or the queues empty and the simulator idle for a while.
    const { mutations, deliveries } = stack.simulator.records;
    const total = step.last - step.first + 1;
    let quietSince;
    let resolved = new Map();
    while (now() - loadEnded < DRAIN_TIMEOUT_MS) {
      resolved = resolveArrivals(mutations, catalog.arrivals, step.first, step.last);
      if (resolved.size >= total) break;
      const queues = await stack.backlog();
      const hooks = await stack.simulator.request('webhooks');
      const idle = queues.events + queues.publish === 0 && hooks.emitted === hooks.answered;
      quietSince = idle ? (quietSince ?? now()) : undefined;
      if (quietSince && now() - quietSince > 5_000) break;
      await sleep(200);
    }
    resolved = resolveArrivals(mutations, catalog.arrivals, step.first, step.last);
    const drained = await cpuSnapshot(stack);
    const stagesAfter = await stageSnapshot(stack.urls);
    const github = await stack.simulator.request('stats');

    const webhookLatencies = [];
    const mutationLatencies = [];
    let coalesced = 0;
    let aheadOfWebhook = 0;
    let lastArrival = loadEnded;
    const failedDeliveries = [];
    const lost = [];
    for (let seq = step.first; seq <= step.last; seq += 1) {
      const delivery = deliveries.get(seq);
      if (delivery && (delivery.status < 200 || delivery.status > 299)) failedDeliveries.push(`${seq}: ${delivery.status}`);
      const arrival = resolved.get(seq);
      if (!arrival) {
        lost.push(seq);
        continue;
      }
      if (arrival.coalesced) coalesced += 1;
      lastArrival = Math.max(lastArrival, arrival.at);
      mutationLatencies.push(arrival.at - mutations.get(seq).mutatedAt);
      if (!delivery) continue;
      // An earlier event of the entity re-read it after this change: in the catalog before its own webhook left.
      if (arrival.at < delivery.startedAt) aheadOfWebhook += 1;
      webhookLatencies.push(Math.max(0, arrival.at - delivery.startedAt));
    }
    webhookLatencies.sort((a, b) => a - b);
    mutationLatencies.sort((a, b) => a - b);
    const posted = [...deliveries.values()].filter((delivery) => delivery.seq >= step.first && delivery.seq <= step.last);
    const postSpan = posted.length > 1 ? (Math.max(...posted.map((d) => d.startedAt)) - Math.min(...posted.map((d) => d.startedAt))) / 1000 : NaN;
    const gatewayMs = posted.map((delivery) => delivery.ms).sort((a, b) => a - b);
    const row = {
      rate,
      sent: step.sent,
      achieved: step.sent / step.seconds,
      delivered: posted.length / postSpan,
      p50: percentile(webhookLatencies, 50),
      p90: percentile(webhookLatencies, 90),
      p99: percentile(webhookLatencies, 99),
      max: webhookLatencies[webhookLatencies.length - 1],
      m50: percentile(mutationLatencies, 50),
      m99: percentile(mutationLatencies, 99),
      gateway50: percentile(gatewayMs, 50),
      gateway99: percentile(gatewayMs, 99),
      coalesced,
      aheadOfWebhook,
      lost: lost.length,
      failedDeliveries,
      backlog,
      drainSeconds: (lastArrival - loadEnded) / 1000,
      cpu: during,
      cpuPerChange: Object.fromEntries([...Object.keys(drained.byProcess).map((name) => [name, drained.byProcess[name] - (before.byProcess[name] ?? 0)]), ['postgres', drained.postgres - before.postgres]].map(([name, used]) => [name, (used * 1000) / step.sent])),
      stages: stagesBetween(stagesBefore, stagesAfter),
      githubPerChange: github.requests / step.sent,
      pointsPerChange: github.points / step.sent,
      refused: { primary: github.refusedPrimary, secondary: github.refusedSecondary },
      rateLimits: rateLimitFigures(github, step.sent, 'change'),
      githubRoutes: Object.entries(github.byRoute).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([route, count]) => `${route} ${count}`).join(', '),
      catalogPerChange: (stagesAfter.catalogCalls - stagesBefore.catalogCalls) / step.sent,
      rss: sampler.peaks(),
      maxLagMs: step.maxLagMs,
      rotation: step.rotation,
      lostSample: lost.slice(0, 5),
    };
    rows.push(row);
    console.log(
      `${rate}/s for ${SECONDS} s: sent ${row.sent} (${row.achieved.toFixed(1)}/s, webhooks posted ${row.delivered.toFixed(1)}/s), ` +
        `webhook→catalog p50 ${ms(row.p50)} p90 ${ms(row.p90)} p99 ${ms(row.p99)} max ${ms(row.max)} ms, lost ${row.lost}`,
    );
    await waitForQuiet(stack, DRAIN_TIMEOUT_MS).catch((error) => console.error(String(error)));
  }
  sampler.stop();
  memory.stop();
  await catalog.close();
  const peaks = Object.fromEntries(Object.entries(stack.processes()).map(([name, pid]) => [name, procStatus(pid, 'VmHWM')]));
  const problems = Object.fromEntries(Object.entries(stack.services).map(([name, child]) => [name, child.problems]));
  await stack.stop();

  console.log(`\nbench/e2e latency: webhook POSTed by the simulator → row committed in the catalog (ms); ${LATENCY_REPOS} repositories, ${rows[0]?.rotation ?? '?'} open pull requests edited in turn, every ${OPEN_EVERY}th change opens one`);
  console.log(`settings: EVENT_PARTITIONS=${PARTITIONS} ${workersSetting()} (one mapper, one publisher), LOG_LEVEL=warn; simulator webhook concurrency ${WEBHOOK_CONCURRENCY}; ${load()}`);
  console.log(githubSetting(stack.github));
  console.log(
    ['rate/s', 'sent', 'achieved/s', 'posted/s', 'p50', 'p90', 'p99', 'max', 'change→catalog p50/p99', 'POST p50/p99', 'coalesced (before own webhook)', 'lost', 'failed POSTs', 'backlog at end (webhooks/events/publish)', 'drained in s', 'GitHub requests/change', 'rate-limit points/change', 'refused primary/secondary'].join(' | '),
  );
  for (const row of rows) {
    console.log(
      [
        row.rate,
        row.sent,
        row.achieved.toFixed(1),
        row.delivered.toFixed(1),
        ms(row.p50),
        ms(row.p90),
        ms(row.p99),
        ms(row.max),
        `${ms(row.m50)}/${ms(row.m99)}`,
        `${row.gateway50.toFixed(1)}/${row.gateway99.toFixed(1)}`,
        `${row.coalesced} (${row.aheadOfWebhook})`,
        row.lost,
        row.failedDeliveries.length,
        `${row.backlog.webhooks}/${row.backlog.events}/${row.backlog.publish}`,
        row.drainSeconds.toFixed(1),
        row.githubPerChange.toFixed(2),
        row.pointsPerChange.toFixed(2),
        `${row.refused.primary}/${row.refused.secondary}`,
      ].join(' | '),
    );
  }
  for (const row of rows) {
    console.log(`${row.rate}/s cpu (% of one core, during the load): ${row.cpu.text}; machine busy ${row.cpu.machine} of ${cpus().length} cores; schedule lag max ${ms(row.maxLagMs)} ms`);
    const perChange = Object.entries(row.cpuPerChange);
    console.log(`${row.rate}/s cpu ms per change (load and drain): ${perChange.map(([name, used]) => `${name} ${used.toFixed(1)}`).join(', ')}; total ${perChange.reduce((sum, [, used]) => sum + used, 0).toFixed(1)}`);
    console.log(`${row.rate}/s per item: ${row.stages}; GitHub requests per change ${row.githubPerChange.toFixed(2)} (${row.githubRoutes}), ${row.rateLimits}; catalog calls per change ${row.catalogPerChange.toFixed(2)}`);
    console.log(`${row.rate}/s peak RSS (sampled): ${[...row.rss].map(([name, mb]) => `${name} ${mb.toFixed(0)} MB`).join(', ')}`);
    if (row.lost > 0) console.log(`${row.rate}/s lost changes, first: ${row.lostSample.join(', ')}`);
    if (row.failedDeliveries.length > 0) console.log(`${row.rate}/s failed webhook POSTs, first: ${row.failedDeliveries.slice(0, 5).join(', ')}`);
  }
  console.log(`peak RSS (VmHWM) over the phase: ${Object.entries(peaks).map(([name, mb]) => `${name} ${mb.toFixed(0)} MB`).join(', ')}`);
  console.log(`at each service's highest sampled RSS (MB): ${memory.describe()}`);
  printProblems(problems);
}

function printProblems(problems) {
  for (const [name, found] of Object.entries(problems)) {
    if (found.warn + found.error > 0) console.log(`${name} logged ${found.error} error(s) and ${found.warn} warning(s); last: ${found.last.join(' / ')}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Resync

async function catalogCounts(db) {
  const { rows } = await db.query(`SELECT blueprint, count(*)::int AS count FROM catalog_entities WHERE blueprint IN ('githubOrganization', 'githubRepository', 'githubPullRequest') GROUP BY blueprint`);
  return Object.fromEntries(rows.map((row) => [row.blueprint, row.count]));
}

async function resyncPhase() {
  console.log(`\n== resync: ${RESYNC_REPOS} repositories, ${RESYNC_PULLS} pull requests each; ${load()}`);
  const stack = await startStack('resync', { reposPerOrg: RESYNC_REPOS, pullRequestsPerRepo: RESYNC_PULLS, seed: 42 }, { mapperFirst: false });
  const expected = await stack.simulator.request('expected');
  const catalogCallPattern = /^glint_catalog_answers_total\{route="(?!POST \/v1\/auth)/;
  await stack.simulator.request('resetStats');
  const before = await cpuSnapshot(stack);
  const sampler = rssSampler(stack.processes);
  const memory = memorySampler(() => stack.urls);
  const catalog = RESYNC_LIVE_RATE > 0 ? await listenForCatalogWrites(stack.db, stack.databaseUrl) : undefined;
  if (catalog) await stack.simulator.request('configureWebhook', { url: `${stack.urls.gateway}/webhook`, secret: SECRET });
  const started = now();
  await stack.startMapper();
  const mapperUp = now();
  let resyncRunning = true;
  const liveSteps = catalog ? liveLoadWhile(stack, () => resyncRunning) : Promise.resolve([]);

  let resync;
  let mapperDoneAt;
  let cleanupAt;
  let catalogCompleteAt;
  const progress = setInterval(async () => {
    const counts = await catalogCounts(stack.db).catch(() => ({}));
    process.stdout.write(`  ${((now() - started) / 1000).toFixed(0)} s: catalog repositories ${counts.githubRepository ?? 0}, pull requests ${counts.githubPullRequest ?? 0}\n`);
  }, 30_000);
  try {
    await waitFor(
      'the resync to complete in the catalog',
      async () => {
        resync = (await stack.lastResync().catch(() => undefined)) ?? resync;
        if (resync && resync.state !== 'running') mapperDoneAt ??= now();
        if (resync?.state === 'failed') throw new Error(`the resync failed: ${resync.errors.join('; ')}`);
        if (!cleanupAt && (await metricSum(stack.urls.publisher, /^glint_stale_cleanups_total\{/)) > 0) cleanupAt = now();
        const counts = await catalogCounts(stack.db);
        const repositories = counts.githubRepository ?? 0;
        if (
          !catalogCompleteAt &&
          counts.githubOrganization === expected.organizations.length &&
          counts.githubPullRequest === expected.pullRequests.length &&
          repositories >= expected.repositories.length &&
          repositories <= expected.repositories.length + expected.placeholders.length
        )
          catalogCompleteAt = now();
        return mapperDoneAt && cleanupAt && catalogCompleteAt ? true : undefined;
      },
      DRAIN_TIMEOUT_MS * 3,
    );
  } finally {
    clearInterval(progress);
    resyncRunning = false;
  }
  const finished = Math.max(mapperDoneAt, cleanupAt, catalogCompleteAt);
  const live = catalog ? await liveFigures(stack, catalog, await liveSteps) : undefined;
  await catalog?.close();
  const cpu = await cpuSnapshot(stack);
  sampler.stop();
  memory.stop();
  const stats = await stack.simulator.request('stats');
  const calls = await metricLines(stack.urls.publisher, catalogCallPattern);
  const entities = await metricLines(stack.urls.publisher, /^glint_publish_entities_total\{/);
  const cleanups = await metricLines(stack.urls.publisher, /^glint_stale_cleanups_total\{/);
  const limitWaits = await metricLines(stack.urls.mapper, /^glint_github_(limit_waits_total|limit_wait_seconds_total|secondary_limits_total)\{/);
  const differences = await compareCatalog(stack.db, expected);
  const units = await metricLines(stack.urls.mapper, /^glint_resync_units_total\{/);
  const second = RESYNC_SECOND ? await secondResync(stack, resync) : undefined;
  const peaks = Object.fromEntries(Object.entries(stack.processes()).map(([name, pid]) => [name, procStatus(pid, 'VmHWM')]));
  const problems = Object.fromEntries(Object.entries(stack.services).map(([name, child]) => [name, child.problems]));
  await stack.stop();

  const seconds = (at) => ((at - started) / 1000).toFixed(1);
  const totalCalls = calls.reduce((sum, line) => sum + line.value, 0);
  const written = entities.filter((line) => /outcome="(created|updated)"/.test(line.labels)).reduce((sum, line) => sum + line.value, 0);
  console.log(`\nbench/e2e resync: ${RESYNC_REPOS} repositories (${expected.repositories.length} live, the rest archived, plus .github-private), ${expected.generatedPullRequests} pull requests`);
  console.log(`  the shipped mapping catalogues the organization, live repositories (README.md and CODEOWNERS read for each) and open pull requests: ${expected.pullRequests.length}`);
  console.log(`settings: EVENT_PARTITIONS=${PARTITIONS} ${workersSetting()} ${githubConcurrencySetting()} (one mapper, one publisher), SEND_RAW_DATA_EXAMPLES=true, LOG_LEVEL=warn; ${load()}`);
  console.log(githubSetting(stack.github));
  console.log(`wall time from the mapper's start: ${seconds(finished)} s (mapper up after ${seconds(mapperUp)} s; resync reported ${resync.state} at ${seconds(mapperDoneAt)} s, ` +
    `the mapper's own timing ${((Date.parse(resync.finishedAt) - Date.parse(resync.startedAt)) / 1000).toFixed(1)} s; catalog complete at ${seconds(catalogCompleteAt)} s; publisher's sync completion at ${seconds(cleanupAt)} s)`);
  console.log(`resync kinds: ${resync.kinds.map((kind) => `${kind.kind} ${kind.pages} pages, ${kind.objects} objects, ${kind.entities} entities`).join('; ')}`);
  console.log(`rate-limit units the mapper's status reports: ${unitsText(resync)}`);
  const routes = Object.entries(stats.byRoute).sort((a, b) => b[1] - a[1]);
  console.log(`GitHub requests: ${stats.requests} (${stats.notModified} answered 304): ${routes.slice(0, 8).map(([route, count]) => `${route} ${count}`).join(', ')}${routes.length > 8 ? ', …' : ''}`);
  console.log(`GitHub requests per repository ${(stats.requests / RESYNC_REPOS).toFixed(2)}, ${rateLimitFigures(stats, RESYNC_REPOS, 'repository')}`);
  console.log(`GraphQL: ${graphqlFigures(stats)}; rate-limit units (REST points + GraphQL points): ${rateLimitUnits(stats)}`);
  console.log(`rate-limit units the mapper counted per kind (glint_resync_units_total): ${units.map((line) => `${line.labels} ${line.value}`).join(', ') || 'none'}`);
  if (live) {
    console.log(
      `live changes during the resync: ${live.sent} pull request edits at ${live.achieved.toFixed(1)}/s over ${live.seconds.toFixed(0)} s, ` +
        `webhook→catalog p50 ${ms(live.p50)} p90 ${ms(live.p90)} p99 ${ms(live.p99)} max ${ms(live.max)} ms, lost ${live.lost}`,
    );
  }
  if (second) {
    console.log(
      `second resync (scheduled, ${second.resync.mode ?? 'mode not reported'}) ${second.resync.state} in ${second.seconds.toFixed(1)} s: GitHub requests ${second.stats.requests} ` +
        `(${second.stats.notModified} answered 304), rate-limit units ${rateLimitUnits(second.stats)} = ${((rateLimitUnits(second.stats) / Math.max(1, rateLimitUnits(stats))) * 100).toFixed(1)}% of the first's; ` +
        `routes: ${Object.entries(second.stats.byRoute).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([route, count]) => `${route} ${count}`).join(', ')}; ` +
        `kinds: ${second.resync.kinds.map((kind) => `${kind.kind} ${kind.objects} objects`).join(', ')}`,
    );
    console.log(`second resync's rate-limit units in the mapper's status: ${unitsText(second.resync)}`);
  }
  const limitWaitText = limitWaits.map((line) => `${line.labels} ${Number.isInteger(line.value) ? line.value : line.value.toFixed(1)}`).join(', ');
  console.log(`mapper waits for the shared GitHub limits (glint_github_limit_waits_total, …_wait_seconds_total, secondary limits): ${limitWaitText || 'none'}`);
  console.log(`catalog calls (publisher): ${totalCalls} for ${written} entities written (${(written / totalCalls).toFixed(1)} per call): ${calls.map((line) => `${line.labels} ${line.value}`).join(', ')}`);
  console.log(`publisher: ${entities.map((line) => `${line.labels} ${line.value}`).join(', ')}; sync completion: ${cleanups.map((line) => `${line.labels} ${line.value}`).join(', ')}`);
  console.log(`catalog vs the simulator's records: ${differences.length === 0 ? 'equal' : `${differences.length} difference(s), first: ${differences.slice(0, 5).join('; ')}`}`);
  console.log(['service', 'peak RSS MB (VmHWM)', 'CPU s', 'CPU % of one core'].join(' | '));
  const wall = (cpu.at - before.at) / 1000;
  for (const name of Object.keys(peaks)) {
    const used = cpu.byProcess[name] - (before.byProcess[name] ?? 0);
    console.log([name, peaks[name].toFixed(0), used.toFixed(1), `${Math.round((used / wall) * 100)}%`].join(' | '));
  }
  console.log(['postgres (this database\'s backends)', '-', (cpu.postgres - before.postgres).toFixed(1), `${Math.round(((cpu.postgres - before.postgres) / wall) * 100)}%`].join(' | '));
  const machine = (cpu.machine.busy - before.machine.busy) / (cpu.machine.total - before.machine.total);
  console.log(`machine busy ${Math.round(machine * 100)}% of its cores during the resync`);
  console.log(`at each service's highest sampled RSS (MB): ${memory.describe()}`);
  printProblems(problems);
}

/** A resync's units and limit waits from the mapper's status: in total and per kind. */
function unitsText(resync) {
  const waited = (seconds) => (seconds ? `, waited ${seconds.toFixed(1)} s for limits` : '');
  const kinds = resync.kinds.map((kind) => `${kind.kind} ${kind.units ?? 0}${waited(kind.limitWaitSeconds)}`).join(', ');
  return `${resync.mode ?? 'full'} resync ${resync.units ?? 'not reported'} units${waited(resync.limitWaitSeconds)} (${kinds})`;
}

/** Pull request edits at RESYNC_LIVE_RATE, ten seconds at a time, while `running()`; none open pull requests (the catalog's expected contents stay put). */
async function liveLoadWhile(stack, running) {
  const steps = [];
  while (running()) steps.push(await stack.simulator.request('load', { rate: RESYNC_LIVE_RATE, seconds: 10, openEvery: 0 }));
  return steps;
}

/** Webhook-to-catalog latency of the changes of `steps`, once each is in the catalog or the bridge has gone quiet. */
async function liveFigures(stack, catalog, steps) {
  if (steps.length === 0) return undefined;
  const first = steps[0].first;
  const last = steps[steps.length - 1].last;
  const { mutations, deliveries } = stack.simulator.records;
  const deadline = now() + DRAIN_TIMEOUT_MS;
  let resolved = new Map();
  let quietSince;
  while (now() < deadline) {
    resolved = resolveArrivals(mutations, catalog.arrivals, first, last);
    if (resolved.size >= last - first + 1) break;
    const queues = await stack.backlog();
    const hooks = await stack.simulator.request('webhooks');
    quietSince = queues.events + queues.publish === 0 && hooks.emitted === hooks.answered ? (quietSince ?? now()) : undefined;
    if (quietSince && now() - quietSince > 5_000) break;
    await sleep(200);
  }
  const latencies = [];
  let lost = 0;
  for (let seq = first; seq <= last; seq += 1) {
    const arrival = resolved.get(seq);
    const delivery = deliveries.get(seq);
    if (!arrival) lost += 1;
    else if (delivery) latencies.push(Math.max(0, arrival.at - delivery.startedAt));
  }
  latencies.sort((a, b) => a - b);
  const seconds = steps.reduce((sum, step) => sum + step.seconds, 0);
  const sent = steps.reduce((sum, step) => sum + step.sent, 0);
  return { sent, seconds, achieved: sent / seconds, p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies[latencies.length - 1], lost };
}

/** The resync the schedule asks for after the first one, and what it cost GitHub. */
async function secondResync(stack, first) {
  await waitForQuiet(stack, DRAIN_TIMEOUT_MS);
  await stack.simulator.request('resetStats');
  const started = now();
  await stack.requestScheduledResync();
  const resync = await waitFor(
    'the scheduled resync to finish',
    async () => {
      const latest = await stack.lastResync().catch(() => undefined);
      return latest && latest.syncId !== first.syncId && latest.state !== 'running' ? latest : undefined;
    },
    DRAIN_TIMEOUT_MS * 3,
  );
  const seconds = (now() - started) / 1000;
  await waitForQuiet(stack, DRAIN_TIMEOUT_MS);
  return { resync, seconds, stats: await stack.simulator.request('stats') };
}

/** GitHub's rate-limit units of the simulator's answers: REST points (1 a read not answered 304, 5 a write) and GraphQL query costs. */
function rateLimitUnits(stats) {
  return stats.points + (stats.graphql?.points ?? 0);
}

function graphqlFigures(stats) {
  const graphql = stats.graphql;
  return graphql ? `${graphql.queries} queries costing ${graphql.points} points, refused ${graphql.refused ?? 0}` : 'none';
}

/** Identifiers in the catalog against the simulator's records: missing and unexpected entities. */
async function compareCatalog(db, expected) {
  const differences = [];
  const compare = async (blueprint, wanted, allowed = []) => {
    const { rows } = await db.query('SELECT identifier FROM catalog_entities WHERE blueprint = $1', [blueprint]);
    const have = new Set(rows.map((row) => row.identifier));
    const want = new Set(wanted);
    const extra = new Set(allowed);
    for (const key of want) if (!have.has(key)) differences.push(`${blueprint} ${key} missing`);
    for (const key of have) if (!want.has(key) && !extra.has(key)) differences.push(`${blueprint} ${key} unexpected`);
  };
  await compare('githubOrganization', expected.organizations);
  await compare('githubRepository', expected.repositories, expected.placeholders);
  await compare('githubPullRequest', expected.pullRequests);
  return differences;
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  console.log(`bench/e2e on ${cpus().length} cores; ${load()}`);
  console.log(`services run as: node ${GLINT_NODE_FLAGS.join(' ')} dist/glint <service>`);
  if (PROFILE.length > 0) console.log(`CPU profiles of ${PROFILE.join(', ')} go to ${PROFILE_DIR} when they stop`);
  if (PHASES.includes('latency')) await latencyPhase();
  if (PHASES.includes('resync')) await resyncPhase();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`bench/e2e: ${signal}, stopping what it started`);
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    process.exit(1);
  });
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    setTimeout(() => process.exit(), 200);
  });
