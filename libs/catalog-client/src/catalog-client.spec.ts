import { PortApiContract } from '@glint/testing';
import { CatalogApiError, CatalogAuthenticationError, isCatalogUnavailable } from './catalog-errors';
import { CatalogClient, ownedBy, userAgentOf } from './catalog-client';
import type { CatalogEntity, UpsertOptions } from './catalog-types';
import { FakeCatalog } from './fake-catalog.spec-helper';

const contract = PortApiContract.load();
const secret = { reveal: () => 'client-secret' };
const owner = { installation: '42', origin: 'exporter' } as const;
const options: UpsertOptions = { owner, merge: true, createMissingRelatedEntities: true };

function repository(n: number, extra: Record<string, unknown> = {}): CatalogEntity {
  return { identifier: `repo-${n}`, blueprint: 'githubRepository', title: `Repo ${n}`, properties: { url: `https://example.com/${n}`, ...extra } };
}

function setup(overrides: { now?: () => number; maxAttempts?: number } = {}) {
  const catalog = new FakeCatalog(contract);
  const sleeps: number[] = [];
  const client = new CatalogClient({
    baseUrl: 'https://catalog.example.com/',
    clientId: 'client-id',
    clientSecret: secret,
    fetch: catalog.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
  return { catalog, client, sleeps };
}

describe('CatalogClient', () => {
  describe('bulk upsert', () => {
    it('sends at most 20 entities per call, with upsert, merge and create_missing_related_entities', async () => {
      const { catalog, client } = setup();

      const result = await client.upsertEntities(Array.from({ length: 45 }, (_, n) => repository(n)), options);

      const bulkCalls = catalog.callsTo(/entities\/bulk$/);
      expect(bulkCalls.map((call) => (call.body as { entities: unknown[] }).entities.length)).toEqual([20, 20, 5]);
      expect(new URL(bulkCalls[0]?.url ?? '').search).toBe('?upsert=true&merge=true&create_missing_related_entities=true');
      expect(result.upserted).toHaveLength(45);
      expect(result.failed).toEqual([]);
      expect(result.calls).toBe(4);
      expect(catalog.contractProblems).toEqual([]);
    });

    it('keeps each request body within 1 MiB', async () => {
      const { catalog, client } = setup();
      const big = 'x'.repeat(300_000);

      await client.upsertEntities(Array.from({ length: 7 }, (_, n) => repository(n, { readme: big })), options);

      const sizes = catalog.callsTo(/entities\/bulk$/).map((call) => Buffer.byteLength(JSON.stringify(call.body)));
      expect(sizes).toHaveLength(3);
      for (const size of sizes) expect(size).toBeLessThanOrEqual(1024 * 1024);
    });

    it('reports an entity larger than 1 MiB on its own without sending it', async () => {
      const { catalog, client } = setup();

      const result = await client.upsertEntities([repository(1), repository(2, { readme: 'x'.repeat(1_100_000) })], options);

      expect(result.failed).toEqual([expect.objectContaining({ index: 1, identifier: 'repo-2', status: 413 })]);
      expect(catalog.entities.has('githubRepository/repo-1')).toBe(true);
    });

    it('puts each blueprint in its own calls, and the blueprint in the path rather than the body', async () => {
      const { catalog, client } = setup();

      await client.upsertEntities([repository(1), { identifier: 'o', blueprint: 'githubOrganization', properties: {} }, repository(2)], options);

      const paths = catalog.callsTo(/entities\/bulk$/).map((call) => call.path);
      expect(paths.sort()).toEqual(['/v1/blueprints/githubOrganization/entities/bulk', '/v1/blueprints/githubRepository/entities/bulk']);
      for (const call of catalog.callsTo(/entities\/bulk$/)) {
        for (const entity of (call.body as { entities: object[] }).entities) expect(entity).not.toHaveProperty('blueprint');
      }
    });

    it('lands the rest of a 207 batch, retries the failing entity alone once, then reports the API message', async () => {
      const { catalog, client } = setup();
      catalog.refused.add('repo-3');

      const result = await client.upsertEntities([1, 2, 3, 4].map((n) => repository(n)), options);

      expect(result.upserted.map((entity) => entity.identifier).sort()).toEqual(['repo-1', 'repo-2', 'repo-4']);
      expect(result.failed).toEqual([{ index: 2, identifier: 'repo-3', status: 422, error: 'invalid_entity', message: 'repo-3 is refused' }]);
      const alone = catalog.callsTo(/\/entities$/);
      expect(alone).toHaveLength(1);
      expect((alone[0]?.body as { identifier: string }).identifier).toBe('repo-3');
    });

    it('lands an entity a 207 refused when it succeeds alone', async () => {
      const { catalog, client } = setup();
      catalog.script.push({ status: 207, body: { ok: true, entities: [{ identifier: 'repo-1', index: 0, created: true }], errors: [{ identifier: 'repo-2', index: 1, statusCode: 404, error: 'not_found', message: 'related entity missing' }] } });

      const result = await client.upsertEntities([repository(1), repository(2)], options);

      expect(result.failed).toEqual([]);
      expect(result.upserted.map((entity) => entity.index).sort()).toEqual([0, 1]);
    });

    it('falls back to single upserts when the catalog answers 413 for a batch', async () => {
      const { catalog, client } = setup();
      catalog.script.push({ status: 413, body: { ok: false, error: 'payload_too_large', message: 'Request body is too large (limit is 1MiB)' } });

      const result = await client.upsertEntities([repository(1), repository(2)], options);

      expect(result.upserted).toHaveLength(2);
      expect(catalog.callsTo(/\/entities$/)).toHaveLength(2);
    });

    it('names the owner in the User-Agent so the catalog records a stable datasource', async () => {
      const { catalog, client } = setup();

      await client.upsertEntities([repository(1)], { ...options, owner: { installation: '7', origin: 'gitops' } });

      expect(catalog.callsTo(/bulk$/)[0]?.userAgent).toBe(userAgentOf({ installation: '7', origin: 'gitops' }));
      expect(userAgentOf(owner)).toMatch(/^glint-github-app\/\d+\.\d+\.\d+\/42\/exporter$/);
    });
  });

  describe('retries', () => {
    it('retries 429 and 5xx, waiting as Retry-After says, until the call succeeds', async () => {
      const { catalog, client, sleeps } = setup();
      catalog.script.push({ status: 429, retryAfter: '3' }, { status: 500 }, { status: 503, retryAfter: '1' });

      const result = await client.upsertEntities([repository(1)], options);

      expect(result.upserted).toHaveLength(1);
      expect(catalog.callsTo(/bulk$/)).toHaveLength(4);
      expect(sleeps[0]).toBe(3000);
      expect(sleeps[2]).toBe(1000);
    });

    it('reads Retry-After given as an HTTP date', async () => {
      const now = Date.parse('2026-01-01T00:00:00Z');
      const { catalog, client, sleeps } = setup({ now: () => now });
      catalog.script.push({ status: 429, retryAfter: 'Thu, 01 Jan 2026 00:00:05 GMT' });

      await client.upsertEntities([repository(1)], options);

      expect(sleeps).toEqual([5000]);
    });

    it('gives up after the configured attempts with an error that says what happened', async () => {
      const { catalog, client } = setup({ maxAttempts: 3 });
      catalog.script.push({ status: 500, body: { ok: false, error: 'internal', message: 'boom' } }, { status: 500 }, { status: 502, body: { ok: false, error: 'bad_gateway', message: 'upstream down' } });

      const failure = client.upsertEntities([repository(1)], options);

      await expect(failure).rejects.toThrow(CatalogApiError);
      await expect(client.upsertEntities([repository(1)], options)).resolves.toMatchObject({ upserted: [expect.anything()] });
      catalog.script.push({ status: 500 }, { status: 500 }, { status: 500 });
      await expect(client.upsertEntities([repository(1)], options)).rejects.toThrow(/POST \/v1\/blueprints\/\{blueprint\}\/entities\/bulk answered 500 after 3 attempts/);
    });

    it('does not retry a 4xx other than 429', async () => {
      const { catalog, client } = setup();
      catalog.script.push({ status: 422, body: { ok: false, error: 'invalid', message: 'bad body' } }, { status: 422, body: { ok: false, error: 'invalid', message: 'bad body' } });

      const result = await client.upsertEntities([repository(1)], options);

      expect(result.failed).toEqual([expect.objectContaining({ status: 422, message: 'bad body' })]);
      expect(catalog.calls.filter((call) => call.path !== '/v1/auth/access_token')).toHaveLength(2);
    });
  });

  describe('an unavailable catalog, as opposed to a refused entity', () => {
    it('retries a 408 like a 5xx', async () => {
      const { catalog, client } = setup();
      catalog.script.push({ status: 408 });

      const result = await client.upsertEntities([repository(1)], options);

      expect(result.upserted).toHaveLength(1);
      expect(catalog.callsTo(/bulk$/)).toHaveLength(2);
    });

    it.each([
      ['no answer', 0],
      ['408', 408],
      ['429', 429],
      ['500', 500],
      ['503', 503],
    ])('throws for %s once its tries are spent, blaming no entity', async (_label, status) => {
      const { catalog, client } = setup({ maxAttempts: 2 });
      if (status === 0) catalog.networkFailures = 2;
      else catalog.script.push({ status }, { status });

      const failure = await client.upsertEntities([repository(1), repository(2)], options).catch((error: unknown) => error);

      expect(isCatalogUnavailable(failure)).toBe(true);
      expect(catalog.callsTo(/entities$/)).toEqual([]);
    });

    it('throws for a 401 that a renewed token does not cure, instead of refusing each entity', async () => {
      const { catalog, client } = setup();
      catalog.script.push({ status: 401 }, { status: 401 });

      const failure = await client.upsertEntities([repository(1), repository(2)], options).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(CatalogApiError);
      expect(isCatalogUnavailable(failure)).toBe(true);
      expect(catalog.callsTo(/access_token/)).toHaveLength(2);
      expect(catalog.callsTo(/entities$/)).toEqual([]);
    });

    it('counts refused client credentials as unavailable: no entity is to blame until they are fixed', async () => {
      const { catalog, client } = setup();
      catalog.tokenScript.push({ status: 401, body: { ok: false, error: 'invalid_credentials', message: 'bad client secret' } });

      const failure = await client.deleteEntities('githubRepository', ['repo-1'], { owner, deleteDependents: true }).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(CatalogAuthenticationError);
      expect(isCatalogUnavailable(failure)).toBe(true);
    });

    it('reports a 403 about the entity as a refusal of that entity, not as an outage', async () => {
      const { catalog, client } = setup();
      catalog.script.push({ status: 403, body: { ok: false, error: 'forbidden', message: 'no write access to the blueprint' } }, { status: 403, body: { ok: false, error: 'forbidden', message: 'no write access to the blueprint' } });

      const result = await client.upsertEntities([repository(1)], options);

      expect(result.failed).toEqual([expect.objectContaining({ status: 403, message: 'no write access to the blueprint' })]);
    });
  });

  describe('access token', () => {
    it('fetches one token for concurrent calls and reuses it', async () => {
      const { catalog, client } = setup();

      await Promise.all([client.upsertEntities([repository(1)], options), client.searchEntities(ownedBy(owner)), client.addActionRunLog('r1', { message: 'hi' })]);

      expect(catalog.tokensIssued).toBe(1);
      expect(catalog.callsTo(/access_token/)[0]?.body).toEqual({ clientId: 'client-id', clientSecret: 'client-secret' });
    });

    it('renews the token before it expires', async () => {
      let now = 0;
      const { catalog, client } = setup({ now: () => now });
      catalog.expiresIn = 3600;

      await client.searchEntities(ownedBy(owner));
      now = 3600_000 - 60_000;
      await client.searchEntities(ownedBy(owner));

      expect(catalog.tokensIssued).toBe(2);
    });

    it('authenticates again once when the catalog answers 401', async () => {
      const { catalog, client } = setup();
      await client.searchEntities(ownedBy(owner));
      catalog.tokensIssued += 1; // the catalog revoked the old token

      await client.searchEntities(ownedBy(owner));

      expect(catalog.callsTo(/access_token/)).toHaveLength(2);
    });

    it('says which credentials to check when they are refused', async () => {
      const { catalog, client } = setup();
      catalog.tokenScript.push({ status: 401, body: { ok: false, error: 'invalid_credentials', message: 'bad client secret' } });

      const failure = client.searchEntities(ownedBy(owner));

      await expect(failure).rejects.toThrow(CatalogAuthenticationError);
      await expect(failure).rejects.toThrow(/refused the client credentials \(401: bad client secret.*PORT_CLIENT_ID and PORT_CLIENT_SECRET/);
      await expect(failure).rejects.not.toThrow(/client-secret/);
    });
  });

  describe('delete', () => {
    it('deletes at most 100 identifiers per call with delete_dependents', async () => {
      const { catalog, client } = setup();
      await client.upsertEntities(Array.from({ length: 150 }, (_, n) => repository(n)), options);

      const result = await client.deleteEntities('githubRepository', Array.from({ length: 150 }, (_, n) => `repo-${n}`), { owner, deleteDependents: true });

      const calls = catalog.callsTo(/bulk\/entities\/delete$/);
      expect(calls.map((call) => (call.body as { entities: string[] }).entities.length)).toEqual([100, 50]);
      expect(new URL(calls[0]?.url ?? '').searchParams.get('delete_dependents')).toBe('true');
      expect(result.deleted).toHaveLength(150);
      expect(catalog.entities.size).toBe(0);
      expect(catalog.contractProblems).toEqual([]);
    });

    it('deletes one by one when a bulk delete is refused, so one blocked entity does not keep the others', async () => {
      const { catalog, client } = setup();
      await client.upsertEntities([1, 2, 3].map((n) => repository(n)), options);
      catalog.refused.add('repo-2');

      const result = await client.deleteEntities('githubRepository', ['repo-1', 'repo-2', 'repo-3', 'repo-404'], { owner, deleteDependents: false });

      expect(result.deleted.sort()).toEqual(['repo-1', 'repo-3', 'repo-404']);
      expect(result.failed).toEqual([{ identifier: 'repo-2', status: 422, message: 'an entity has dependents' }]);
    });
  });

  describe('action runs and search', () => {
    it('patches a run and posts its logs on the documented routes', async () => {
      const { catalog, client } = setup();

      await client.patchActionRun('r_1', { link: 'https://github.example.com/o/r/actions/runs/1', externalRunId: '1' });
      await client.addActionRunLog('r_1', { message: 'Workflow completed: success', terminationStatus: 'SUCCESS' });

      expect(catalog.calls.map((call) => `${call.method} ${call.path}`).slice(1)).toEqual(['PATCH /v1/actions/runs/r_1', 'POST /v1/actions/runs/r_1/logs']);
      expect(catalog.contractProblems).toEqual([]);
    });

    it("reads Port's Kafka credentials, and undefined from a catalog without the route", async () => {
      const { catalog, client } = setup();
      catalog.script.push({ status: 200, body: { ok: true, credentials: { brokers: ['b-1.example.com:9196', 7], username: 'org_1', password: 'kafka-secret' } } }, { status: 404, body: { ok: false, error: 'not_found' } });

      expect(await client.getKafkaCredentials()).toEqual({ brokers: ['b-1.example.com:9196'], username: 'org_1', password: 'kafka-secret' });
      expect(await client.getKafkaCredentials()).toBeUndefined();
      catalog.script.push({ status: 200, body: { ok: true, credentials: { brokers: [] } } });
      await expect(client.getKafkaCredentials()).rejects.toThrow('without credentials.username and credentials.password');
    });

    it('searches by datasource for the entities an owner wrote', async () => {
      const { catalog, client } = setup();

      await client.searchEntities(ownedBy(owner), ['identifier', 'blueprint']);

      const call = catalog.callsTo(/search$/)[0];
      expect(new URL(call?.url ?? '').searchParams.getAll('include')).toEqual(['identifier', 'blueprint']);
      expect(call?.body).toEqual(ownedBy(owner));
      expect(catalog.contractProblems).toEqual([]);
    });
  });
});
