import fc from 'fast-check';
import { fuzzTarget } from '@glint/testing';
import { Answer, CatalogServer, TEST_BLUEPRINTS } from './catalog-server.spec-helper';
import { PROPERTY_FORMATS, PROPERTY_TYPES } from './blueprints/blueprint.types';

/** Strings Postgres, JSON or the identifier rules find hard: NUL, lone surrogates, the longest allowed and beyond. */
const awkwardStrings = fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '', ' ', '.', '..', 'a/b', '%2F', '💥', 'x'.repeat(100), 'x'.repeat(101), '\\', '"', "'; drop table x; --");
const strings = fc.oneof({ weight: 12, arbitrary: fc.string({ maxLength: 20 }) }, { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) }, awkwardStrings);
const numbers = fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.constantFrom(0, -0, 1e308, -1e308, 2 ** 53 + 1, 0.1));

const BLUEPRINT_IDS = ['service', 'service', 'service', 'team', 'library', 'fz_a', 'fz_b', 'missing'];
const BLUEPRINT_KEYS = [
  'identifier', 'title', 'description', 'icon', 'schema', 'properties', 'required', 'relations', 'target', 'many', 'type', 'format', 'enum', 'pattern', 'items',
  'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'spec', 'calculationProperties', 'mirrorProperties', 'aggregationProperties',
  'ownership', 'changelogDestination', 'path', 'url', 'calculation', 'combinator', 'rules', 'operator', 'value', 'property',
];
const ENTITY_KEYS = ['identifier', 'title', 'icon', 'team', 'properties', 'relations', 'blueprint', 'url', 'stars', 'public', 'tier', 'released', 'tags', 'config', 'libraries'];
const TRAP_KEYS = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf'];
const SERVICE_PROPERTIES = Object.keys(TEST_BLUEPRINTS.find((blueprint) => blueprint.identifier === 'service')?.schema.properties ?? {});

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const leaves = fc.oneof(
  { weight: 3, arbitrary: strings },
  numbers,
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(...BLUEPRINT_IDS, ...PROPERTY_TYPES, ...PROPERTY_FORMATS, 'gold', 'silver', 'core', 'web', 'go', 'ts', 'and', 'or', '=', 'Direct', 'Inherited', 'KAFKA', 'WEBHOOK', '^[a-z]+$', 'https://x.example'),
);

/** Mostly left out, sometimes anything: so that most bodies fail on one field at most. */
const rarely = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, value);
const titles = fc.oneof({ weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) }, strings);

/** Any JSON with the catalog's own keys, deep nesting included. */
function jsonTrees(keys: readonly string[]): fc.Arbitrary<unknown> {
  const keyNames = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, fc.constantFrom(...TRAP_KEYS), strings);
  return fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', maxDepth: 5 }, leaves, fc.dictionary(keyNames, tie('tree'), { maxKeys: 5, noNullPrototype: true }), fc.array(tie('tree'), { maxLength: 4 })),
  })).tree;
}

const nestedJsonText = (maxDepth: number) =>
  fc.tuple(fc.integer({ min: 10, max: maxDepth }), fc.constantFrom('[', '{"a":')).map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);
/** Values nested thousands deep (the client's JSON.stringify still handles them; deeper ones go as text). */
const deeplyNested = nestedJsonText(2_000).map((text) => JSON.parse(text) as unknown);

const blueprintTrees = jsonTrees(BLUEPRINT_KEYS);
const entityTrees = jsonTrees(ENTITY_KEYS);
const fieldNames = fc.oneof({ weight: 12, arbitrary: fc.constantFrom('url', 'stars', 'tier', 'tags', 'config', 'x', 'team', 'libraries') }, fc.constantFrom(...TRAP_KEYS), strings);

