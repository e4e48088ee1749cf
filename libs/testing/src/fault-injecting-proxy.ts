import { createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface InjectedFault {
  /** The status to answer with; `0` closes the connection without an answer, as a catalog that is down. */
  status: number;
  retryAfterSeconds?: number;
}

/** Decides, per proxied request, whether to answer with a fault instead of forwarding. */
export type FaultPolicy = (request: { method: string; path: string; count: number }) => InjectedFault | undefined;

/**
 * An HTTP proxy in front of a real service (the embedded catalog) that can answer with injected faults — 429 with
 * Retry-After, 500, no answer at all — instead of forwarding, and counts what it forwarded and what it refused, per route.
 */
export class FaultInjectingProxy {
  private server?: Server;
  private policy: FaultPolicy = () => undefined;
  readonly forwarded = new Map<string, number>();
  readonly faults = new Map<number, number>();
  private requests = 0;

  constructor(private readonly target: string) {}

  /** Starts listening on a free loopback port and returns the proxy's base URL. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => this.handle(request, response));
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  inject(policy: FaultPolicy): void {
    this.policy = policy;
  }

  /** Forwarded requests whose `METHOD path` matches, e.g. /entities\/bulk/. */
  forwardedMatching(pattern: RegExp): number {
    let total = 0;
    for (const [route, count] of this.forwarded) if (pattern.test(route)) total += count;
    return total;
  }

  resetCounts(): void {
    this.forwarded.clear();
    this.faults.clear();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    this.requests += 1;
    const fault = this.policy({ method, path, count: this.requests });
    if (fault) {
      this.faults.set(fault.status, (this.faults.get(fault.status) ?? 0) + 1);
      if (fault.status === 0) {
        request.socket.destroy();
        return;
      }
      request.resume();
      response.writeHead(fault.status, {
        'content-type': 'application/json',
        ...(fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) }),
      });
      response.end(JSON.stringify({ ok: false, error: fault.status === 429 ? 'rate_limited' : 'injected_fault', message: `fault injected by the test proxy (${fault.status})` }));
      return;
    }
    const route = `${method} ${path.split('?')[0]}`;
    this.forwarded.set(route, (this.forwarded.get(route) ?? 0) + 1);
    const upstream = httpRequest(new URL(path, this.target), { method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', (error) => {
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: false, error: 'bad_gateway', message: error.message }));
    });
    request.pipe(upstream);
  }
}
