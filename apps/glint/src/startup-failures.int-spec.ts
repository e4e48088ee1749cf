import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { HealthReport, ReadinessReport } from '@glint/observability';
import { createTemporaryDatabase, freePort, getJson, GithubSimulator, TemporaryDatabase, waitFor } from '@glint/testing';

const root = join(__dirname, '../../..');
const STACK_LINE = /\n\s+at /;

interface GlintProcess {
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  kill(): void;
}

function runGlint(args: string[], env: Record<string, string>): GlintProcess {
  const child = spawn(process.execPath, [join(root, 'dist/glint'), ...args], { env: { PATH: process.env['PATH'] ?? '', HTTP_HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited: new Promise((resolve) => child.on('exit', resolve)),
    kill: () => child.kill('SIGKILL'),
  };
}

/** The lines a process logged at warn or above (JSON lines), and anything else it printed. */
function noisyLines(output: string): string[] {
  return output.split('\n').filter((line) => line.trim() && !/"level":"(info|debug|trace)"/.test(line));
}

describe('start-up failures, from the built glint command', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
  });

  it('Redis unreachable: exits 1 with one line naming Redis, its address and REDIS_URL, without a stack', async () => {
    const port = await freePort();
    const glint = runGlint(['gateway'], { WEBHOOK_SECRET: 'x', REDIS_URL: `redis://127.0.0.1:${port}`, PORT: String(await freePort()), LOG_LEVEL: 'info' });

    expect(await glint.exited).toBe(1);
    expect(glint.stderr()).toBe(`glint: gateway failed to start: cannot reach Redis at 127.0.0.1:${port} (REDIS_URL): connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(noisyLines(glint.stdout())).toEqual([]);
  });

  it('Redis unreachable with LOG_LEVEL=debug: the same line, followed by the stack', async () => {
    const port = await freePort();
    const glint = runGlint(['gateway'], { WEBHOOK_SECRET: 'x', REDIS_URL: `redis://127.0.0.1:${port}`, PORT: String(await freePort()), LOG_LEVEL: 'debug' });

    expect(await glint.exited).toBe(1);
    expect(glint.stderr()).toContain(`glint: gateway failed to start: DependencyUnreachableError: cannot reach Redis at 127.0.0.1:${port} (REDIS_URL)`);
    expect(glint.stderr()).toMatch(STACK_LINE);
  });

  it('Postgres unreachable: exits 1 with one line naming Postgres, its address and DATABASE_URL, without a stack', async () => {
    const port = await freePort();
    const glint = runGlint(['publisher'], { DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${port}/glint`, PUBLISHER_HTTP_PORT: String(await freePort()), LOG_LEVEL: 'info' });

    expect(await glint.exited).toBe(1);
    expect(glint.stderr()).toBe(`glint: publisher failed to start: cannot reach Postgres at 127.0.0.1:${port} (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(noisyLines(glint.stdout())).toEqual([]);
  });

  describe('with a database', () => {
    let database: TemporaryDatabase;

    beforeAll(async () => {
      database = await createTemporaryDatabase('startup_failures');
    });

    afterAll(async () => {
      await database?.drop();
    });

    it('Kafka unreachable: the actions service logs one line per try naming Kafka, its address and KAFKA_BROKERS, and is not ready', async () => {
      const kafkaPort = await freePort();
      const actionsPort = await freePort();
      const glint = runGlint(['actions'], {
        DATABASE_URL: database.url,
        KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
        ACTIONS_HTTP_PORT: String(actionsPort),
        PORT_ORG_ID: `glint-startup-${randomUUID().slice(0, 8)}`,
        LOG_LEVEL: 'info',
      });
      try {
        const unreachable = `cannot reach Kafka at 127.0.0.1:${kafkaPort} (KAFKA_BROKERS)`;
        const line = await waitFor('the Kafka line', async () => noisyLines(glint.stdout()).find((candidate) => candidate.includes('cannot consume')), 60_000);

        expect(line).toContain(unreachable);
        expect(line).not.toMatch(/\\n\s+at /);
        for (const noisy of noisyLines(glint.stdout())) expect(noisy).toContain(unreachable);
        const ready = await getJson<ReadinessReport>(`http://127.0.0.1:${actionsPort}/health/ready`);
        expect(ready.status).toBe(503);
        expect(ready.body.checks).toContainEqual(expect.objectContaining({ check: 'dependency:kafka', ok: false, error: expect.stringContaining(unreachable) }));
      } finally {
        glint.kill();
      }
    });

    it("a PRIVATE_KEY that is not the App's: the mapper runs, logs one warning naming PRIVATE_KEY and APP_ID, and is not ready", async () => {
      const sim = await GithubSimulator.start({ seed: 3, organizations: 1, reposPerOrg: 1 });
      const mapperPort = await freePort();
      const wrongKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
      const glint = runGlint(['mapper'], {
        DATABASE_URL: database.url,
        APP_ID: String(sim.appId),
        PRIVATE_KEY: wrongKey,
        GHE_HOST: new URL(sim.url).host,
        GHE_PROTOCOL: 'http',
        MAPPER_HTTP_PORT: String(mapperPort),
        LOG_LEVEL: 'info',
      });
      try {
        const line = await waitFor('the readiness warning', async () => noisyLines(glint.stdout()).find((candidate) => candidate.includes('not ready: github-auth')), 30_000);

        expect(line).toContain('A JSON web token could not be decoded');
        expect(line).toContain(`PRIVATE_KEY is not a private key of the App APP_ID=${sim.appId}`);
        const ready = await waitFor('the mapper listening', () => getJson<ReadinessReport>(`http://127.0.0.1:${mapperPort}/health/ready`));
        expect(ready.status).toBe(503);
      } finally {
        glint.kill();
        await sim.close();
      }
    });

    it('the catalog unreachable with actions using its Kafka credentials: gateway, mapper and publisher run, actions waits and says so', async () => {
      const catalogPort = await freePort();
      const ports = { PORT: await freePort(), MAPPER_HTTP_PORT: await freePort(), PUBLISHER_HTTP_PORT: await freePort(), ACTIONS_HTTP_PORT: await freePort() };
      const glint = runGlint(['gateway', 'mapper', 'publisher', 'actions'], {
        WEBHOOK_SECRET: 'x',
        DATABASE_URL: database.url,
        PORT_URL: `http://127.0.0.1:${catalogPort}`,
        PORT_CLIENT_ID: 'client',
        PORT_CLIENT_SECRET: 'secret',
        PORT_ORG_ID: `glint-isolation-${randomUUID().slice(0, 8)}`,
        LOG_LEVEL: 'info',
        ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      });
      try {
        for (const name of ['PORT', 'MAPPER_HTTP_PORT', 'PUBLISHER_HTTP_PORT'] as const) {
          const health = await waitFor(`/health on ${name}`, async () => {
            const answer = await getJson<HealthReport>(`http://127.0.0.1:${ports[name]}/health`);
            return answer.status === 200 ? answer : undefined;
          });
          expect(health.body.status).toBe('ok');
        }
        const waiting = `waiting for the Kafka credentials from the catalog at http://127.0.0.1:${catalogPort} (PORT_URL)`;
        const ready = await getJson<ReadinessReport>(`http://127.0.0.1:${ports.ACTIONS_HTTP_PORT}/health/ready`);
        expect(ready.status).toBe(503);
        expect(ready.body.checks).toContainEqual(expect.objectContaining({ check: 'dependency:kafka', ok: false, error: expect.stringContaining(waiting) }));
        const retried = await waitFor('the retry line', async () => noisyLines(glint.stdout()).find((line) => line.includes('trying again')), 30_000);
        expect(retried).toContain(waiting);
        expect(glint.stderr()).toBe('');
      } finally {
        glint.kill();
      }
    });
  });
});