const propertySchemas = fc.record(
  {
    type: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PROPERTY_TYPES) }, leaves),
    format: rarely(fc.oneof(fc.constantFrom(...PROPERTY_FORMATS), leaves)),
    enum: rarely(fc.oneof(fc.array(leaves, { maxLength: 3 }), blueprintTrees)),
    items: rarely(fc.oneof(fc.record({ type: fc.constantFrom(...PROPERTY_TYPES), format: fc.constantFrom(...PROPERTY_FORMATS) }, { requiredKeys: [] }), blueprintTrees)),
    pattern: rarely(fc.oneof(fc.constantFrom('^[a-z]+$', '(a+)+$', '\\d', '(?<=a)b', '(a)\\1', '[', '\\p{L}'), strings)),
    minLength: rarely(fc.oneof(numbers, leaves)),
    maximum: rarely(fc.oneof(numbers, leaves)),
    title: rarely(strings),
  },
  { requiredKeys: ['type'] },
);

/** Property and relation names: mostly real ones, sometimes the names of Object.prototype's members. */
const fieldsOrTraps = (real: readonly string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...real) }, fc.constantFrom(...TRAP_KEYS));

/** Services that are valid but for their free text and maybe one more field: these reach the database. */
const plausibleServices = fc.record({
  identifier: fc.constantFrom('e1', 'e2', 'e3'),
  title: strings,
  properties: fc
    .tuple(fc.record({ tier: fc.constant('gold'), tags: fc.array(strings, { maxLength: 3 }), config: fc.dictionary(strings, strings, { maxKeys: 2 }) }), rarely(fc.tuple(fieldsOrTraps(['stars']), numbers)))
    .map(([properties, extra]) => (extra ? { ...properties, [extra[0]]: extra[1] } : properties)),
  relations: rarely(fc.tuple(fieldsOrTraps(['libraries']), fc.constantFrom(['lib1'], 'core'))).map((extra) => ({ team: 'core', ...(extra ? { [extra[0]]: extra[1] } : {}) })),
});

/** Blueprints that are valid but for their field names: the stored blueprint must hold every one. */
const plausibleBlueprints = fc.record({
  identifier: fc.constantFrom('fz_a', 'fz_b', 'fz_c'),
  title: fc.constant('Fuzzed'),
  schema: fc.record({ properties: fc.dictionary(fieldsOrTraps(['a', 'b', 'c']), fc.record({ type: fc.constantFrom(...PROPERTY_TYPES) }), { maxKeys: 3 }) }),
  relations: fc.dictionary(fieldsOrTraps(['owner']), fc.record({ target: fc.constantFrom('team', 'library') }), { maxKeys: 2 }),
});

const blueprintBodies = fc.oneof(
  { weight: 4, arbitrary: plausibleBlueprints },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        identifier: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('fz_a', 'fz_b', 'fz_c') }, strings),
        title: titles,
        description: rarely(strings),
        icon: rarely(strings),
        schema: fc.oneof(
          {
            weight: 8,
            arbitrary: fc.record(
              { properties: fc.dictionary(fieldNames, fc.oneof({ weight: 8, arbitrary: propertySchemas }, blueprintTrees), { maxKeys: 3 }), required: rarely(fc.oneof(fc.array(fieldNames, { maxLength: 2 }), leaves)) },
              { requiredKeys: ['properties'] },
            ),
          },
          blueprintTrees,
        ),
        relations: rarely(
          fc.dictionary(fieldNames, fc.oneof({ weight: 4, arbitrary: fc.record({ target: fc.oneof(fc.constantFrom(...BLUEPRINT_IDS), strings), required: fc.boolean(), many: fc.oneof({ weight: 4, arbitrary: fc.boolean() }, leaves), title: rarely(strings) }, { requiredKeys: ['target'] }) }, blueprintTrees), { maxKeys: 3 }),
        ),
        calculationProperties: rarely(blueprintTrees),
        mirrorProperties: rarely(blueprintTrees),
        ownership: rarely(blueprintTrees),
        changelogDestination: rarely(blueprintTrees),
      },
      { requiredKeys: ['identifier', 'title', 'schema'] },
    ),
  },
  { weight: 1, arbitrary: blueprintTrees },
  { weight: 1, arbitrary: deeplyNested },
);

