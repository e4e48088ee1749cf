import fc from 'fast-check';
import { createRedisConnection, DEFAULT_QUEUE_PREFIX, eventKeys } from '@glint/queue';
import type { RunningService } from '@glint/runtime';
import { fuzzTarget, getJson, PrivateRedisServer, rawHttpExchange, RawHttpAnswer, sendWebhook, testConfig } from '@glint/testing';
import type { Redis } from 'ioredis';
import { startGateway } from '../index';
import { contentTypes, deliveryIds, eventNames, payloads, signatureChoices, signatureHeader, webhookBodies } from './webhook-fuzz-inputs.spec-helper';

const secrets = { current: 'fuzz-route-secret', previous: 'fuzz-route-previous-secret' };

/** Headers that frame the request or manage the connection: the fuzzer sets them itself (see `framings`). */
const FRAMING_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'expect', 'upgrade', 'keep-alive']);

interface FuzzedRequest {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: Buffer;
  /** `length`: an exact Content-Length; `chunked` at these cut points; `short`: a Content-Length below the body's size. */
  framing: { kind: 'length' } | { kind: 'chunked'; cuts: number[] } | { kind: 'short'; by: number };
}

/**
 * Header values as they go on the wire: without the line breaks that would end the header and, unless the request
 * is one of the few sent `raw`, without the bytes HTTP forbids in a header (Node answers those 400 before the
 * gateway sees the request, so most requests keep them out to reach the gateway).
 */
const onTheWire = (value: string, raw: boolean) => value.replace(/[\r\n]/g, ' ').replace(raw ? /(?!)/ : /[^\t\x20-\x7e\x80-\xff]/g, '?');
const nameOnTheWire = (name: string, raw: boolean) => (raw ? name : name.replace(/[^!#$%&'*+.^_`|~0-9A-Za-z-]/g, '-'));

const headerNames = fc
  .oneof(
    fc.constantFrom('x-github-event', 'x-github-delivery', 'x-hub-signature-256', 'content-type', 'X-Hub-Signature-256', 'x-hub-signature', 'user-agent', 'x-github-hook-id', 'content-encoding'),
    fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,24}$/),
    fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 10 }).map((name) => name.replace(/[\r\n:]/g, '_')),
  )
  .filter((name) => !FRAMING_HEADERS.has(name.trim().toLowerCase()));

const bigPayloads = fc.tuple(payloads, fc.integer({ min: 10_000, max: 400_000 })).map(([payload, size]) => Buffer.from(JSON.stringify({ ...payload, padding: 'x'.repeat(size) })));

const requests: fc.Arbitrary<FuzzedRequest> = fc
  .record({
    method: fc.oneof({ weight: 8, arbitrary: fc.constant('POST') }, fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'), fc.stringMatching(/^[A-Z]{1,8}$/)),
    path: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('/webhook', '/') },
      fc.constantFrom('/webhook?x=1', '/webhook/', '//webhook', '/WEBHOOK', '/health', '/metrics', '/admin/queues'),
      fc.stringMatching(/^\/[!-~]{0,40}$/),
    ),
    body: fc.oneof({ weight: 20, arbitrary: webhookBodies }, bigPayloads.map((body) => ({ body, contentType: 'application/json' }))),
    signature: signatureChoices,
    event: fc.option(eventNames, { freq: 6 }),
    delivery: fc.option(deliveryIds, { freq: 6 }),
    contentType: contentTypes,
    extra: fc.array(fc.tuple(headerNames, fc.string({ unit: 'binary-ascii', maxLength: 40 })), { maxLength: 3 }),
    raw: fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, fc.constant(true)),
    framing: fc.oneof(
      { weight: 6, arbitrary: fc.constant({ kind: 'length' as const }) },
      fc.array(fc.nat(), { maxLength: 4 }).map((cuts) => ({ kind: 'chunked' as const, cuts })),
      fc.integer({ min: 1, max: 20 }).map((by) => ({ kind: 'short' as const, by })),
    ),
  })
  .map(({ method, path, body: { body, contentType }, signature, event, delivery, contentType: otherContentType, extra, raw, framing }) => {
    const headers: Array<[string, string]> = [];
    const add = (name: string, value: string | null | undefined) => {
      if (value !== null && value !== undefined) headers.push([nameOnTheWire(name, raw), onTheWire(value, raw)]);
    };
    add('x-github-event', event);
    add('x-github-delivery', delivery);
    add('x-hub-signature-256', signatureHeader(signature, body, secrets));
    add('content-type', otherContentType ?? contentType);
    for (const [name, value] of extra) add(name, value);
    return { method, path, headers, body, framing };
  });

