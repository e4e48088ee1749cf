import { timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { signWebhook } from '../../webhook-sender';

export interface ReceivedWebhook {
  event: string;
  action: string | undefined;
  guid: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  payload: Record<string, unknown>;
  /** `X-Hub-Signature-256` matches the body under the receiver's secret. */
  signatureValid: boolean;
}

/** A tiny webhook endpoint for tests: records what it receives and answers `status` (after `delayMs`). */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  status = 200;
  delayMs = 0;
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly secret: string,
  ) {}

  static async start(secret = 'receiver-secret'): Promise<WebhookReceiver> {
    const holder: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const receiver = holder.receiver;
        if (!receiver) return void res.writeHead(503).end();
        const rawBody = Buffer.concat(chunks);
        const text = rawBody.toString('utf8');
        const json = String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded') ? (new URLSearchParams(text).get('payload') ?? '{}') : text;
        const payload = JSON.parse(json) as Record<string, unknown>;
        receiver.received.push({
          event: String(req.headers['x-github-event']),
          action: typeof payload.action === 'string' ? payload.action : undefined,
          guid: String(req.headers['x-github-delivery']),
          headers: req.headers,
          rawBody,
          payload,
          signatureValid: verifySignature(receiver.secret, rawBody, req.headers['x-hub-signature-256']),
        });
        const answer = (): void => void res.writeHead(receiver.status, { 'content-type': 'text/plain' }).end(receiver.status < 300 ? 'ok' : 'nope');
        if (receiver.delayMs > 0) setTimeout(answer, receiver.delayMs);
        else answer();
        const waiters = receiver.waiters;
        receiver.waiters = [];
        for (const wake of waiters) wake();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, secret);
    return holder.receiver;
  }

  /** Resolves with everything received once at least `count` webhooks arrived. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`WebhookReceiver: ${this.received.length} of ${count} webhooks after ${timeoutMs} ms (${this.received.map((hook) => `${hook.event}.${hook.action ?? ''}`).join(', ')})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return [...this.received];
  }

  clear(): void {
    this.received.length = 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function verifySignature(secret: string, body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signWebhook(body, secret));
  const actual = Buffer.from(header);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
