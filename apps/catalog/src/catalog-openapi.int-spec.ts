import { PortOpenApi, SpecProblem } from '@glint/testing';
import { CatalogServer, TEST_BLUEPRINTS } from './catalog-server.spec-helper';

/**
 * Every /v1 route the catalog serves, called on the real Postgres, its request body (when valid by intent) and its
 * answer validated with Ajv against Port's OpenAPI description for that path, method and status.
 */
interface Fixtures {
  runId: string;
  nextPage: string;
}

interface Case {
  /** `METHOD /pattern` exactly as the catalog's router has it. */
  route: string;
  /** The operation's path in Port's description. */
  spec: string;
  path: (f: Fixtures) => string;
  body?: (f: Fixtures) => unknown;
  /** A body that is wrong on purpose (not checked against the request schema). */
  invalidBody?: boolean;
  text?: string;
  token?: null;
  status: number;
}

const BP = '/v1/blueprints/{blueprint_identifier}';
const ENTITY = `${BP}/entities/{entity_identifier}`;
const RUN = '/v1/actions/runs/{run_id}';
const service = (identifier: string) => ({ identifier, title: identifier, properties: { tier: 'gold', stars: 2, tags: ['a'] }, relations: { team: 'core', libraries: ['lib'] } });

const CASES: Case[] = [
  { route: 'POST /v1/auth/access_token', spec: '/v1/auth/access_token', path: () => '/v1/auth/access_token', body: () => ({ clientId: 'glint', clientSecret: 'wrong' }), token: null, status: 401 },
  { route: 'GET /v1/blueprints', spec: '/v1/blueprints', path: () => '/v1/blueprints', status: 200 },
  { route: 'GET /v1/blueprints', spec: '/v1/blueprints', path: () => '/v1/blueprints', token: null, status: 401 },
  { route: 'POST /v1/blueprints', spec: '/v1/blueprints', path: () => '/v1/blueprints', body: () => ({ identifier: 'conformance', title: 'Conformance', icon: 'Box', schema: { properties: { a: { type: 'string', format: 'url', title: 'A' } }, required: [] }, relations: { team: { target: 'team', required: false, many: false } } }), status: 201 },
  { route: 'POST /v1/blueprints', spec: '/v1/blueprints', path: () => '/v1/blueprints', body: () => ({ identifier: 'bad=id', title: '', schema: {} }), invalidBody: true, status: 422 },
  { route: 'GET /v1/blueprints/:identifier', spec: '/v1/blueprints/{identifier}', path: () => '/v1/blueprints/conformance', status: 200 },
  { route: 'GET /v1/blueprints/:identifier', spec: '/v1/blueprints/{identifier}', path: () => '/v1/blueprints/missing', status: 404 },
  { route: 'PATCH /v1/blueprints/:identifier', spec: '/v1/blueprints/{identifier}', path: () => '/v1/blueprints/conformance', body: () => ({ description: 'patched' }), status: 200 },
  { route: 'PUT /v1/blueprints/:identifier', spec: '/v1/blueprints/{identifier}', path: () => '/v1/blueprints/conformance', body: () => ({ title: 'Conformance', schema: { properties: { a: { type: 'string' } }, required: [] } }), status: 200 },
  { route: 'DELETE /v1/blueprints/:identifier', spec: '/v1/blueprints/{identifier}', path: () => '/v1/blueprints/conformance', status: 200 },
  { route: 'POST /v1/blueprints/:blueprint/entities', spec: `${BP}/entities`, path: () => '/v1/blueprints/service/entities?upsert=true&create_missing_related_entities=true', body: () => service('svc-1'), status: 201 },
  { route: 'POST /v1/blueprints/:blueprint/entities', spec: `${BP}/entities`, path: () => '/v1/blueprints/service/entities?upsert=true', body: () => ({ identifier: 'svc-bad', properties: { tier: 'bronze' } }), status: 422 },
  { route: 'POST /v1/blueprints/:blueprint/entities', spec: `${BP}/entities`, path: () => '/v1/blueprints/nowhere/entities?upsert=true', body: () => service('x'), status: 404 },
  { route: 'POST /v1/blueprints/:blueprint/entities/bulk', spec: `${BP}/entities/bulk`, path: () => '/v1/blueprints/service/entities/bulk?upsert=true&merge=true', body: () => ({ entities: [service('svc-2'), service('svc-3')] }), status: 200 },
  { route: 'POST /v1/blueprints/:blueprint/entities/bulk', spec: `${BP}/entities/bulk`, path: () => '/v1/blueprints/service/entities/bulk?upsert=true&merge=true', body: () => ({ entities: [service('svc-4'), { identifier: 'svc-5', properties: { tier: 'bronze' } }] }), status: 207 },
  { route: 'POST /v1/blueprints/:blueprint/entities/bulk', spec: `${BP}/entities/bulk`, path: () => '/v1/blueprints/service/entities/bulk?upsert=true', text: JSON.stringify({ entities: [{ identifier: 'huge', properties: { pad: 'x'.repeat(1_100_000) } }] }), status: 413 },
  { route: 'GET /v1/blueprints/:blueprint/entities', spec: `${BP}/entities`, path: () => '/v1/blueprints/service/entities', status: 200 },
  { route: 'POST /v1/blueprints/:blueprint/entities/search', spec: `${BP}/entities/search`, path: () => '/v1/blueprints/service/entities/search', body: () => ({ query: { combinator: 'and', rules: [{ property: 'tier', operator: '=', value: 'gold' }] }, include: ['$identifier', '$title'], limit: 1 }), status: 200 },
  { route: 'POST /v1/blueprints/:blueprint/entities/search', spec: `${BP}/entities/search`, path: () => '/v1/blueprints/service/entities/search', body: (f) => ({ limit: 1, from: f.nextPage }), status: 200 },
  { route: 'GET /v1/blueprints/:blueprint/entities-count', spec: `${BP}/entities-count`, path: () => '/v1/blueprints/service/entities-count', status: 200 },
  { route: 'GET /v1/blueprints/:blueprint/entities/:identifier', spec: ENTITY, path: () => '/v1/blueprints/service/entities/svc-1', status: 200 },
  { route: 'GET /v1/blueprints/:blueprint/entities/:identifier', spec: ENTITY, path: () => '/v1/blueprints/service/entities/none', status: 404 },
  { route: 'PATCH /v1/blueprints/:blueprint/entities/:identifier', spec: ENTITY, path: () => '/v1/blueprints/service/entities/svc-1', body: () => ({ title: 'Service one', properties: { stars: 3 } }), status: 200 },
  { route: 'PUT /v1/blueprints/:blueprint/entities/:identifier', spec: ENTITY, path: () => '/v1/blueprints/service/entities/svc-1', body: () => ({ title: 'Service one', properties: { tier: 'silver' }, relations: { team: 'core' } }), status: 200 },
  { route: 'POST /v1/entities/search', spec: '/v1/entities/search', path: () => '/v1/entities/search', body: () => ({ combinator: 'and', rules: [{ property: '$blueprint', operator: '=', value: 'service' }, { combinator: 'or', rules: [{ property: '$datasource', operator: 'contains', value: 'glint-test' }, { operator: 'relatedTo', blueprint: 'team', value: 'core' }] }] }), status: 200 },
  { route: 'POST /v1/entities/search', spec: '/v1/entities/search', path: () => '/v1/entities/search?include=identifier&include=blueprint', body: () => ({ combinator: 'and', rules: [{ property: '$identifier', operator: 'in', value: ['svc-1', 'svc-2'] }] }), status: 200 },
  { route: 'DELETE /v1/blueprints/:blueprint/entities/:identifier', spec: ENTITY, path: () => '/v1/blueprints/service/entities/svc-1?delete_dependents=false', status: 200 },
  { route: 'POST /v1/blueprints/:blueprint/bulk/entities/delete', spec: `${BP}/bulk/entities/delete`, path: () => '/v1/blueprints/service/bulk/entities/delete?delete_dependents=true', body: () => ({ entities: ['svc-2', 'svc-3'] }), status: 200 },
  { route: 'DELETE /v1/blueprints/:blueprint/all-entities', spec: `${BP}/all-entities`, path: () => '/v1/blueprints/service/all-entities', status: 200 },
  { route: 'POST /v1/actions/:action/runs', spec: '/v1/actions/{action_identifier}/runs', path: () => '/v1/actions/deploy/runs', body: () => ({ properties: { ref: 'main' } }), status: 202 },
  { route: 'PATCH /v1/actions/runs/:runId', spec: RUN, path: (f) => `/v1/actions/runs/${f.runId}`, body: () => ({ link: ['https://ci.test/1'], statusLabel: 'running', externalRunId: 'gh_1' }), status: 200 },
  { route: 'POST /v1/actions/runs/:runId/logs', spec: `${RUN}/logs`, path: (f) => `/v1/actions/runs/${f.runId}/logs`, body: () => ({ message: 'Workflow completed: success', terminationStatus: 'SUCCESS', statusLabel: 'done' }), status: 201 },
  { route: 'GET /v1/actions/runs/:runId/logs', spec: `${RUN}/logs`, path: (f) => `/v1/actions/runs/${f.runId}/logs?limit=10`, status: 200 },
  { route: 'GET /v1/actions/runs/:runId', spec: RUN, path: (f) => `/v1/actions/runs/${f.runId}`, status: 200 },
  { route: 'GET /v1/actions/runs/:runId', spec: RUN, path: () => '/v1/actions/runs/r_missing', status: 404 },
  { route: 'GET /v1/actions/runs', spec: '/v1/actions/runs', path: () => '/v1/actions/runs?external_run_id=gh_1&limit=5', status: 200 },
];

