import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret } from '@glint/config';
import type { Clock, Sleep } from './clock';
import { createGithubAccess, type GithubAccess, type GithubAccessDependencies } from './github-access';

/** Test-only: a tiny GitHub on 127.0.0.1 (with the GHES `/api/v3` base path) and a clock whose sleeps are instant. */

export interface FakeRequest {
  method: string;
  /** Path below `/api/v3`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

type Handler = (request: FakeRequest, match: RegExpExecArray) => FakeResponse | Promise<FakeResponse>;

export class FakeGithub {
  readonly requests: FakeRequest[] = [];
  private readonly routes: Array<{ method: string; pattern: RegExp; handler: Handler }> = [];
  private server: Server | undefined;
  apiUrl = '';

  /** `path` is a regular expression source matched against the whole path, e.g. '/repos/([^/]+)/([^/]+)'. */
  on(method: string, path: string, handler: Handler): this {
    this.routes.push({ method, pattern: new RegExp(`^${path}$`), handler });
    return this;
  }

  requestsTo(method: string, path: string): FakeRequest[] {
    const pattern = new RegExp(`^${path}$`);
    return this.requests.filter((request) => request.method === method && pattern.test(request.path));
  }

  async start(): Promise<string> {
    this.server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
        const text = Buffer.concat(chunks).toString('utf8');
        const request: FakeRequest = {
          method: incoming.method ?? 'GET',
          path: url.pathname.replace(/^\/api\/v3/, ''),
          query: url.searchParams,
          headers: incoming.headers,
          body: text ? (JSON.parse(text) as unknown) : undefined,
        };
        this.requests.push(request);
        void this.answer(request).then((response) => {
          const status = response.status ?? 200;
          const hasBody = response.body !== undefined && status !== 304;
          outgoing.writeHead(status, { ...(hasBody ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...response.headers });
          outgoing.end(hasBody ? JSON.stringify(response.body) : undefined);
        });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.apiUrl = `http://127.0.0.1:${port}/api/v3`;
    return this.apiUrl;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(request: FakeRequest): Promise<FakeResponse> {
    for (const route of this.routes) {
      const match = route.method === request.method ? route.pattern.exec(request.path) : null;
      if (match) {
        try {
          return await route.handler(request, match);
        } catch (error) {
          return { status: 599, body: { message: String(error) } };
        }
      }
    }
    return { status: 404, body: { message: 'Not Found' } };
  }
}

/** A clock moved only by `sleep` (instantly) or `advance`; every sleep is recorded. */
export class FakeTime {
  readonly sleeps: number[] = [];
  private current: number;

  constructor(start = Math.floor(Date.now() / 1_000) * 1_000) {
    this.current = start;
  }

  readonly clock: Clock = { now: () => this.current };

  readonly sleep: Sleep = async (ms) => {
    this.sleeps.push(ms);
    this.current += ms;
  };

  advance(ms: number): void {
    this.current += ms;
  }

  /** Epoch seconds, as in `x-ratelimit-reset`. */
  seconds(offsetMs = 0): number {
    return Math.floor((this.current + offsetMs) / 1_000);
  }
}

/** Token-mode access to `github` on `time`'s clock and sleeps. */
export function tokenAccess(github: FakeGithub, time: FakeTime, dependencies: GithubAccessDependencies = {}): GithubAccess {
  return createGithubAccess(
    { auth: { kind: 'token', token: new Secret('ghp_test') }, apiUrl: github.apiUrl, graphqlUrl: github.apiUrl.replace('/v3', '/graphql') },
    { clock: time.clock, sleep: time.sleep, ...dependencies },
  );
}

export function rateLimitHeaders(limit: number, remaining: number, resetSeconds: number): Record<string, string> {
  return { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetSeconds) };
}

/** A list of `total` numbered items served with `page`/`per_page` and Link rel="next", like GitHub. */
export function pagedList(apiUrl: () => string, path: string, total: number, request: FakeRequest): FakeResponse {
  const perPage = Number(request.query.get('per_page') ?? 30);
  const page = Number(request.query.get('page') ?? 1);
  const start = (page - 1) * perPage;
  const items = Array.from({ length: Math.max(0, Math.min(perPage, total - start)) }, (_, index) => ({ id: start + index + 1 }));
  const headers: Record<string, string> = {};
  if (start + perPage < total) {
    const next = new URL(`${apiUrl()}${path}`);
    request.query.forEach((value, key) => next.searchParams.set(key, value));
    next.searchParams.set('page', String(page + 1));
    next.searchParams.set('per_page', String(perPage));
    headers['link'] = `<${next.toString()}>; rel="next", <${apiUrl()}${path}?page=999>; rel="last"`;
  }
  return { headers, body: items };
}

export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}
