import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '@glint/config';
import { createTemporaryDatabase, freePort, TemporaryDatabase, waitFor } from '@glint/testing';

const root = join(__dirname, '../../..');
/** Any loopback address but 127.0.0.1: a socket bound to 0.0.0.0 answers on it, one bound to 127.0.0.1 does not. */
const OTHER_ADDRESS = '127.0.0.2';

interface CatalogProcess {
  child: ChildProcess;
  port: number;
  database: TemporaryDatabase;
  exited: Promise<number | null>;
  stderr: () => string;
}

/**
 * The embedded catalog in a process of its own, from the build, so that a request that blocked its event loop would
 * leave it unable to answer anything, which the test sees from outside.
 */
describe('the embedded catalog facing untrusted clients', () => {
  const started: CatalogProcess[] = [];

  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
  }, 120_000);

  afterEach(async () => {
    for (const { child, exited, database } of started.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await database.drop();
    }
  });

  async function startCatalog(env: Record<string, string>): Promise<CatalogProcess> {
    const port = await freePort();
    const database = await createTemporaryDatabase('catalog_exposure');
    const child = spawn(process.execPath, [join(root, 'dist/glint'), 'catalog'], {
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: database.url, CATALOG_HTTP_PORT: String(port), LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const catalog: CatalogProcess = { child, port, database, exited: new Promise((resolve) => child.once('exit', resolve)), stderr: () => stderr };
    started.push(catalog);
    return catalog;
  }

  async function healthy(catalog: CatalogProcess): Promise<void> {
    await waitFor(
      `the catalog on ${catalog.port} to answer /health`,
      async () => {
        if (catalog.child.exitCode !== null) throw new Error(`the catalog exited with ${catalog.child.exitCode}: ${catalog.stderr()}`);
        return (await fetch(`http://127.0.0.1:${catalog.port}/health`, { signal: AbortSignal.timeout(5_000) })).status === 200 ? true : undefined;
      },
      90_000,
    );
  }

  /** The status of `/health` on `address`, or the connection error's code. */
  async function healthAt(address: string, port: number): Promise<number | string> {
    try {
      return (await fetch(`http://${address}:${port}/health`, { signal: AbortSignal.timeout(20_000) })).status;
    } catch (error) {
      // fetch's errors come from another realm than jest's: instanceof Error does not hold.
      const cause: unknown = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
      return typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : String(error);
    }
  }

  async function call(catalog: CatalogProcess, method: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`http://127.0.0.1:${catalog.port}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('answers an entity whose value makes the pattern ^(a+)+$ backtrack, while /health keeps answering, and listens on 127.0.0.1 only', async () => {
    const catalog = await startCatalog({});
    await healthy(catalog);
    const { clientId, clientSecret } = loadConfig({}, ['catalog']).catalog;
    const token = String((await call(catalog, 'POST', '/v1/auth/access_token', { clientId, clientSecret: clientSecret.reveal() })).body['accessToken']);
    const blueprint = { identifier: 'word', title: 'Word', schema: { properties: { letters: { type: 'string', pattern: '^(a+)+$' } } } };
    expect((await call(catalog, 'POST', '/v1/blueprints', blueprint, token)).status).toBe(201);

    let entityAnswered = false;
    const entity = call(catalog, 'POST', '/v1/blueprints/word/entities', { identifier: 'w1', properties: { letters: `${'a'.repeat(32)}!` } }, token).finally(() => (entityAnswered = true));
    const healthMeanwhile: Array<number | string> = [];
    do {
      healthMeanwhile.push(await healthAt('127.0.0.1', catalog.port));
    } while (!entityAnswered);

    expect(await entity).toMatchObject({ status: 422, body: { ok: false, error: 'invalid_request', message: expect.stringContaining('property "letters" must match the pattern ^(a+)+$') } });
    expect(healthMeanwhile.filter((status) => status !== 200)).toEqual([]);
    const matching = await call(catalog, 'POST', '/v1/blueprints/word/entities', { identifier: 'w2', properties: { letters: 'a'.repeat(32) } }, token);
    expect(matching.status).toBe(201);
    // Without catalog credentials it accepts the built-in pair, so it is bound to loopback alone.
    expect(await healthAt(OTHER_ADDRESS, catalog.port)).toBe('ECONNREFUSED');
  }, 180_000);

  it('refuses at blueprint creation a pattern RE2 cannot run, naming the property and the reason', async () => {
    const catalog = await startCatalog({});
    await healthy(catalog);
    const { clientId, clientSecret } = loadConfig({}, ['catalog']).catalog;
    const token = String((await call(catalog, 'POST', '/v1/auth/access_token', { clientId, clientSecret: clientSecret.reveal() })).body['accessToken']);

    const answer = await call(catalog, 'POST', '/v1/blueprints', { identifier: 'doubled', title: 'Doubled', schema: { properties: { pair: { type: 'string', pattern: '^(\\w+)\\1$' } } } }, token);

    expect(answer).toEqual({
      status: 422,
      body: { ok: false, error: 'invalid_request', message: "/schema/properties/pair/pattern cannot be used: it uses a backreference (\\1), which the catalog's linear-time regular expression engine (RE2) does not support" },
    });
  }, 120_000);

  it('refuses to start on HTTP_HOST=0.0.0.0 with the built-in pair, in one line naming the variables to set', async () => {
    const catalog = await startCatalog({ HTTP_HOST: '0.0.0.0' });

    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([catalog.exited, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running'), 30_000)))]);
    clearTimeout(timer);

    expect(code).toBe(1);
    const problems = catalog.stderr().split('\n').filter((line) => line.startsWith('  - '));
    expect(problems).toEqual([expect.stringMatching(/^ {2}- HTTP_HOST is invalid: .*"0\.0\.0\.0" is not a loopback address.*set PORT_CLIENT_ID and PORT_CLIENT_SECRET/)]);
  });

  it('listens on every address once a client pair is configured', async () => {
    const catalog = await startCatalog({ PORT_CLIENT_ID: 'exposure-test', PORT_CLIENT_SECRET: 'exposure-test-secret' });
    await healthy(catalog);

    expect(await healthAt(OTHER_ADDRESS, catalog.port)).toBe(200);
  }, 120_000);
});
