import type { HttpServerLimits, RunningService } from '@glint/runtime';
import { createTemporaryDatabase, RawHttpConnection, TemporaryDatabase, testConfig, waitFor } from '@glint/testing';
import { startCatalog } from './index';

/** Short enough for a test; the product's own (HTTP_SERVER_LIMITS) are 15 s, 30 s and 65 s. */
const SHORT: HttpServerLimits = { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, keepAliveTimeoutMs: 1_000, maxConnections: 1_000 };
const CLOSE_WITHIN_MS = 15_000;

const closedByServer = (connection: RawHttpConnection) => waitFor('the catalog to close the connection', async () => (connection.closed ? true : undefined), CLOSE_WITHIN_MS);

describe('the embedded catalog’s HTTP server with short timeouts, on the real Postgres', () => {
  let database: TemporaryDatabase;
  let catalog: RunningService;
  const opened: RawHttpConnection[] = [];
  const open = async () => {
    const connection = await RawHttpConnection.open(catalog.url);
    opened.push(connection);
    return connection;
  };

  beforeAll(async () => {
    database = await createTemporaryDatabase('catalog_limits');
    catalog = await startCatalog(await testConfig({ DATABASE_URL: database.url }, ['catalog']), { httpServer: SHORT });
  });

  afterAll(async () => {
    opened.forEach((connection) => connection.destroy());
    await catalog?.app.close();
    await database?.drop();
  });

  it('closes a connection that never sends a request once the headers timeout passes, answering 408', async () => {
    const silent = await open();

    await closedByServer(silent);

    expect(silent.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection whose request headers stop half-way, answering 408', async () => {
    const partial = await open();
    partial.send('GET /v1/blueprints HTTP/1.1\r\nHost: catalog\r\n');

    await closedByServer(partial);

    expect(partial.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 408 to a request whose body stops coming once the request timeout passes, and keeps serving', async () => {
    const slow = await open();
    slow.send('POST /v1/auth/access_token HTTP/1.1\r\nHost: catalog\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"clientId":');

    await closedByServer(slow);

    expect(slow.received).toMatch(/^HTTP\/1\.1 408 /);
    expect((await fetch(`${catalog.url}/health`)).status).toBe(200);
  });

  it('tells the client its keep-alive timeout, and closes a connection left idle after an answer once it passes', async () => {
    const idle = await open();
    idle.send('GET /health HTTP/1.1\r\nHost: catalog\r\n\r\n');
    await waitFor('the health answer', async () => (/^HTTP\/1\.1 200 /.test(idle.received) ? true : undefined));

    await closedByServer(idle);

    expect(idle.received).toMatch(/\r\nKeep-Alive: timeout=1\r\n/);
    expect(idle.received).not.toMatch(/408/);
  });
});