function wireBytes(request: FuzzedRequest): Buffer {
  const { body, framing } = request;
  const head = [`${request.method} ${request.path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close', ...request.headers.map(([name, value]) => `${name}: ${value}`)];
  if (framing.kind === 'chunked') {
    const cuts = [...new Set(framing.cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b);
    const chunks = [0, ...cuts, body.length].flatMap((start, index, points) => (index + 1 < points.length && points[index + 1] > start ? [body.subarray(start, points[index + 1])] : []));
    const encoded = chunks.flatMap((chunk) => [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    return Buffer.concat([Buffer.from(`${[...head, 'transfer-encoding: chunked'].join('\r\n')}\r\n\r\n`, 'latin1'), ...encoded, Buffer.from('0\r\n\r\n')]);
  }
  const declared = framing.kind === 'short' ? Math.max(0, body.length - framing.by) : body.length;
  return Buffer.concat([Buffer.from(`${[...head, `content-length: ${declared}`].join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** The answer's JSON object, when it has one (HEAD answers and Node's own 400s have no body). */
function jsonOf(answer: RawHttpAnswer): Record<string, unknown> | undefined {
  if (!answer.headers['content-type']?.includes('json') || answer.body.length === 0) return undefined;
  return JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
}

const routeTarget = fuzzTarget('gateway HTTP webhook route', { seed: 20_260_116, runs: 500, timeoutMs: 60_000, inputTimeoutMs: 30_000 });

describe('the gateway over HTTP under arbitrary requests, with a real Redis', () => {
  let redis: PrivateRedisServer;
  let gateway: RunningService;
  let inspector: Redis;
  let port: number;

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    gateway = await startGateway(await testConfig({ REDIS_URL: redis.url, WEBHOOK_SECRET: secrets.current, WEBHOOK_SECRET_PREVIOUS: secrets.previous, EVENT_PARTITIONS: '4' }, ['gateway']));
    port = Number(new URL(gateway.url).port);
    inspector = createRedisConnection(redis.url, 'worker', 'fuzz-inspector');
  });

  afterAll(async () => {
    inspector?.disconnect();
    await gateway?.app.close();
    await redis?.destroy();
  });

  it(
    'answers every request, alone or several at once, with a 2xx, a 4xx or a 503, stores every delivery it accepts, and stays up',
    async () => {
      const answers = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fc.array(requests, { minLength: 1, maxLength: 4 }), async (batch) => {
          const results: RawHttpAnswer[] = await Promise.all(batch.map((request) => rawHttpExchange('127.0.0.1', port, wireBytes(request), 20_000)));
          for (const answer of results) {
            const json = jsonOf(answer);
            const outcome = `${answer.status} ${String(json?.['error'] ?? json?.['status'] ?? '(no JSON body)')}`;
            answers.set(outcome, (answers.get(outcome) ?? 0) + 1);
            expect({ outcome, server: answer.status < 500 || answer.status === 503 ? 'answered' : 'failed' }).toEqual({ outcome, server: 'answered' });
            if (answer.status >= 400 && json) expect(json).toMatchObject({ message: expect.any(String) });
            if (answer.status === 202 && json?.['status'] === 'accepted') {
              expect(await inspector.exists(eventKeys(DEFAULT_QUEUE_PREFIX).payload(String(json['delivery'])))).toBe(1);
            }
          }
        }),
        routeTarget.parameters(),
      );
      process.stdout.write(`fuzz ${routeTarget.name}: answers by status ${JSON.stringify(Object.fromEntries([...answers].sort(([a], [b]) => a.localeCompare(b))))}\n`);

      expect((await getJson(`${gateway.url}/health`)).status).toBe(200);
      expect((await sendWebhook(`${gateway.url}/webhook`, secrets.current, 'issues', { action: 'opened', issue: { number: 1 }, repository: { id: 1 } })).status).toBe(202);
    },
    routeTarget.timeoutMs,
  );
});
