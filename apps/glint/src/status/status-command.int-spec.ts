import { execFileSync, spawn } from 'node:child_process';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { SyncStatusStore } from '@glint/mapper';
import { createRedisConnection, QueueName } from '@glint/queue';
import { PrivateRedisServer } from '@glint/testing';
import type { BridgeState } from './bridge-state';

const root = join(__dirname, '../../../..');

/** Runs the built `glint` as an operator would, without blocking the event loop (the --url test serves HTTP in it). */
function glint(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(root, 'dist/glint'), ...args], { env: { PATH: process.env['PATH'] ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

describe('glint status, from the build', () => {
  let redis: PrivateRedisServer;
  let connection: Redis;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
    redis = await PrivateRedisServer.start();
    connection = createRedisConnection(redis.url, 'worker', 'status-cli-test');
  });

  afterAll(async () => {
    connection?.disconnect();
    await redis?.destroy();
  });

  it('reads the resyncs and queues the mapper wrote to Redis, and exits 0 when all is well', async () => {
    await new SyncStatusStore(connection).save({
      installationId: '4242',
      organization: 'acme',
      syncId: 's-1',
      reason: 'start',
      state: 'completed',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:42.000Z',
      kinds: [{ kind: 'repository', pages: 2, objects: 150, entities: 149, filtered: 1, mappingIssues: 0 }],
      errors: [],
    });

    const result = await glint(['status'], { REDIS_URL: redis.url, EVENT_PARTITIONS: '2' });

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('  acme (installation 4242): completed, start; started 2026-01-01T00:00:00.000Z, finished 2026-01-01T00:00:42.000Z after 42 s\n');
    expect(result.stdout).toMatch(/^ {4}repository +2 +150 +149 +1 +0 +0 +0$/m);
    expect(result.stdout).toContain('  events   0 queued over 2 partitions, lag 0 s\n');
    expect(result.stdout).toContain('  events 0, publish 0, jobs 0\n');
  });

  it('counts the dead letters and exits 1 while there are some', async () => {
    const jobsDlq = new Queue(QueueName.JobsDeadLetter, { connection, prefix: 'glint' });
    await jobsDlq.add('resync', { queue: 'resync', name: 'resync', data: {}, error: 'boom', attempts: 1, failedAt: new Date().toISOString() });
    await jobsDlq.close();

    const result = await glint(['status', '--json'], { REDIS_URL: redis.url, EVENT_PARTITIONS: '2' });

    expect(result.status).toBe(1);
    const state = JSON.parse(result.stdout) as BridgeState;
    expect(state.queues.deadLetters).toEqual({ events: 0, publish: 0, jobs: 1 });
    expect(state.resyncs.map((resync) => resync.organization)).toEqual(['acme']);
  });

  it('names REDIS_URL when Redis cannot be reached', async () => {
    const result = await glint(['status'], { REDIS_URL: 'redis://:secret@127.0.0.1:1' });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe('glint status: cannot reach Redis at redis://:[redacted]@127.0.0.1:1 (REDIS_URL) within 5 s\n');
  });

  describe('with --url, asking a mapper over HTTP', () => {
    let server: Server;
    let answer: { status: number; body: unknown };
    let base: string;

    beforeAll(async () => {
      server = createServer((request, response) => {
        if (request.url !== '/status') return void response.writeHead(404).end();
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("prints the mapper's GET /status without Redis", async () => {
      const state: BridgeState = {
        resyncs: [{ installationId: '7', organization: 'globex', syncId: 's', reason: 'schedule', state: 'running', startedAt: new Date().toISOString(), kinds: [], errors: [] }],
        queues: { lagSeconds: 3, deadLetters: { events: 0, publish: 0, jobs: 0 }, failedJobs: 0, partitions: [{ partition: 0, depth: 5, oldestWaitingSeconds: 3 }], publish: { depth: 0, oldestWaitingSeconds: 0, catalog: { state: 'available' } } },
      };
      answer = { status: 200, body: state };

      const result = await glint(['status', '--url', base], {});

      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^ {2}globex \(installation 7\): running, schedule; started .*, for \d+ s so far$/m);
      expect(result.stdout).toContain('    partition 0: 5 queued, oldest waiting 3 s\n');
    });

    it('says when the address does not answer a mapper status', async () => {
      answer = { status: 200, body: { status: 'ok' } };

      const result = await glint(['status', `--url=${base}/`], {});

      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`glint status: GET ${base}/status did not answer a mapper's status: is --url a mapper (MAPPER_HTTP_PORT, 3001 by default)?\n`);
    });
  });
});
