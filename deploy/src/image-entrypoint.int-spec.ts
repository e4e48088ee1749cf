import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { SERVICE_NAMES } from '@glint/config';
import type { HealthReport } from '@glint/observability';
import { createTemporaryDatabase, freePort, getJson, TemporaryDatabase, waitFor } from '@glint/testing';
import { execForm, finalStage, readDockerfile, REPOSITORY_ROOT } from './dockerfile';

/**
 * The image's ENTRYPOINT, HEALTHCHECK and CMD taken from the Dockerfile and run on the build in dist/, from the
 * repository root, which is laid out as the image's WORKDIR (/app: dist/, node_modules/, package.json). No Docker
 * engine needed; `node` is this Node.
 */
const runtime = finalStage(readDockerfile());
const [entryCommand, ...entryArgs] = execForm(runtime, 'ENTRYPOINT');
const healthcheck = execForm(runtime, 'HEALTHCHECK');
const PORT_VARIABLES = { gateway: 'PORT', mapper: 'MAPPER_HTTP_PORT', publisher: 'PUBLISHER_HTTP_PORT', actions: 'ACTIONS_HTTP_PORT', catalog: 'CATALOG_HTTP_PORT' } as const;

const executable = (command: string) => (command === 'node' ? process.execPath : command);

function startContainer(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(executable(entryCommand), [...entryArgs, ...args], { cwd: REPOSITORY_ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output, exited: new Promise((resolve) => child.on('exit', resolve)) };
}

/** Runs the HEALTHCHECK command as Docker would inside the container, with `pid` in the place of PID 1. */
function runHealthcheck(pid: number, env: Record<string, string>): Promise<number | null> {
  const [command, ...args] = healthcheck.map((part) => part.replaceAll('/proc/1/', `/proc/${pid}/`));
  const child = spawn(executable(command), args, { cwd: REPOSITORY_ROOT, env: { PATH: `${join(process.execPath, '..')}:${process.env['PATH'] ?? ''}`, ...env }, stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', resolve));
}

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(!socket.destroy()));
    socket.once('error', () => resolve(true));
  });

describe('the image entrypoint, run as the Dockerfile says', () => {
  let database: TemporaryDatabase;
  let env: Record<string, string>;
  let ports: Record<string, number>;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(REPOSITORY_ROOT, 'scripts/build.mjs')], { stdio: 'ignore' });
    database = await createTemporaryDatabase('image_entrypoint');
    ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (service) => [service, await freePort()] as const)));
    env = {
      WEBHOOK_SECRET: 'image-entrypoint-test',
      DATABASE_URL: database.url,
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(SERVICE_NAMES.map((service) => [PORT_VARIABLES[service], String(ports[service])])),
    };
  });

  afterAll(async () => {
    await database?.drop();
  });

  it.each(SERVICE_NAMES.map((service) => [service]))('`%s` starts that service alone, which answers /health and passes the HEALTHCHECK', async (service) => {
    const container = startContainer([service], env);
    try {
      const health = await waitFor(`${service} /health`, async () => {
        const answer = await getJson<HealthReport>(`http://127.0.0.1:${ports[service]}/health`);
        return answer.status === 200 ? answer.body : undefined;
      }, 30_000);

      expect(health.service).toBe(service);
      for (const other of SERVICE_NAMES.filter((name) => name !== service)) expect([other, await refusesConnections(ports[other])]).toEqual([other, true]);
      expect(await runHealthcheck(container.child.pid as number, env)).toBe(0);
      container.child.kill('SIGTERM');
      expect(await container.exited).toBe(0);
    } finally {
      container.child.kill('SIGKILL');
    }
  });

  it('the HEALTHCHECK checks the service named last on the command line, and the gateway for `all`', async () => {
    const gateway = startContainer(['gateway'], env);
    // Stand-ins for PID 1 of a `glint mapper` and a `glint all` container: only their command lines matter.
    const idle = (name: string) => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', name], { stdio: 'ignore' });
    const [mapperContainer, allContainer] = [idle('mapper'), idle('all')];
    try {
      await waitFor('gateway /health', async () => ((await getJson(`http://127.0.0.1:${ports['gateway']}/health`)).status === 200 ? true : undefined), 30_000);

      expect(await runHealthcheck(mapperContainer.pid as number, env)).toBe(1);
      expect(await runHealthcheck(allContainer.pid as number, env)).toBe(0);
    } finally {
      for (const child of [gateway.child, mapperContainer, allContainer]) child.kill('SIGKILL');
    }
  });

  it('an unknown service name exits 2 with the usage line', async () => {
    const container = startContainer(['gatway'], env);

    expect(await container.exited).toBe(2);
    expect(container.output()).toMatch(/^glint: unknown service "gatway"\nusage: glint <gateway\|mapper\|publisher\|actions\|catalog\|all>/);
  });
});
