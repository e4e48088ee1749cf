import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createRedisConnection, EventProducer, partitionOf } from '@glint/queue';
import { freePort, getJson, PrivateRedisServer, waitFor } from '@glint/testing';
import type { Redis } from 'ioredis';

const root = join(__dirname, '../../..');
const PARTITIONS = 4;
const EVENTS = 80;

interface ServiceProcess {
  child: ChildProcess;
  lines: () => Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

describe('the launcher stopping a service on SIGTERM, with events in flight on a real Redis', () => {
  let redis: PrivateRedisServer;
  let connection: Redis;
  let producer: EventProducer;
  const prefix = `glint-shutdown-${randomUUID().slice(0, 8)}`;
  const started: ServiceProcess[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
    redis = await PrivateRedisServer.start();
    connection = createRedisConnection(redis.url, 'worker', 'shutdown-test');
    producer = new EventProducer(connection, { partitions: PARTITIONS, prefix });
  });

  afterAll(async () => {
    for (const { child, exited } of started) {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    }
    await producer?.close();
    connection?.disconnect();
    await redis?.destroy();
  });

  async function startService(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [join(__dirname, 'slow-consumer-service.fixture.js')], {
      env: {
        PATH: process.env['PATH'] ?? '',
        GLINT_DIST: join(root, 'dist'),
        QUEUE_PREFIX: prefix,
        REDIS_URL: redis.url,
        MAPPER_HTTP_PORT: String(port),
        HTTP_HOST: '127.0.0.1',
        EVENT_PARTITIONS: String(PARTITIONS),
        EVENT_WORKERS_COUNT: '2',
        LOG_LEVEL: 'debug',
        SHUTDOWN_GRACE_SECONDS: '20',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const service: ServiceProcess = {
      child,
      lines: () => output.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
      exited: new Promise((resolve) => child.once('exit', resolve)),
    };
    started.push(service);
    await waitFor('the service to be ready', async () => ((await getJson(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200 ? true : undefined));
    return service;
  }

  const enqueue = async (deliveryId: string, payload: Record<string, unknown>) => {
    const groupKey = `repo-1/issue-${deliveryId}`;
    await producer.enqueue({ deliveryId, event: 'issues', action: 'edited', groupKey, partition: partitionOf(groupKey, PARTITIONS), receivedAt: new Date().toISOString(), installationId: 7 }, Buffer.from(JSON.stringify(payload)));
  };
  const processed = () => connection.hgetall(`${prefix}:test:processed`);

  it('finishes or hands back its jobs, exits 0, and after a restart every event is processed exactly once', async () => {
    const first = await startService();
    for (let n = 0; n < EVENTS; n += 1) await enqueue(`e${n}`, { n });
    await waitFor('some events to be processed', async () => (Object.keys(await processed()).length >= 6 ? true : undefined));

    first.child.kill('SIGTERM');

    expect(await first.exited).toBe(0);
    expect(Object.keys(await processed()).length).toBeLessThan(EVENTS);
    const messages = first.lines().map((line) => line['msg']);
    expect(messages).toContain('SIGTERM received: stopping mapper within 20 s');
    expect(messages).toContain('stopped mapper');
    expect(messages.some((message) => typeof message === 'string' && / handed back to partition \d before its first attempt: shutting down$/.test(message))).toBe(true);
    const eventLine = first.lines().find((line) => line['context'] === 'events' && line['msg'] && String(line['msg']).startsWith('processed in'));
    expect(eventLine).toMatchObject({ level: 'debug', service: 'mapper', deliveryId: expect.stringMatching(/^e\d+$/), groupKey: expect.stringMatching(/^repo-1\/issue-e\d+$/), installationId: 7, event: 'issues.edited' });

    const second = await startService();
    await waitFor('the restarted service to process the rest', async () => (Object.keys(await processed()).length === EVENTS ? true : undefined), 60_000);

    expect(Object.entries(await processed()).filter(([, times]) => times !== '1')).toEqual([]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('exits 1 once SHUTDOWN_GRACE_SECONDS are over while a job still runs, saying so', async () => {
    const service = await startService({ SHUTDOWN_GRACE_SECONDS: '1' });
    await enqueue('hangs', { hang: true });
    await waitFor('the hanging event to be taken', async () => ((await redisActive()) ? true : undefined));

    service.child.kill('SIGTERM');

    expect(await service.exited).toBe(1);
    expect(service.lines().map((line) => line['msg'])).toContain('not stopped within 1 s (SHUTDOWN_GRACE_SECONDS): exiting with work in flight, which is taken up again after its lock expires');
  });

  async function redisActive(): Promise<boolean> {
    const partition = partitionOf('repo-1/issue-hangs', PARTITIONS);
    return (await connection.llen(`${prefix}:events-p${partition}:active`)) === 1;
  }
});
