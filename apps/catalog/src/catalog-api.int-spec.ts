import { defaultBlueprints } from '@glint/mapping';
import { createTemporaryDatabase, waitFor } from '@glint/testing';
import { CatalogServer, TEST_BLUEPRINTS } from './catalog-server.spec-helper';

type Body = Record<string, unknown>;

describe('catalog API on the real Postgres', () => {
  let catalog: CatalogServer;

  beforeAll(async () => {
    catalog = await CatalogServer.start('catalog_api');
    for (const blueprint of TEST_BLUEPRINTS) expect((await catalog.call('POST', '/v1/blueprints', { body: blueprint })).status).toBe(201);
    await catalog.call('POST', '/v1/blueprints/team/entities/bulk?upsert=true', { body: { entities: [{ identifier: 'core' }, { identifier: 'web' }] } });
  });

  afterAll(async () => {
    await catalog?.close();
  });

  const upsert = (entities: unknown[], query = 'upsert=true&merge=true', headers: Record<string, string> = {}) =>
    catalog.call<Body>('POST', `/v1/blueprints/service/entities/bulk?${query}`, { body: { entities }, headers });
  const get = async (blueprint: string, identifier: string): Promise<Body | undefined> => {
    const answer = await catalog.call<{ entity: Body }>('GET', `/v1/blueprints/${blueprint}/entities/${encodeURIComponent(identifier)}`);
    return answer.status === 200 ? answer.body.entity : undefined;
  };
  const search = async (query: unknown, params = ''): Promise<string[]> => {
    const answer = await catalog.call<{ entities: Array<{ identifier: string }> }>('POST', `/v1/entities/search${params}`, { body: query });
    expect(answer.status).toBe(200);
    return answer.body.entities.map((entity) => entity.identifier).sort();
  };
  const service = (identifier: string, extra: Body = {}): Body => ({ identifier, properties: { tier: 'gold' }, relations: { team: 'core' }, ...extra });

  describe('authentication', () => {
    it('issues a 3-hour Bearer token for the configured client pair and refuses any other pair with 401', async () => {
      const { clientId } = catalog.config.catalog;
      const good = await catalog.call('POST', '/v1/auth/access_token', { body: { clientId, clientSecret: catalog.config.catalog.clientSecret.reveal() }, token: null });
      const bad = await catalog.call('POST', '/v1/auth/access_token', { body: { clientId, clientSecret: 'guess' }, token: null });

      expect(good).toMatchObject({ status: 200, body: { ok: true, expiresIn: 10_800, tokenType: 'Bearer', accessToken: expect.any(String) } });
      expect(bad).toMatchObject({ status: 401, body: { ok: false, error: 'unauthorized', message: 'The client id or client secret is wrong' } });
    });

    it('answers 401 to every /v1 route called without a valid token', async () => {
      for (const [method, path] of [['GET', '/v1/blueprints'], ['POST', '/v1/entities/search'], ['GET', '/v1/actions/runs'], ['PATCH', '/v1/actions/runs/r_x']]) {
        const body = method === 'GET' ? undefined : {};
        const missing = await catalog.call(method, path, { token: null, body });
        const forged = await catalog.call(method, path, { token: 'a.b.c', body });

        expect([missing.status, missing.body['error'], forged.status, forged.body['error']]).toEqual([401, 'unauthorized', 401, 'unauthorized']);
      }
    });

    it('refuses a token once its lifetime has passed', async () => {
      const shortLived = await CatalogServer.start('catalog_expiry', { tokenLifetimeSeconds: 1, seedDefaultBlueprints: false });
      try {
        expect((await shortLived.call('GET', '/v1/blueprints')).status).toBe(200);

        const expired = await waitFor('the token to expire', async () => {
          const answer = await shortLived.call('GET', '/v1/blueprints');
          return answer.status === 401 ? answer : undefined;
        });

        expect(expired.body).toMatchObject({ ok: false, error: 'unauthorized', message: expect.stringContaining('expired') });
      } finally {
        await shortLived.close();
      }
    });
  });

  describe('default blueprints', () => {
    it('are seeded on the first start, once, when several catalogs start on the same database together', async () => {
      const database = await createTemporaryDatabase('catalog_seed');
      const pods = await Promise.all([0, 1, 2].map(() => CatalogServer.on(database)));
      try {
        const listed = await pods[1].call<{ blueprints: Array<{ identifier: string }> }>('GET', '/v1/blueprints');
        expect(listed.body.blueprints.map((blueprint) => blueprint.identifier).sort()).toEqual(defaultBlueprints().map((blueprint) => String(blueprint['identifier'])).sort());

        expect((await pods[0].call('DELETE', '/v1/blueprints/githubPullRequest')).status).toBe(200);
        const restarted = await CatalogServer.on(database);
        pods.push(restarted);

        expect((await restarted.call('GET', '/v1/blueprints/githubPullRequest')).status).toBe(404);
      } finally {
        for (const pod of pods) await pod.close();
        await database.drop();
      }
    });
  });

  describe('blueprints', () => {
    it('are created, read, patched, replaced and deleted', async () => {
      const created = await catalog.call<{ blueprint: Body }>('POST', '/v1/blueprints', { body: { identifier: 'scratch', title: 'Scratch', schema: { properties: { a: { type: 'string' } } } } });
      const patched = await catalog.call<{ blueprint: Body }>('PATCH', '/v1/blueprints/scratch', { body: { title: 'Scratch 2', schema: { properties: { b: { type: 'number' } } } } });
      const replaced = await catalog.call<{ blueprint: Body }>('PUT', '/v1/blueprints/scratch', { body: { title: 'Scratch 3', schema: { properties: { c: { type: 'boolean' } } } } });
      const deleted = await catalog.call('DELETE', '/v1/blueprints/scratch');

      expect(created).toMatchObject({ status: 201, body: { ok: true, blueprint: { identifier: 'scratch', createdBy: catalog.config.catalog.clientId } } });
      expect(patched.body.blueprint).toMatchObject({ title: 'Scratch 2', schema: { properties: { a: { type: 'string' }, b: { type: 'number' } } } });
      expect(replaced.body.blueprint).toMatchObject({ title: 'Scratch 3', schema: { properties: { c: { type: 'boolean' } } } });
      expect(Object.keys((replaced.body.blueprint['schema'] as { properties: object }).properties)).toEqual(['c']);
      expect(deleted).toMatchObject({ status: 200, body: { ok: true } });
      expect((await catalog.call('GET', '/v1/blueprints/scratch')).body).toMatchObject({ ok: false, error: 'not_found' });
    });

    it('refuse a second blueprint with the same identifier, a relation to an unknown blueprint, and deleting one that still has entities', async () => {
      const twice = await catalog.call('POST', '/v1/blueprints', { body: TEST_BLUEPRINTS[0] });
      const dangling = await catalog.call('POST', '/v1/blueprints', { body: { identifier: 'x', title: 'X', schema: { properties: {} }, relations: { owner: { target: 'nowhere' } } } });
      const inUse = await catalog.call('DELETE', '/v1/blueprints/team');

      expect(twice).toMatchObject({ status: 409, body: { error: 'identifier_taken' } });
      expect(dangling).toMatchObject({ status: 422, body: { message: '/relations/owner/target names blueprint "nowhere", which does not exist' } });
      expect(inUse).toMatchObject({ status: 409, body: { error: 'has_entities' } });
    });
  });

  describe('single entity upsert', () => {
    it('creates, refuses to create again, replaces with upsert and updates only the given fields with merge', async () => {
      const create = (query: string, body: Body) => catalog.call<{ entity: Body }>('POST', `/v1/blueprints/service/entities?${query}`, { body });

      const created = await create('', service('single', { title: 'Single', properties: { tier: 'gold', stars: 1, url: 'https://x.test' } }));
      const again = await create('', service('single'));
      const merged = await create('upsert=true&merge=true', { identifier: 'single', properties: { stars: 2 } });
      const replaced = await create('upsert=true', service('single', { properties: { tier: 'silver' } }));

      expect(created).toMatchObject({ status: 201, body: { ok: true, entity: { identifier: 'single', title: 'Single', blueprint: 'service', properties: { tier: 'gold', stars: 1 } } } });
      expect(again).toMatchObject({ status: 409, body: { ok: false, error: 'identifier_taken' } });
      expect(merged.body.entity).toMatchObject({ title: 'Single', properties: { tier: 'gold', stars: 2, url: 'https://x.test' }, relations: { team: 'core' } });
      expect(replaced.body.entity).toEqual(expect.objectContaining({ properties: { tier: 'silver' }, relations: { team: 'core' } }));
      expect(replaced.body.entity['title']).toBeUndefined();
    });

    it('enforces property types, formats, enums and required fields with a 422 that names them', async () => {
      const answer = await catalog.call('POST', '/v1/blueprints/service/entities?upsert=true', { body: { identifier: 'bad', properties: { url: 'nope', stars: 'many', released: 'yesterday' }, relations: { team: 'core' } } });

      expect(answer).toMatchObject({ status: 422, body: { ok: false, error: 'invalid_request' } });
      expect(answer.body['message']).toBe('property "url" must be an absolute URL (format url), not "nope"; property "stars" must be a number, not string "many"; property "released" must be an ISO 8601 date-time (format date-time), not "yesterday"');
      const missing = await catalog.call('POST', '/v1/blueprints/service/entities?upsert=true', { body: { identifier: 'bad', relations: { team: 'core' } } });
      expect(missing.body['message']).toBe('required property "tier" is missing');
    });

    it('only validates with validation_only', async () => {
      const answer = await catalog.call('POST', '/v1/blueprints/service/entities?upsert=true&validation_only=true', { body: service('dry-run') });

      expect(answer.status).toBe(201);
      expect(await get('service', 'dry-run')).toBeUndefined();
    });

    it('answers 404 for an unknown blueprint', async () => {
      expect(await catalog.call('POST', '/v1/blueprints/nowhere/entities', { body: { identifier: 'a' } })).toMatchObject({ status: 404, body: { ok: false, error: 'not_found' } });
    });

    it('answers 422 to a property or relation named like an Object.prototype member, which the blueprint does not declare', async () => {
      const relation = await catalog.call('POST', '/v1/blueprints/service/entities?upsert=true&create_missing_related_entities=true', {
        body: { identifier: 'trap', properties: { tier: 'gold' }, relations: { team: 'core', hasOwnProperty: 'core' } },
      });
      const property = await catalog.call('POST', '/v1/blueprints/service/entities?upsert=true', { text: '{"identifier":"trap","properties":{"tier":"gold","__proto__":"x","constructor":"y"},"relations":{"team":"core"}}' });

      expect(relation).toMatchObject({ status: 422, body: { ok: false, error: 'invalid_request', message: 'relation "hasOwnProperty" is not defined on blueprint "service"' } });
      expect(property).toMatchObject({ status: 422, body: { ok: false, error: 'invalid_request', message: expect.stringContaining('property "__proto__" is not defined on blueprint "service"') } });
      expect(await get('service', 'trap')).toBeUndefined();
    });
  });

  describe('bulk upsert', () => {
    it('writes the valid entities and answers 207 with each failure at its index in the request', async () => {
      const answer = await upsert([service('bulk-a'), { identifier: 'bulk b' }, service('bulk-c', { properties: { tier: 'bronze' } }), service('bulk-d')]);

      expect(answer.status).toBe(207);
      expect(answer.body).toEqual({
        ok: true,
        entities: [
          { created: true, identifier: 'bulk-a', index: 0, additionalData: {} },
          { created: true, identifier: 'bulk-d', index: 3, additionalData: {} },
        ],
        errors: [
          { identifier: 'bulk b', index: 1, statusCode: 422, error: 'invalid_request', message: expect.stringContaining('contains " "') },
          { identifier: 'bulk-c', index: 2, statusCode: 422, error: 'invalid_request', message: 'property "tier" must be one of "gold", "silver", not "bronze"' },
        ],
      });
      expect((await upsert([service('bulk-a')])).body).toEqual({ ok: true, entities: [{ created: false, identifier: 'bulk-a', index: 0, additionalData: {} }], errors: [] });
    });

    it('refuses more than 20 entities in one request', async () => {
      const answer = await upsert(Array.from({ length: 21 }, (_, index) => service(`many-${index}`)));

      expect(answer).toMatchObject({ status: 422, body: { ok: false, message: expect.stringContaining('no more than 20 entities per request') } });
    });

    it('records the User-Agent as $datasource, searchable with = and contains', async () => {
      const agent = 'port-ocean/github-ocean/1.0.0/inst-77/exporter';
      await upsert([service('owned-1'), service('owned-2')], 'upsert=true&merge=true', { 'user-agent': agent });

      expect(await search({ combinator: 'and', rules: [{ property: '$datasource', operator: '=', value: agent }] })).toEqual(['owned-1', 'owned-2']);
      expect(
        await search({ combinator: 'and', rules: [{ property: '$datasource', operator: 'contains', value: 'port-ocean/github-ocean/' }, { property: '$datasource', operator: 'contains', value: '/inst-77/exporter' }] }, '?include=blueprint&include=identifier'),
      ).toEqual(['owned-1', 'owned-2']);
    });

    it('fails an entity whose related entity is missing, unless create_missing_related_entities creates it bare', async () => {
      const refused = await upsert([service('orphan', { relations: { team: 'ghost' } })]);
      const created = await upsert([service('adopted', { relations: { team: 'ghost', libraries: ['left-pad'] } })], 'upsert=true&merge=true&create_missing_related_entities=true');

      expect(refused.body['errors']).toEqual([expect.objectContaining({ index: 0, statusCode: 404, error: 'not_found', message: expect.stringContaining('"ghost" of blueprint "team", which does not exist') })]);
      expect(created.status).toBe(200);
      expect(await get('team', 'ghost')).toMatchObject({ identifier: 'ghost', properties: {} });
      expect(await get('library', 'left-pad')).toMatchObject({ identifier: 'left-pad' });
    });

    it('accepts a relation to an entity written in the same request', async () => {
      const answer = await catalog.call('POST', '/v1/blueprints/service/entities/bulk?upsert=true', { body: { entities: [service('caller', { relations: { team: 'core', libraries: [] } })] } });
      expect(answer.status).toBe(200);
    });

    it('resolves search-query identifiers and relation values', async () => {
      await upsert([service('by-url', { properties: { tier: 'gold', url: 'https://by-url.test' } })]);
      const byQuery = { combinator: 'and', rules: [{ property: 'url', operator: '=', value: 'https://by-url.test' }] };

      const answer = await upsert([{ identifier: byQuery, properties: { stars: 9 } }, service('pointer', { relations: { team: { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: 'web' }] } } })]);

      expect(answer.body['entities']).toEqual([expect.objectContaining({ identifier: 'by-url', created: false }), expect.objectContaining({ identifier: 'pointer' })]);
      expect(await get('service', 'by-url')).toMatchObject({ properties: { stars: 9 } });
      expect(await get('service', 'pointer')).toMatchObject({ relations: { team: 'web' } });
    });
  });

  describe('entity routes', () => {
    it('patches fields, renames, puts and counts', async () => {
      await upsert([service('patch-me', { title: 'Before', properties: { tier: 'gold', stars: 1 } })]);

      const patched = await catalog.call<{ entity: Body }>('PATCH', '/v1/blueprints/service/entities/patch-me', { body: { title: 'After', properties: { stars: 2 } } });
      const renamed = await catalog.call<{ entity: Body }>('PATCH', '/v1/blueprints/service/entities/patch-me', { body: { identifier: 'patched' } });
      const put = await catalog.call<{ entity: Body }>('PUT', '/v1/blueprints/service/entities/patched', { body: { properties: { tier: 'silver' }, relations: { team: 'web' } } });

      expect(patched.body.entity).toMatchObject({ title: 'After', properties: { tier: 'gold', stars: 2 } });
      expect(renamed.body.entity).toMatchObject({ identifier: 'patched', title: 'After' });
      expect(put.body.entity).toMatchObject({ identifier: 'patched', properties: { tier: 'silver' }, relations: { team: 'web' } });
      expect(await get('service', 'patch-me')).toBeUndefined();
      expect((await catalog.call('GET', '/v1/blueprints/team/entities-count')).body).toEqual({ ok: true, count: expect.any(Number) });
    });

    it('serves identifiers with slashes when they are URL-encoded', async () => {
      await upsert([service('acme/api')]);

      expect(await get('service', 'acme/api')).toMatchObject({ identifier: 'acme/api' });
      expect((await catalog.call('DELETE', `/v1/blueprints/service/entities/${encodeURIComponent('acme/api')}`)).status).toBe(200);
      expect((await catalog.call('DELETE', `/v1/blueprints/service/entities/${encodeURIComponent('acme/api')}`)).body).toMatchObject({ error: 'not_found' });
    });

    it('pages through a blueprint with limit and next', async () => {
      await catalog.call('POST', '/v1/blueprints', { body: { identifier: 'paged', title: 'Paged', schema: { properties: { n: { type: 'number' } } } } });
      const ids = Array.from({ length: 45 }, (_, index) => `p-${String(index).padStart(2, '0')}`);
      for (let start = 0; start < ids.length; start += 20) {
        await catalog.call('POST', '/v1/blueprints/paged/entities/bulk?upsert=true', { body: { entities: ids.slice(start, start + 20).map((identifier, index) => ({ identifier, properties: { n: start + index } })) } });
      }

      const seen: string[] = [];
      let from: string | undefined;
      let pages = 0;
      do {
        const answer = await catalog.call<{ entities: Array<{ identifier: string }>; next?: string }>('POST', '/v1/blueprints/paged/entities/search', { body: { limit: 20, ...(from ? { from } : {}), include: ['$identifier'] } });
        seen.push(...answer.body.entities.map((entity) => entity.identifier));
        from = answer.body.next;
        pages += 1;
      } while (from);

      expect([pages, seen]).toEqual([3, ids]);
      expect((await catalog.call<{ entities: unknown[] }>('GET', '/v1/blueprints/paged/entities')).body.entities).toHaveLength(45);
      const filtered = await catalog.call<{ entities: Array<{ identifier: string }> }>('POST', '/v1/blueprints/paged/entities/search', { body: { query: { combinator: 'and', rules: [{ property: 'n', operator: '>=', value: 43 }] } } });
      expect(filtered.body.entities.map((entity) => entity.identifier)).toEqual(['p-43', 'p-44']);
    });
  });

  describe('search', () => {
    beforeAll(async () => {
      await catalog.call('POST', '/v1/blueprints/library/entities/bulk?upsert=true', { body: { entities: [{ identifier: 'lodash', properties: { language: 'ts' } }, { identifier: 'cobra', properties: { language: 'go' } }] } });
      await upsert([
        service('s-alpha', { title: 'Alpha', properties: { tier: 'gold', stars: 10, tags: ['edge', 'api'] }, relations: { team: 'core', libraries: ['lodash'] } }),
        service('s-beta', { title: 'Beta', properties: { tier: 'silver', stars: 3 }, relations: { team: 'web', libraries: ['lodash', 'cobra'] } }),
        service('s-gamma', { title: 'Gamma', properties: { tier: 'silver', public: true }, relations: { team: 'web' } }),
      ]);
    });

    const among = { property: '$identifier', operator: 'beginsWith', value: 's-' };

    it.each([
      ['=', { property: 'tier', operator: '=', value: 'silver' }, ['s-beta', 's-gamma']],
      ['!=', { property: 'tier', operator: '!=', value: 'silver' }, ['s-alpha']],
      ['in', { property: '$title', operator: 'in', value: ['Alpha', 'Gamma'] }, ['s-alpha', 's-gamma']],
      ['contains on a string', { property: '$title', operator: 'contains', value: 'et' }, ['s-beta']],
      ['contains on an array', { property: 'tags', operator: 'contains', value: 'api' }, ['s-alpha']],
      ['a number comparison', { property: 'stars', operator: '>', value: 5 }, ['s-alpha']],
      ['a boolean', { property: 'public', operator: '=', value: true }, ['s-gamma']],
      ['isEmpty', { property: 'stars', operator: 'isEmpty' }, ['s-gamma']],
      ['or', { combinator: 'or', rules: [{ property: '$title', operator: '=', value: 'Alpha' }, { property: 'stars', operator: '=', value: 3 }] }, ['s-alpha', 's-beta']],
      ['relatedTo downstream', { operator: 'relatedTo', blueprint: 'library', value: 'cobra', direction: 'downstream' }, ['s-beta']],
      ['relatedTo on a required relation', { operator: 'relatedTo', blueprint: 'team', value: 'core', required: true }, ['s-alpha']],
    ])('filters with %s', async (_name, rule, expected) => {
      expect(await search({ combinator: 'and', rules: [among, rule] })).toEqual(expected);
    });

    it('follows relatedTo upstream to what an entity points at, across blueprints', async () => {
      const answer = await catalog.call<{ entities: Array<{ blueprint: string; identifier: string }>; matchingBlueprints: string[] }>('POST', '/v1/entities/search', {
        body: { combinator: 'and', rules: [{ operator: 'relatedTo', blueprint: 'service', value: 's-beta', direction: 'upstream' }] },
      });

      expect(answer.body.entities.map((entity) => `${entity.blueprint}/${entity.identifier}`).sort()).toEqual(['library/cobra', 'library/lodash', 'team/web']);
      expect(answer.body.matchingBlueprints.sort()).toEqual(['library', 'team']);
    });

    it('returns only the included fields', async () => {
      const answer = await catalog.call<{ entities: Body[] }>('POST', '/v1/entities/search?include=identifier&include=blueprint', { body: { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: 's-alpha' }] } });

      expect(answer.body.entities).toEqual([{ identifier: 's-alpha', blueprint: 'service' }]);
    });

    it('answers 422 naming an unsupported rule', async () => {
      const answer = await catalog.call('POST', '/v1/entities/search', { body: { combinator: 'and', rules: [{ property: 'x', operator: 'matchAny', value: ['a'] }] } });

      expect(answer).toMatchObject({ status: 422, body: { ok: false, message: 'body/rules/0/operator "matchAny" is not supported here by the embedded catalog' } });
    });
  });

  describe('deleting entities', () => {
    beforeAll(async () => {
      await catalog.call('POST', '/v1/blueprints/team/entities/bulk?upsert=true', { body: { entities: [{ identifier: 'doomed' }, { identifier: 'doomed-too' }] } });
      await catalog.call('POST', '/v1/blueprints/library/entities/bulk?upsert=true', { body: { entities: [{ identifier: 'old-lib' }, { identifier: 'kept-lib' }] } });
      await upsert([service('dependent', { relations: { team: 'doomed', libraries: ['old-lib', 'kept-lib'] } })]);
    });

    it('refuses a bulk delete that would orphan a required relation, and deletes nothing', async () => {
      const answer = await catalog.call('POST', '/v1/blueprints/team/bulk/entities/delete', { body: { entities: ['doomed-too', 'doomed'] } });

      expect(answer).toMatchObject({ status: 409, body: { ok: false, error: 'has_dependents', message: expect.stringContaining('"dependent" (service.team)') } });
      expect(await get('team', 'doomed-too')).toBeDefined();
    });

    it('clears optional relations that pointed at a deleted entity', async () => {
      const answer = await catalog.call('POST', '/v1/blueprints/library/bulk/entities/delete', { body: { entities: ['old-lib', 'never-existed'] } });

      expect(answer).toMatchObject({ status: 200, body: { ok: true, deletedEntities: ['old-lib'] } });
      expect(await get('service', 'dependent')).toMatchObject({ relations: { team: 'doomed', libraries: ['kept-lib'] } });
    });

    it('deletes the dependents too with delete_dependents=true', async () => {
      const answer = await catalog.call('POST', '/v1/blueprints/team/bulk/entities/delete?delete_dependents=true', { body: { entities: ['doomed', 'doomed-too'] } });

      expect(answer.body).toEqual({ ok: true, deletedEntities: expect.arrayContaining(['doomed', 'doomed-too']) });
      expect(await get('service', 'dependent')).toBeUndefined();
    });

    it('refuses more than 100 identifiers in one bulk delete', async () => {
      const answer = await catalog.call('POST', '/v1/blueprints/team/bulk/entities/delete', { body: { entities: Array.from({ length: 101 }, (_, index) => `t-${index}`) } });

      expect(answer).toMatchObject({ status: 422, body: { message: 'body/entities must NOT have more than 100 items (it has 101)' } });
    });

    it('deletes all entities of a blueprint, and the blueprint with delete_blueprint', async () => {
      await catalog.call('POST', '/v1/blueprints', { body: { identifier: 'wipe', title: 'Wipe', schema: { properties: {} } } });
      await catalog.call('POST', '/v1/blueprints/wipe/entities/bulk?upsert=true', { body: { entities: [{ identifier: 'a' }, { identifier: 'b' }] } });

      expect((await catalog.call('DELETE', '/v1/blueprints/wipe/all-entities?delete_blueprint=true')).status).toBe(200);
      expect((await catalog.call('GET', '/v1/blueprints/wipe')).status).toBe(404);
    });
  });

  describe('request limits', () => {
    it("answers 413 with Port's message to a body over 1 MiB", async () => {
      const answer = await catalog.call('POST', '/v1/blueprints/service/entities/bulk?upsert=true', { text: JSON.stringify({ entities: [{ identifier: 'big', properties: { pad: 'x'.repeat(1024 * 1024) } }] }) });

      expect(answer).toMatchObject({ status: 413, body: { ok: false, message: 'Request body is too large (limit is 1MiB)' } });
    });

    it('answers 400 to a body that is not JSON', async () => {
      expect(await catalog.call('POST', '/v1/entities/search', { text: '{"combinator":' })).toMatchObject({ status: 400, body: { ok: false, error: 'invalid_json' } });
    });

    it('answers 422 to a NUL character (%00) in the URL, which Postgres cannot take', async () => {
      const blueprint = await catalog.call('PUT', '/v1/blueprints/%00', { body: { identifier: 'fz_a', title: '' } });
      const entity = await catalog.call('POST', '/v1/blueprints/%00/entities', { body: { identifier: null } });
      const lookup = await catalog.call('GET', '/v1/blueprints/service/entities/a%00b');

      for (const answer of [blueprint, entity, lookup]) {
        expect(answer).toMatchObject({ status: 422, body: { ok: false, error: 'invalid_request', message: expect.stringContaining('NUL character (%00)') } });
      }
    });

    it('answers 422 naming where a body holds a NUL character (\\u0000), and stores nothing', async () => {
      const answer = await catalog.call('POST', '/v1/blueprints/service/entities?upsert=true', { body: service('nul-inside', { title: 'a\u0000b' }) });

      expect(answer).toMatchObject({ status: 422, body: { ok: false, error: 'invalid_request', message: 'body/title has the NUL character (\\u0000), which the catalog cannot store' } });
      expect(await get('service', 'nul-inside')).toBeUndefined();
    });

    it('answers 422 naming where a body holds a lone UTF-16 surrogate, which jsonb refuses, and stores nothing', async () => {
      const entities = [{ identifier: 'lone-surrogate', title: '', properties: { tier: 'gold', tags: [], config: { '': '\ud800' } }, relations: { team: 'core' } }];

      const answer = await catalog.call('POST', '/v1/blueprints/service/entities/bulk?upsert=true', { body: { entities } });

      expect(answer).toMatchObject({ status: 422, body: { ok: false, error: 'invalid_request', message: 'body/entities/0/properties/config/ has a lone UTF-16 surrogate (\\ud800), which is not Unicode text the catalog can store' } });
      expect(await get('service', 'lone-surrogate')).toBeUndefined();
    });

    it('answers 422 to a body nested deeper than 256 levels, and stores nothing', async () => {
      const depth = 100_000;
      const config = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const text = `{"identifier":"deep","properties":{"tier":"gold","config":${config}},"relations":{"team":"core"}}`;

      const answer = await catalog.call('POST', '/v1/blueprints/service/entities?upsert=true', { text });

      expect(answer).toMatchObject({ status: 422, body: { ok: false, error: 'invalid_request', message: expect.stringMatching(/^body is nested more than 256 levels deep/) } });
      expect(await get('service', 'deep')).toBeUndefined();
    });
  });

  describe('action runs', () => {
    const createRun = async (): Promise<string> => {
      const answer = await catalog.call<{ run: { id: string } }>('POST', '/v1/actions/deploy/runs', { body: { properties: { ref: 'main' }, entity: 's-alpha' } });
      expect(answer.status).toBe(202);
      return answer.body.run.id;
    };

    it('start IN_PROGRESS, take link, label and external id, then end with a status and refuse later changes', async () => {
      const id = await createRun();

      const started = await catalog.call<{ run: Body }>('PATCH', `/v1/actions/runs/${id}`, { body: { link: 'https://ci.test/runs/1', externalRunId: 'gh_1_2_3', statusLabel: 'dispatched' } });
      const ended = await catalog.call<{ run: Body }>('PATCH', `/v1/actions/runs/${id}`, { body: { status: 'SUCCESS', summary: 'deployed' } });
      const retried = await catalog.call('PATCH', `/v1/actions/runs/${id}`, { body: { status: 'SUCCESS' } });
      const changed = await catalog.call('PATCH', `/v1/actions/runs/${id}`, { body: { status: 'FAILURE' } });

      expect(started.body.run).toMatchObject({ status: 'IN_PROGRESS', link: ['https://ci.test/runs/1'], externalRunId: 'gh_1_2_3', statusLabel: 'dispatched', action: { identifier: 'deploy' }, entity: { identifier: 's-alpha' }, blueprint: { identifier: 'service' } });
      expect(ended.body.run).toMatchObject({ status: 'SUCCESS', summary: 'deployed', endedAt: expect.any(String) });
      expect(retried.status).toBe(200);
      expect(changed).toMatchObject({ status: 409, body: { error: 'run_finished' } });
      expect((await catalog.call<{ runs: Array<{ id: string }> }>('GET', '/v1/actions/runs?external_run_id=gh_1_2_3')).body.runs.map((run) => run.id)).toEqual([id]);
    });

    it('keep logs in order, and a terminationStatus ends the run once', async () => {
      const id = await createRun();

      await catalog.call('POST', `/v1/actions/runs/${id}/logs`, { body: { message: 'dispatching' } });
      const last = await catalog.call<{ runLog: Body }>('POST', `/v1/actions/runs/${id}/logs`, { body: { message: 'Workflow completed: failure', terminationStatus: 'FAILURE', statusLabel: 'failed' } });
      const again = await catalog.call('POST', `/v1/actions/runs/${id}/logs`, { body: { message: 'again', terminationStatus: 'SUCCESS' } });
      const logs = await catalog.call<{ runLogs: Body[] }>('GET', `/v1/actions/runs/${id}/logs`);
      const run = await catalog.call<{ run: Body }>('GET', `/v1/actions/runs/${id}`);

      expect(last).toMatchObject({ status: 201, body: { ok: true, runLog: { runId: id, message: 'Workflow completed: failure', terminationStatus: 'FAILURE' } } });
      expect(again).toMatchObject({ status: 409, body: { error: 'run_finished' } });
      expect(logs.body.runLogs.map((log) => log['message'])).toEqual(['dispatching', 'Workflow completed: failure']);
      expect(run.body.run).toMatchObject({ status: 'FAILURE', statusLabel: 'failed' });
    });

    it('answer 404 for an unknown run and 422 for a status Port does not know', async () => {
      const id = await createRun();

      expect(await catalog.call('GET', '/v1/actions/runs/r_missing')).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect(await catalog.call('PATCH', `/v1/actions/runs/${id}`, { body: { status: 'DONE' } })).toMatchObject({ status: 422, body: { message: 'body/status must be SUCCESS or FAILURE' } });
    });
  });
});
