import type { HttpServerLimits, RunningService } from '@glint/runtime';
import { RawHttpConnection, signWebhook, testConfig, waitFor } from '@glint/testing';
import { startGateway } from './index';

const SECRET = 'limits-test-secret';
/** Short enough for a test; the product's own (HTTP_SERVER_LIMITS) are 15 s, 30 s and 65 s. */
const SHORT: HttpServerLimits = { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, keepAliveTimeoutMs: 1_000, maxConnections: 1_000 };
const CLOSE_WITHIN_MS = 15_000;

const closedByServer = (connection: RawHttpConnection) => waitFor('the gateway to close the connection', async () => (connection.closed ? true : undefined), CLOSE_WITHIN_MS);

describe('the gateway’s HTTP server with short timeouts, on the shared Redis', () => {
  let gateway: RunningService;
  const opened: RawHttpConnection[] = [];
  const open = async () => {
    const connection = await RawHttpConnection.open(gateway.url);
    opened.push(connection);
    return connection;
  };

  beforeAll(async () => {
    gateway = await startGateway(await testConfig({ WEBHOOK_SECRET: SECRET }, ['gateway']), { httpServer: SHORT });
  });

  afterAll(async () => {
    opened.forEach((connection) => connection.destroy());
    await gateway?.app.close();
  });

  it('closes a connection that never sends a request once the headers timeout passes, answering 408', async () => {
    const silent = await open();

    await closedByServer(silent);

    expect(silent.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection whose request headers stop half-way, answering 408', async () => {
    const partial = await open();
    partial.send('POST /webhook HTTP/1.1\r\nHost: gateway\r\nX-GitHub-Event: issues\r\n');

    await closedByServer(partial);

    expect(partial.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 408 to a webhook whose body stops coming once the request timeout passes, and holds none of it afterwards', async () => {
    const body = JSON.stringify({ action: 'opened', issue: { number: 1 }, repository: { id: 1 }, padding: 'x'.repeat(1_000) });
    const slow = await open();
    slow.send(
      [
        'POST /webhook HTTP/1.1',
        'Host: gateway',
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'X-GitHub-Event: issues',
        'X-GitHub-Delivery: slow-body',
        `X-Hub-Signature-256: ${signWebhook(body, SECRET)}`,
        '',
        body.slice(0, 100),
      ].join('\r\n'),
    );

    await closedByServer(slow);

    expect(slow.received).toMatch(/^HTTP\/1\.1 408 /);
    const metrics = await waitFor('the incomplete body to be counted', async () => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      return /glint_webhooks_rejected_total\{reason="incomplete",service="gateway"\} 1\b/.test(text) ? text : undefined;
    });
    expect(metrics).toMatch(/glint_webhook_unverified_bytes\{service="gateway"\} 0\b/);
  });

  it('tells the client its keep-alive timeout, and closes a connection left idle after an answer once it passes', async () => {
    const idle = await open();
    idle.send('GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
    await waitFor('the health answer', async () => (/^HTTP\/1\.1 200 /.test(idle.received) ? true : undefined));

    await closedByServer(idle);

    expect(idle.received).toMatch(/\r\nKeep-Alive: timeout=1\r\n/);
    expect(idle.received).not.toMatch(/408/);
  });
});

describe('the gateway’s HTTP server at its connection limit, on the shared Redis', () => {
  const LIMIT = 10;
  let gateway: RunningService;
  const opened: RawHttpConnection[] = [];

  beforeAll(async () => {
    const roomy: HttpServerLimits = { headersTimeoutMs: 30_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 30_000, maxConnections: LIMIT };
    gateway = await startGateway(await testConfig({ WEBHOOK_SECRET: SECRET }, ['gateway']), { httpServer: roomy });
  });

  afterAll(async () => {
    opened.forEach((connection) => connection.destroy());
    await gateway?.app.close();
  });

  it('closes connections beyond maxConnections as they arrive, and takes new ones once others closed', async () => {
    for (let n = 0; n < LIMIT; n += 1) opened.push(await RawHttpConnection.open(gateway.url));
    const extra = await RawHttpConnection.open(gateway.url);
    opened.push(extra);

    await closedByServer(extra);

    expect(extra.received).toBe('');
    expect(opened.slice(0, LIMIT).filter((connection) => connection.closed)).toEqual([]);
    opened[0].destroy();
    const health = await waitFor('a connection to be taken again', async () => {
      const answer = await fetch(`${gateway.url}/health`).catch(() => undefined);
      return answer?.status;
    });
    expect(health).toBe(200);
  });
});