/** A service's properties (see TEST_BLUEPRINTS), each value mostly of its type and format, sometimes anything. */
const serviceProperties = fc.record(
  {
    tier: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('gold', 'silver') }, leaves),
    url: rarely(fc.oneof(fc.webUrl(), strings)),
    stars: rarely(fc.oneof(numbers, leaves)),
    public: rarely(fc.oneof(fc.boolean(), leaves)),
    released: rarely(fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), strings)),
    tags: rarely(fc.oneof(fc.array(strings, { maxLength: 3 }), leaves)),
    config: rarely(fc.oneof({ weight: 6, arbitrary: entityTrees }, deeplyNested)),
  },
  { requiredKeys: ['tier'] },
);

const searchQueries = fc.record({ combinator: fc.constantFrom('and', 'or', 'xor'), rules: fc.array(fc.record({ property: fc.constantFrom('$identifier', '$title', 'tier', 'x'), operator: fc.constantFrom('=', 'in', 'contains', '?'), value: leaves }), { maxLength: 2 }) });

const entityBodies = fc.oneof(
  { weight: 6, arbitrary: plausibleServices },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        identifier: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('e1', 'e2', 'e3', 'core', 'web') }, strings, searchQueries, entityTrees),
        title: rarely(fc.oneof(strings, leaves)),
        icon: rarely(fc.oneof(strings, leaves)),
        team: rarely(fc.oneof(strings, fc.array(strings, { maxLength: 2 }), searchQueries, leaves)),
        blueprint: rarely(fc.oneof(fc.constantFrom(...BLUEPRINT_IDS), leaves)),
        properties: fc.oneof(
          { weight: 4, arbitrary: serviceProperties },
          { weight: 2, arbitrary: fc.dictionary(fieldNames, fc.oneof({ weight: 2, arbitrary: leaves }, entityTrees), { maxKeys: 5 }) },
          entityTrees,
        ),
        relations: fc.oneof(
          {
            weight: 4,
            arbitrary: fc.record(
              { team: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('core', 'web', 'nobody') }, searchQueries, leaves), libraries: fc.oneof({ weight: 4, arbitrary: fc.array(fc.oneof(fc.constantFrom('lib1', 'lib2', 'lib3'), strings), { maxLength: 3 }) }, searchQueries, leaves) },
              { requiredKeys: ['team'] },
            ),
          },
          { weight: 1, arbitrary: fc.dictionary(fieldNames, fc.oneof(fc.constantFrom('core', 'web', 'lib1'), fc.array(strings, { maxLength: 3 }), searchQueries, leaves), { maxKeys: 3 }) },
          entityTrees,
        ),
      },
      { requiredKeys: ['identifier'] },
    ),
  },
  { weight: 1, arbitrary: entityTrees },
  { weight: 1, arbitrary: deeplyNested },
);

const flags = fc.oneof({ weight: 12, arbitrary: fc.constantFrom('true', 'false') }, fc.constantFrom('', 'yes'));
const queryStrings = fc
  .record({ upsert: flags, merge: flags, validation_only: fc.oneof({ weight: 6, arbitrary: fc.constant('false') }, flags), create_missing_related_entities: flags }, { requiredKeys: [] })
  .chain((params) =>
    fc.oneof({ weight: 12, arbitrary: fc.constant(new URLSearchParams(params).toString()) }, fc.constantFrom(`${new URLSearchParams(params).toString()}&upsert[a]=1`, 'upsert=true&upsert=false')),
  );

/** Every UTF-8 byte percent-encoded (encodeURIComponent throws on a lone surrogate; a client sends it as U+FFFD). */
const percentEncoded = (text: string) => [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
const pathSegments = (ids: readonly string[]) =>
  fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...ids).map(encodeURIComponent) }, { weight: 2, arbitrary: strings.map(percentEncoded) }, fc.constantFrom('%', '%E0%A4%A', '%00', '..', '%2E%2E'));

interface FuzzedCall {
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  body: unknown;
}

const blueprintCalls: fc.Arbitrary<FuzzedCall> = fc.oneof(
  blueprintBodies.map((body): FuzzedCall => ({ method: 'POST', path: '/v1/blueprints', body })),
  fc.tuple(fc.constantFrom<'PUT' | 'PATCH'>('PUT', 'PATCH'), pathSegments(['fz_a', 'fz_a', 'fz_b', 'missing']), blueprintBodies).map(([method, id, body]): FuzzedCall => ({ method, path: `/v1/blueprints/${id}`, body })),
);

