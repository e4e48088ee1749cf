import type { GlintConfig } from '@glint/config';
import type { RunningService } from '@glint/runtime';
import { createTemporaryDatabase, TemporaryDatabase, testConfig } from '@glint/testing';
import { startCatalog } from './index';
import type { CatalogOptions } from './catalog.module';

export interface CallOptions {
  body?: unknown;
  /** Raw request text instead of JSON.stringify(body). */
  text?: string;
  token?: string | null;
  headers?: Record<string, string>;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A catalog on a fresh database, with a token for its client and a small JSON client. */
export class CatalogServer {
  private constructor(
    readonly service: RunningService,
    readonly config: GlintConfig,
    readonly database: TemporaryDatabase,
    readonly token: string,
    private readonly ownsDatabase: boolean,
  ) {}

  static async start(label: string, options: CatalogOptions = {}, env: Record<string, string> = {}): Promise<CatalogServer> {
    return CatalogServer.on(await createTemporaryDatabase(label), options, env, true);
  }

  /** A catalog on an existing database (several may share one, as pods do); the database outlives it. */
  static async on(database: TemporaryDatabase, options: CatalogOptions = {}, env: Record<string, string> = {}, ownsDatabase = false): Promise<CatalogServer> {
    const config = await testConfig({ DATABASE_URL: database.url, ...env }, ['catalog']);
    const service = await startCatalog(config, options);
    const server = new CatalogServer(service, config, database, '', false);
    const answer = await server.call('POST', '/v1/auth/access_token', { body: { clientId: config.catalog.clientId, clientSecret: config.catalog.clientSecret.reveal() }, token: null });
    if (answer.status !== 200) throw new Error(`token request failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return new CatalogServer(service, config, database, String(answer.body['accessToken']), ownsDatabase);
  }

  get url(): string {
    return this.service.url;
  }

  async call<T = Record<string, unknown>>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const token = options.token === undefined ? this.token : options.token;
    const headers: Record<string, string> = { 'user-agent': 'glint-test/1.0 (catalog)', ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers };
    const payload = options.text ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.url}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (the UI): keep the text
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }

  async close(): Promise<void> {
    await this.service.app.close();
    if (this.ownsDatabase) await this.database.drop();
  }
}

/** A small two-blueprint model: services belong to a required team, and may depend on many libraries. */
export const TEST_BLUEPRINTS = [
  {
    identifier: 'team',
    title: 'Team',
    schema: { properties: { slack: { type: 'string', format: 'url' } }, required: [] },
  },
  {
    identifier: 'library',
    title: 'Library',
    schema: { properties: { language: { type: 'string', enum: ['go', 'ts'] } }, required: [] },
  },
  {
    identifier: 'service',
    title: 'Service',
    schema: {
      properties: {
        url: { type: 'string', format: 'url' },
        stars: { type: 'number' },
        public: { type: 'boolean' },
        tier: { type: 'string', enum: ['gold', 'silver'] },
        released: { type: 'string', format: 'date-time' },
        tags: { type: 'array', items: { type: 'string' } },
        config: { type: 'object' },
      },
      required: ['tier'],
    },
    relations: {
      team: { target: 'team', required: true, many: false },
      libraries: { target: 'library', required: false, many: true },
    },
  },
];
