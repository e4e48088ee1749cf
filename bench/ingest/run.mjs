#!/usr/bin/env node
// bench/ingest: how fast the gateway takes signed webhooks, against the ceiling of this machine.
//
// Starts a private Redis (AOF, fsync every second, as in production) and the built gateway, then a bare
// Node HTTP server that only reads the body and answers 202. The same load generator drives both on
// loopback: a closed loop at concurrency 64 (throughput, p50/p99), then an open loop at a fixed
// 1,000 webhooks/s (latency at that rate). Payloads are 10 KB, signed, each with its own delivery id.
//
// Each closed-loop measurement runs --runs times against a fresh Redis and gateway (the median is kept), and
// the CPU time each process spent per request is read from /proc, to show where the time goes.
//
// A third closed-loop row, the BullMQ floor (bench/ingest/bullmq-floor.cjs), is a server that only verifies, parses
// and adds one small BullMQ job per webhook, on the same Redis setup: what any gateway built on BullMQ jobs costs at
// least on this machine, before de-duplication, payload storage and metrics.
//
//   node bench/ingest/run.mjs [--requests 20000] [--concurrency 64] [--rate 1000] [--seconds 10] [--runs 3]
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, index, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[index + 1]]] : pairs), []),
);
const REQUESTS = Number(args.requests ?? 20_000);
const CONCURRENCY = Number(args.concurrency ?? 64);
const RATE = Number(args.rate ?? 1_000);
const SECONDS = Number(args.seconds ?? 10);
const RUNS = Number(args.runs ?? 3);
/** The flags the image's ENTRYPOINT gives node. */
const GLINT_NODE_FLAGS = ['--max-semi-space-size=16', '--enable-source-maps'];
const SECRET = 'bench-secret';
const PAYLOAD_BYTES = 10 * 1024;

const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function freePort() {
  return new Promise((resolve) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** 500 distinct pull_request payloads padded to 10 KB, so the load spreads over groups and partitions. */
function payloads() {
  return Array.from({ length: 500 }, (_, index) => {
    const base = {
      action: 'synchronize',
      number: index + 1,
      pull_request: { id: 1_000_000 + index, number: index + 1, state: 'open', title: `Change ${index}`, body: '' },
      repository: { id: 100 + (index % 20), full_name: `acme/service-${index % 20}` },
      installation: { id: 42 },
      sender: { id: 1, login: 'octocat' },
    };
    const filler = PAYLOAD_BYTES - Buffer.byteLength(JSON.stringify(base));
    base.pull_request.body = 'x'.repeat(Math.max(0, filler));
    const body = Buffer.from(JSON.stringify(base));
    return { body, signature: `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` };
  });
}

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function post(agent, url, item) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': item.body.length,
          'x-github-event': 'pull_request',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': item.signature,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode, ms: performance.now() - started }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(item.body);
  });
}

function summarise(label, results, wallMs) {
  const accepted = results.filter((result) => result.status === 202);
  const latencies = accepted.map((result) => result.ms).sort((a, b) => a - b);
  return {
    label,
    sent: results.length,
    accepted: accepted.length,
    perSecond: Math.round((accepted.length / wallMs) * 1000),
    p50: Number(percentile(latencies, 50).toFixed(2)),
    p99: Number(percentile(latencies, 99).toFixed(2)),
  };
}

/** 5,000 requests first, so the JIT has compiled the hot path before anything is measured. */
async function warmUp(url, items) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, lane) => {
      for (let index = lane; index < 5_000; index += CONCURRENCY) await post(agent, url, items[index % items.length]);
    }),
  );
  agent.destroy();
}

async function closedLoop(label, url, items) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const results = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const item = items[next++ % items.length];
        results.push(await post(agent, url, item));
      }
    }),
  );
  const summary = summarise(label, results, performance.now() - started);
  agent.destroy();
  return summary;
}

