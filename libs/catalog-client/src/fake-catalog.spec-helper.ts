import { PortApiContract } from '@glint/testing';

export interface RecordedCall {
  method: string;
  url: string;
  path: string;
  body: unknown;
  userAgent: string | null;
  authorization: string | null;
}

type Scripted = { status: number; body?: unknown; retryAfter?: string };

/**
 * An in-process catalog behind a `fetch` double, for unit tests of the client: tokens, bulk and single upserts,
 * deletes, search and runs, with scripted failures. Every request is checked against Port's OpenAPI description.
 */
export class FakeCatalog {
  readonly calls: RecordedCall[] = [];
  readonly entities = new Map<string, Record<string, unknown>>();
  readonly contractProblems: string[] = [];
  /** Answers served before the real handling, one per request (token requests excluded unless `forTokens`). */
  readonly script: Scripted[] = [];
  readonly tokenScript: Scripted[] = [];
  /** Identifiers the catalog refuses with a 422, in bulk and alone. */
  readonly refused = new Set<string>();
  tokensIssued = 0;
  expiresIn = 10_800;
  /** The next this many requests other than token requests get no answer (fetch rejects, as when the catalog is down). */
  networkFailures = 0;

  constructor(private readonly contract: PortApiContract) {}

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const { pathname, searchParams } = new URL(url);
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const method = init?.method ?? 'GET';
    this.calls.push({ method, url, path: pathname, body, userAgent: headers.get('user-agent'), authorization: headers.get('authorization') });
    const problems = this.contract.requestProblems(method, url, pathname === '/v1/auth/access_token' ? body : body);
    this.contractProblems.push(...problems);

    if (pathname === '/v1/auth/access_token') {
      const scripted = this.tokenScript.shift();
      if (scripted) return answer(scripted);
      this.tokensIssued += 1;
      return answer({ status: 200, body: { ok: true, accessToken: `token-${this.tokensIssued}`, expiresIn: this.expiresIn, tokenType: 'Bearer' } });
    }
    if (this.networkFailures > 0) {
      this.networkFailures -= 1;
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:3004') });
    }
    if (headers.get('authorization') !== `Bearer token-${this.tokensIssued}`) return answer({ status: 401, body: { ok: false, error: 'unauthorized', message: 'expired token' } });
    const scripted = this.script.shift();
    if (scripted) return answer(scripted);

    const bulk = pathname.match(/^\/v1\/blueprints\/([^/]+)\/entities\/bulk$/);
    if (bulk) {
      const entities = (body as { entities: Array<{ identifier: string }> }).entities;
      const ok: unknown[] = [];
      const errors: unknown[] = [];
      entities.forEach((entity, index) => {
        if (this.refused.has(entity.identifier)) errors.push({ identifier: entity.identifier, index, statusCode: 422, error: 'invalid_entity', message: `${entity.identifier} is refused` });
        else {
          const key = `${decodeURIComponent(bulk[1] ?? '')}/${entity.identifier}`;
          const created = !this.entities.has(key);
          this.entities.set(key, entity);
          ok.push({ identifier: entity.identifier, index, created });
        }
      });
      return answer({ status: errors.length ? 207 : 200, body: { ok: true, entities: ok, errors } });
    }
    const single = pathname.match(/^\/v1\/blueprints\/([^/]+)\/entities$/);
    if (single && method === 'POST') {
      const entity = body as { identifier: string };
      if (this.refused.has(entity.identifier)) return answer({ status: 422, body: { ok: false, error: 'invalid_entity', message: `${entity.identifier} is refused` } });
      if (searchParams.get('validation_only') !== 'true') this.entities.set(`${decodeURIComponent(single[1] ?? '')}/${entity.identifier}`, entity);
      return answer({ status: 201, body: { ok: true, entity } });
    }
    const bulkDelete = pathname.match(/^\/v1\/blueprints\/([^/]+)\/bulk\/entities\/delete$/);
    if (bulkDelete) {
      const ids = (body as { entities: string[] }).entities;
      const blueprint = decodeURIComponent(bulkDelete[1] ?? '');
      if (ids.some((id) => this.refused.has(id))) return answer({ status: 422, body: { ok: false, error: 'has_dependents', message: 'an entity has dependents' } });
      for (const id of ids) this.entities.delete(`${blueprint}/${id}`);
      return answer({ status: 200, body: { ok: true, deletedEntities: ids } });
    }
    const singleDelete = pathname.match(/^\/v1\/blueprints\/([^/]+)\/entities\/([^/]+)$/);
    if (singleDelete && method === 'DELETE') {
      const key = `${decodeURIComponent(singleDelete[1] ?? '')}/${decodeURIComponent(singleDelete[2] ?? '')}`;
      if (this.refused.has(decodeURIComponent(singleDelete[2] ?? ''))) return answer({ status: 422, body: { ok: false, error: 'has_dependents', message: 'an entity has dependents' } });
      if (!this.entities.delete(key)) return answer({ status: 404, body: { ok: false, error: 'not_found', message: 'A resource with the provided identifier was not found' } });
      return answer({ status: 200, body: { ok: true } });
    }
    if (pathname === '/v1/entities/search') return answer({ status: 200, body: { ok: true, entities: [...this.entities.values()] } });
    const run = pathname.match(/^\/v1\/actions\/runs\/([^/]+)(\/logs)?$/);
    if (run) return answer({ status: run[2] ? 201 : 200, body: run[2] ? { ok: true } : { ok: true, run: { id: decodeURIComponent(run[1] ?? ''), status: 'SUCCESS', ...(body as object) } } });
    return answer({ status: 404, body: { ok: false, error: 'not_found', message: `no route ${method} ${pathname}` } });
  };

  callsTo(pattern: RegExp): RecordedCall[] {
    return this.calls.filter((call) => pattern.test(call.path));
  }
}

function answer({ status, body, retryAfter }: Scripted): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) },
  });
}
