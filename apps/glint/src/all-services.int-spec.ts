import { BRIDGE_MIGRATIONS } from '@glint/persistence';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { HealthReport } from '@glint/observability';
import type { RunningService } from '@glint/runtime';
import { createTemporaryDatabase, freePort, getJson, testConfig, TemporaryDatabase, waitFor } from '@glint/testing';
import { SERVICE_STARTERS } from './services';

const root = join(__dirname, '../../..');

describe('all five services in one process, on the real Redis, Postgres and Kafka', () => {
  let database: TemporaryDatabase;
  const running: RunningService[] = [];

  beforeAll(async () => {
    database = await createTemporaryDatabase('all_services');
    const config = await testConfig({ DATABASE_URL: database.url });
    for (const [, start] of SERVICE_STARTERS) running.push(await start(config));
  });

  afterAll(async () => {
    for (const service of running.reverse()) await service.app.close();
    await database?.drop();
  });

  it.each([
    ['gateway', ['redis']],
    ['mapper', ['redis', 'postgres']],
    ['publisher', ['redis', 'postgres']],
    ['actions', ['kafka', 'postgres', 'redis']],
    ['catalog', ['postgres']],
  ])('%s answers /health 200 with each of its dependencies up', async (name, dependencies) => {
    const service = running.find((candidate) => candidate.name === name);
    const answer = await getJson<HealthReport>(`${service?.url}/health`);

    expect(answer.status).toBe(200);
    expect(answer.body.service).toBe(name);
    expect(Object.keys(answer.body.dependencies).sort()).toEqual([...dependencies].sort());
    for (const dependency of Object.values(answer.body.dependencies)) expect(dependency.status).toBe('up');
  });

  it('migrated the bridge schema once although three services share it', async () => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: database.url });
    await client.connect();
    const migrations = await client.query('SELECT name FROM glint_migrations ORDER BY id');
    await client.end();

    expect(migrations.rows.map((row: { name: string }) => row.name)).toEqual(BRIDGE_MIGRATIONS.map((migration) => migration.name));
  });
});

describe('the glint command', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
  });

  const runGlint = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(root, 'dist/glint'), ...args], {
        env: { PATH: process.env['PATH'] ?? '', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('exit', (code) => resolve({ code, stderr }));
    });

  it('exits 1 with one message listing every bad variable, without echoing secrets', async () => {
    const result = await runGlint(['all'], { PRIVATE_KEY: 'not-a-key-but-secret!', GLINT_CLIENT_ID: 'id', EVENT_WORKERS_COUNT: 'x' });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid configuration (5 problems):');
    for (const name of ['WEBHOOK_SECRET is missing', 'APP_ID is missing', 'PRIVATE_KEY is invalid', 'PORT_CLIENT_SECRET|GLINT_CLIENT_SECRET is missing', 'EVENT_WORKERS_COUNT is invalid']) {
      expect(result.stderr).toContain(name);
    }
    expect(result.stderr).not.toContain('not-a-key-but-secret!');
  });

  it('runs all five services from the build, each /health answering 200, and exits 0 on SIGTERM', async () => {
    const database = await createTemporaryDatabase('glint_command');
    const ports = await Promise.all(['PORT', 'MAPPER_HTTP_PORT', 'PUBLISHER_HTTP_PORT', 'ACTIONS_HTTP_PORT', 'CATALOG_HTTP_PORT'].map(async (name) => [name, String(await freePort())] as const));
    const child = spawn(process.execPath, [join(root, 'dist/glint'), 'all'], {
      // Its own Kafka topic and consumer group: a group shared with another process can hold a join (and so the
      // shutdown) for a whole session timeout.
      env: { PATH: process.env['PATH'] ?? '', WEBHOOK_SECRET: 'x', DATABASE_URL: database.url, HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'warn', PORT_ORG_ID: `glint-all-${randomUUID().slice(0, 8)}`, ...Object.fromEntries(ports) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => (stdout = (stdout + chunk).slice(-8000)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      for (const [, port] of ports) {
        const health = await waitFor(`/health on ${port}`, async () => {
          const answer = await getJson<HealthReport>(`http://127.0.0.1:${port}/health`);
          return answer.status === 200 ? answer : undefined;
        });
        expect(health.body.status).toBe('ok');
      }
      child.kill('SIGTERM');
      const code = await exited;
      expect({ code, logTail: code === 0 ? '' : stdout }).toEqual({ code: 0, logTail: '' });
      expect(stderr).toBe('');
    } finally {
      child.kill('SIGKILL');
      await database.drop();
    }
  });

  it('exits 2 with the usage line for an unknown service', async () => {
    const result = await runGlint(['gatewy'], {});

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown service "gatewy"\nusage: glint/);
  });

  it('exits 1 naming the database when Postgres cannot be reached at boot', async () => {
    const result = await runGlint(['catalog'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/glint', CATALOG_HTTP_PORT: String(await freePort()) });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/catalog failed to start: .*ECONNREFUSED 127\.0\.0\.1:1/);
  });
});