async function openLoop(label, url, items) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = RATE * SECONDS;
  const pending = [];
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
    while (sent < due) pending.push(post(agent, url, items[sent++ % items.length]));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const results = await Promise.all(pending);
  const summary = summarise(label, results, performance.now() - started);
  agent.destroy();
  return summary;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'glint-bench-redis-'));
  // AOF with fsync every second, as docker-compose.yml runs it. Nothing drains the queue here, so the
  // automatic AOF rewrite (cheap in production, where the backlog stays small) is moved out of the way.
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--auto-aof-rewrite-min-size', '64gb'],
    { stdio: 'ignore' },
  );
  children.push(child);
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startGateway(redisUrl) {
  const port = await freePort();
  const child = spawn(process.execPath, [...GLINT_NODE_FLAGS, join(root, 'dist/glint'), 'gateway'], {
    env: { ...process.env, PORT: String(port), HTTP_HOST: '127.0.0.1', REDIS_URL: redisUrl, WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'warn', EVENT_PARTITIONS: '16' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  await waitForHttp(`http://127.0.0.1:${port}/health`);
  return { url: `http://127.0.0.1:${port}/webhook`, pid: child.pid, stop: () => child.kill('SIGKILL') };
}

async function startBullmqFloor(redisUrl) {
  const port = await freePort();
  const child = spawn(process.execPath, [...GLINT_NODE_FLAGS, join(root, 'bench/ingest/bullmq-floor.cjs'), String(port), redisUrl, SECRET], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  await waitForHttp(`http://127.0.0.1:${port}/health`);
  return { url: `http://127.0.0.1:${port}/webhook`, pid: child.pid, stop: () => child.kill('SIGKILL') };
}

async function startBare() {
  const port = await freePort();
  const source = `require('node:http').createServer((req, res) => { req.on('data', () => {}); req.on('end', () => { res.statusCode = 202; res.setHeader('content-type', 'application/json'); res.end('{"status":"accepted"}'); }); }).listen(${port}, '127.0.0.1');`;
  const child = spawn(process.execPath, ['-e', source], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { url: `http://127.0.0.1:${port}/`, pid: child.pid, stop: () => child.kill('SIGKILL') };
}

/** Runs `measure` RUNS times on fresh servers and keeps the run with the median throughput. */
async function medianOf(label, start, measure, items) {
  const runs = [];
  for (let run = 0; run < RUNS; run += 1) {
    const servers = await start();
    await warmUp(servers[0].url, items);
    const before = servers.map((server) => cpuSeconds(server.pid));
    const selfBefore = process.cpuUsage();
    const row = await measure(servers[0].url);
    const self = process.cpuUsage(selfBefore);
    row.cpuPerRequestUs = {
      server: Math.round(((cpuSeconds(servers[0].pid) - before[0]) / row.sent) * 1e6),
      ...(servers[1] ? { redis: Math.round(((cpuSeconds(servers[1].pid) - before[1]) / row.sent) * 1e6) } : {}),
      loadgen: Math.round(((self.user + self.system) / row.sent)),
    };
    servers.forEach((server) => server.stop());
    runs.push(row);
  }
  runs.sort((a, b) => a.perSecond - b.perSecond);
  return { ...runs[Math.floor(runs.length / 2)], label, all: runs.map((run) => run.perSecond) };
}

async function main() {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
  const items = payloads();
  const gateway = async () => {
    const redis = await startRedis();
    return [await startGateway(redis.url), redis];
  };
  const bare = async () => [await startBare()];
  const floor = async () => {
    const redis = await startRedis();
    return [await startBullmqFloor(redis.url), redis];
  };

  const rows = [
    await medianOf(`bare node http (ceiling), concurrency ${CONCURRENCY}`, bare, (url) => closedLoop('', url, items), items),
    await medianOf(`glint gateway, concurrency ${CONCURRENCY}`, gateway, (url) => closedLoop('', url, items), items),
    await medianOf(`bullmq floor, concurrency ${CONCURRENCY}`, floor, (url) => closedLoop('', url, items), items),
  ];
  const openRows = [];
  for (const [label, start] of [[`bare node http (ceiling), ${RATE}/s`, bare], [`glint gateway, ${RATE}/s`, gateway]]) {
    const servers = await start();
    await warmUp(servers[0].url, items);
    openRows.push({ ...(await openLoop(label, servers[0].url, items)), label });
    servers.forEach((server) => server.stop());
  }

  console.log(`\nbench/ingest: ${PAYLOAD_BYTES / 1024} KB signed payloads on loopback; closed loop: ${REQUESTS} requests at concurrency ${CONCURRENCY}, median of ${RUNS} runs; open loop: ${RATE}/s for ${SECONDS} s`);
  console.log('label'.padEnd(44), 'accepted'.padStart(9), 'per s'.padStart(7), 'p50 ms'.padStart(7), 'p99 ms'.padStart(7), '  runs (per s)        cpu µs/request');
  for (const row of rows) {
    const cpu = Object.entries(row.cpuPerRequestUs).map(([name, us]) => `${name} ${us}`).join(', ');
    console.log(row.label.padEnd(44), String(row.accepted).padStart(9), String(row.perSecond).padStart(7), String(row.p50).padStart(7), String(row.p99).padStart(7), '  ' + row.all.join(' / ').padEnd(20), cpu);
  }
  for (const row of openRows) {
    console.log(row.label.padEnd(44), String(row.accepted).padStart(9), String(row.perSecond).padStart(7), String(row.p50).padStart(7), String(row.p99).padStart(7));
  }
  console.log(`gateway / ceiling throughput at concurrency ${CONCURRENCY}: ${((rows[1].perSecond / rows[0].perSecond) * 100).toFixed(1)}%`);
  console.log(`bullmq floor / ceiling throughput at concurrency ${CONCURRENCY}: ${((rows[2].perSecond / rows[0].perSecond) * 100).toFixed(1)}%`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    children.forEach((child) => child.kill('SIGKILL'));
    setTimeout(() => process.exit(), 100);
  });