/**
 * Where Port's description and Port's documented behaviour differ, the catalog follows the behaviour. Each entry: a
 * response path (Ajv instance path, indexes as `*`), the extra field allowed there, and why.
 */
const ENTITY_FIELDS_OUTSIDE_THE_SPEC = ['blueprint', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy'];
const ENTITY_LOCATIONS = ['/entity', '/entities/*'];
/*
 * - The spec's entity response objects are `additionalProperties: false` with only identifier, title, icon, team,
 *   properties and relations, but Port's search docs show `blueprint`, `createdAt`, `createdBy`, `updatedAt`,
 *   `updatedBy` on every entity, and Port's own client (ocean) reads `blueprint` from search answers.
 * - 409 (identifier taken, dependents, finished run) and 400 (body not JSON) are not documented answers; the
 *   catalog answers them with the same `{ok: false, error, message}` shape as the documented 4xx answers.
 */
function allowed(problem: SpecProblem): boolean {
  if (problem.keyword !== 'additionalProperties') return false;
  const location = problem.path.replace(/\/\d+(?=\/|$)/g, '/*');
  return ENTITY_LOCATIONS.includes(location) && ENTITY_FIELDS_OUTSIDE_THE_SPEC.includes(String(problem.params['additionalProperty']));
}

const describeProblem = (problem: SpecProblem): string => `${problem.path || '/'} ${problem.message} ${JSON.stringify(problem.params)}`;

describe("catalog conformance with Port's OpenAPI description", () => {
  const spec = PortOpenApi.load();
  let catalog: CatalogServer;
  const fixtures: Fixtures = { runId: '', nextPage: '' };

  beforeAll(async () => {
    catalog = await CatalogServer.start('catalog_openapi', { seedDefaultBlueprints: false });
    for (const blueprint of TEST_BLUEPRINTS) await catalog.call('POST', '/v1/blueprints', { body: blueprint });
    await catalog.call('POST', '/v1/blueprints/team/entities', { body: { identifier: 'core', title: 'Core' } });
  });

  afterAll(async () => {
    await catalog?.close();
  });

  it('has a case for every /v1 route the catalog serves, each an operation of the description', () => {
    const served = [...new Set(routesOf(catalog).filter((route) => route.includes(' /v1/')))];
    expect([...new Set(CASES.map((c) => c.route))].sort()).toEqual(served.sort());
    expect(CASES.filter((c) => !spec.has(c.route.split(' ')[0], c.spec)).map((c) => c.route)).toEqual([]);
  });

  it.each(CASES.map((c, index) => [`${c.route} → ${c.status} (#${index})`, c] as const))('%s', async (_name, c) => {
    const method = c.route.split(' ')[0];
    const body = c.body?.(fixtures);
    if (body !== undefined && !c.invalidBody) expect(spec.requestProblems(method, c.spec, body).map(describeProblem)).toEqual([]);

    const answer = await catalog.call<Record<string, unknown>>(method, c.path(fixtures), { body, text: c.text, ...(c.token === null ? { token: null } : {}) });

    expect({ status: answer.status, body: answer.status === c.status ? '' : answer.body }).toEqual({ status: c.status, body: '' });
    const problems = spec.responseProblems(method, c.spec, answer.status, answer.body).filter((problem) => !allowed(problem));
    expect(problems.map(describeProblem)).toEqual([]);
    if (c.route === 'POST /v1/actions/:action/runs') fixtures.runId = String((answer.body['run'] as { id: string }).id);
    if (c.route === 'POST /v1/blueprints/:blueprint/entities/search' && typeof answer.body['next'] === 'string') fixtures.nextPage = answer.body['next'];
  });

  it('answers the undocumented 409 and 400 with the documented error shape', async () => {
    const taken = await catalog.call('POST', '/v1/blueprints/team/entities', { body: { identifier: 'core' } });
    const notJson = await catalog.call('POST', '/v1/entities/search', { text: '{' });

    for (const answer of [taken, notJson]) expect(spec.responseProblems('POST', '/v1/entities/search', 422, answer.body).map(describeProblem)).toEqual([]);
    expect([taken.status, notJson.status]).toEqual([409, 400]);
  });
});

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** `METHOD /path` of every route registered on the catalog's Express router. */
function routesOf(catalog: CatalogServer): string[] {
  const express = catalog.service.app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } };
  return express.router.stack.flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route?.path.replace(/(.)\/$/, '$1')}`) : []));
}