const entityCalls: fc.Arbitrary<FuzzedCall> = fc.oneof(
  fc.tuple(pathSegments(BLUEPRINT_IDS), queryStrings, entityBodies).map(([blueprint, query, body]): FuzzedCall => ({ method: 'POST', path: `/v1/blueprints/${blueprint}/entities?${query}`, body })),
  fc
    .tuple(pathSegments(BLUEPRINT_IDS), queryStrings, fc.oneof({ weight: 4, arbitrary: fc.array(entityBodies, { minLength: 1, maxLength: 4 }).map((entities) => ({ entities })) }, entityTrees))
    .map(([blueprint, query, body]): FuzzedCall => ({ method: 'POST', path: `/v1/blueprints/${blueprint}/entities/bulk?${query}`, body })),
  fc
    .tuple(fc.constantFrom<'PUT' | 'PATCH'>('PUT', 'PATCH'), pathSegments(BLUEPRINT_IDS), pathSegments(['e1', 'e2', 'core', 'web', 'nope']), queryStrings, entityBodies)
    .map(([method, blueprint, id, query, body]): FuzzedCall => ({ method, path: `/v1/blueprints/${blueprint}/entities/${id}?${query}`, body })),
);

/** Request text that is not the JSON of anything: cut, padded, or not JSON at all. */
const rawTexts = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.tuple(fc.oneof(blueprintBodies, entityBodies), fc.nat(), fc.string({ unit: 'binary', maxLength: 3 })).map(([value, at, inserted]) => {
    const text = JSON.stringify(value) ?? '';
    const cut = at % (text.length + 1);
    return text.slice(0, cut) + inserted + text.slice(cut + 1);
  }),
  nestedJsonText(150_000),
  nestedJsonText(100_000).map((deep) => `{"identifier":"deep","properties":{"tier":"gold","config":{"a":${deep}}},"relations":{"team":"core"}}`),
  fc.constantFrom('{"identifier": "\\u0000"}', '{"title": "\\ud800"}', '{"a": 1e999}', '\ufeff{}', '{"__proto__": {"polluted": true}}', 'null', '[]', '"x"', '{"a":1,"a":2}'),
);

const rawCalls = fc
  .tuple(fc.constantFrom('/v1/blueprints', '/v1/blueprints/fz_a', '/v1/blueprints/service/entities?upsert=true', '/v1/blueprints/service/entities/bulk', '/v1/blueprints/service/entities/e1'), rawTexts, fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'))
  .chain(([path, text, contentType]) => fc.constantFrom(...(['POST', 'PUT', 'PATCH'] as const)).map((method) => ({ method, path, text, contentType })));

const blueprintTarget = fuzzTarget('catalog blueprint routes', { seed: 20_260_116, runs: 400, timeoutMs: 60_000, inputTimeoutMs: 30_000 });
const entityTarget = fuzzTarget('catalog entity routes', { seed: 20_260_116, runs: 600, timeoutMs: 60_000, inputTimeoutMs: 30_000 });
const rawTarget = fuzzTarget('catalog request bodies', { seed: 20_260_116, runs: 300, timeoutMs: 60_000, inputTimeoutMs: 30_000 });

describe('the catalog API under arbitrary JSON, on the real Postgres', () => {
  let catalog: CatalogServer;
  const statuses = new Map<string, number>();

  /** 2xx, or a 4xx with Port's error shape; never a 5xx. */
  function expectAnsweredWithoutFailing(call: { method: string; path: string; body?: unknown }, answer: Answer): void {
    const outcome = `${answer.status}${answer.status >= 400 ? ` ${String(answer.body['error'])}` : ''}`;
    statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
    expect({ call: `${call.method} ${call.path}`, status: answer.status < 500 ? 'answered' : `failed with ${answer.status}` }).toEqual({ call: `${call.method} ${call.path}`, status: 'answered' });
    if (answer.status >= 400) expect(answer.body).toMatchObject({ ok: false, error: expect.any(String), message: expect.stringMatching(/\S/) });
    if (answer.status < 300) expectWrittenAsSent(call, answer);
  }

  /** What a 2xx wrote: a service entity only with the service's properties, a blueprint with every property sent. */
  function expectWrittenAsSent(call: { method: string; path: string; body?: unknown }, answer: Answer): void {
    const entity = answer.body['entity'];
    if (/^\/v1\/blueprints\/service\/entities(\/[^/?]+)?(\?|$)/.test(call.path) && isRecord(entity) && isRecord(entity['properties'])) {
      expect(Object.keys(entity['properties']).filter((name) => !SERVICE_PROPERTIES.includes(name))).toEqual([]);
    }
    const blueprint = answer.body['blueprint'];
    if (call.method !== 'PATCH' && isRecord(call.body) && isRecord(call.body['schema']) && isRecord(call.body['schema']['properties']) && isRecord(blueprint) && isRecord(blueprint['schema'])) {
      const stored = blueprint['schema']['properties'];
      expect(Object.keys(call.body['schema']['properties']).filter((name) => !isRecord(stored) || !Object.hasOwn(stored, name))).toEqual([]);
    }
  }

  async function expectHealthy(): Promise<void> {
    expect((await catalog.call('GET', '/health')).status).toBe(200);
    const write = await catalog.call('POST', '/v1/blueprints/service/entities?upsert=true', { body: { identifier: 'still-works', properties: { tier: 'gold' }, relations: { team: 'core' } } });
    expect(write.status).toBe(201);
  }

  beforeAll(async () => {
    catalog = await CatalogServer.start('catalog_fuzz', { seedDefaultBlueprints: false });
    for (const blueprint of [...TEST_BLUEPRINTS, { identifier: 'fz_a', title: 'Fuzzed', schema: { properties: { x: { type: 'string' } } } }]) {
      expect((await catalog.call('POST', '/v1/blueprints', { body: blueprint })).status).toBe(201);
    }
    await catalog.call('POST', '/v1/blueprints/team/entities/bulk?upsert=true', { body: { entities: [{ identifier: 'core' }, { identifier: 'web' }] } });
    await catalog.call('POST', '/v1/blueprints/library/entities/bulk?upsert=true', { body: { entities: [{ identifier: 'lib1' }, { identifier: 'lib2' }] } });
    await catalog.call('POST', '/v1/blueprints/service/entities/bulk?upsert=true', { body: { entities: ['e1', 'e2'].map((identifier) => ({ identifier, properties: { tier: 'gold' }, relations: { team: 'core' } })) } });
  });

  afterAll(async () => {
    process.stdout.write(`fuzz catalog: answers by status ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a.localeCompare(b))))}\n`);
    await catalog?.close();
  });

  it(
    'answers every POST, PUT and PATCH of a blueprint with a 2xx or a 4xx that says why, and stays healthy',
    async () => {
      await fc.assert(
        fc.asyncProperty(blueprintCalls, async (call) => expectAnsweredWithoutFailing(call, await catalog.call(call.method, call.path, { body: call.body }))),
        blueprintTarget.parameters(),
      );
      await expectHealthy();
    },
    blueprintTarget.timeoutMs,
  );

  it(
    'answers every POST, PUT and PATCH of entities, single or bulk, with a 2xx or a 4xx that says why, and stays healthy',
    async () => {
      await fc.assert(
        fc.asyncProperty(entityCalls, async (call) => expectAnsweredWithoutFailing(call, await catalog.call(call.method, call.path, { body: call.body }))),
        entityTarget.parameters(),
      );
      await expectHealthy();
    },
    entityTarget.timeoutMs,
  );

  it(
    'answers request text that is not JSON, or JSON Postgres cannot store, with a 4xx that says why, and stays healthy',
    async () => {
      await fc.assert(
        fc.asyncProperty(rawCalls, async (call) => expectAnsweredWithoutFailing(call, await catalog.call(call.method, call.path, { text: call.text, headers: { 'content-type': call.contentType } }))),
        rawTarget.parameters(),
      );
      await expectHealthy();
    },
    rawTarget.timeoutMs,
  );
});
