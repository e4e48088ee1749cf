import { loadConfig } from '@glint/config';
import { createGithubAccess, type FetchContext, type GithubAccess, type GithubInstallation, type GithubObject } from '@glint/github';
import { defaultMappingYaml, JqEngine, parseAppConfig, type PortAppConfig, type ResourceConfig } from '@glint/mapping';
import { GithubSimulator } from '@glint/testing';

type SimulatorStats = ReturnType<GithubSimulator['stats']>;
const isGraphqlRoute = (route: string) => /^POST \/(api\/)?graphql$/.test(route);
/** REST requests answered, by route. */
const restRequests = (stats: SimulatorStats) => Object.entries(stats.byRoute).filter(([route]) => !isGraphqlRoute(route));
const restCount = (stats: SimulatorStats) => restRequests(stats).reduce((sum, [, count]) => sum + count, 0);
/** GraphQL queries answered with a fault instead of data. */
const faultedQueries = (stats: SimulatorStats) => Object.entries(stats.byRoute).filter(([route]) => isGraphqlRoute(route)).reduce((sum, [, count]) => sum + count, 0) - stats.graphql.queries;
import { EntityMapping } from '../mapping/entity-mapping';
import { fetchResource } from './index';

/**
 * The GraphQL listings against the REST ones on the same simulator state (GitHub's latency): the shipped mapping maps
 * both to the same entities; a mapping reading a field GraphQL does not supply lists through REST; a query GitHub
 * times out on is asked again in smaller pages and loses nothing.
 */
describe('repository and pull-request listings through GraphQL', () => {
  let sim: GithubSimulator;
  let jq: JqEngine;
  let access: GithubAccess;
  let installation: GithubInstallation;
  let config: PortAppConfig;

  beforeAll(async () => {
    jq = new JqEngine({ workers: 1 });
    const parsed = await parseAppConfig(defaultMappingYaml(), jq);
    if (!parsed.ok) throw new Error(`the shipped mapping did not parse: ${JSON.stringify(parsed.problems)}`);
    config = parsed.config;
  });

  afterAll(async () => {
    await jq?.close();
  });

  beforeEach(async () => {
    sim = await GithubSimulator.start({ seed: 41, organizations: 1, reposPerOrg: 14, pullRequestsPerRepo: 4, latencyMs: 75, latencyJitterMs: 25 });
    const [{ account }] = sim.installations();
    // A repository with more open pull requests than the nested page holds continues on its own.
    const [first] = sim.state.organization(account.login)?.repos ?? [];
    if (first) for (let index = 0; index < 12; index += 1) sim.openPullRequest(account.login, first.name, { title: `Busy ${index}` });
    const env = { APP_ID: String(sim.appId), PRIVATE_KEY: sim.appPrivateKeyPem, GHE_HOST: new URL(sim.url).host, GHE_PROTOCOL: 'http' };
    access = createGithubAccess(loadConfig(env, ['mapper']).github, { sleep: async () => undefined });
    [installation] = await access.installations();
  });

  afterEach(async () => {
    await sim?.close();
  });

  function context(graphql: boolean): FetchContext {
    return {
      client: access.clientFor(installation.id),
      ...(graphql ? { graphql: access.graphqlFor?.(installation.id) } : {}),
      organization: installation.accountLogin,
      concurrency: 4,
    };
  }

  function resourceOf(kind: string): { index: number; resource: ResourceConfig } {
    const index = config.resources.findIndex((resource) => resource.kind === kind);
    return { index, resource: config.resources[index] };
  }

  async function entitiesOf(fetchContext: FetchContext, kind: string, mappingConfig = config): Promise<unknown[]> {
    const index = mappingConfig.resources.findIndex((resource) => resource.kind === kind);
    const objects: GithubObject[] = [];
    for await (const page of fetchResource(fetchContext, mappingConfig.resources[index], mappingConfig)) objects.push(...page);
    const mapped = await new EntityMapping(jq).mapPage(mappingConfig, index, objects, '2025-01-01T00:00:00Z');
    expect(mapped.issues).toEqual([]);
    return mapped.upserts.flatMap((change) => (change.type === 'upsert' ? [change.entity] : [])).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }

  it.each(['repository', 'pull-request'])('maps the %s listing to the same entities through GraphQL as through REST with the shipped mapping', async (kind) => {
    const rest = await entitiesOf(context(false), kind);
    const before = sim.stats();
    const graphql = await entitiesOf(context(true), kind);
    const after = sim.stats();
    expect(rest.length).toBeGreaterThan(10);
    expect(graphql).toEqual(rest);
    expect(after.graphql.queries).toBeGreaterThan(before.graphql.queries);
    // No listing, no file read went through REST.
    expect(restCount(after) - restCount(before)).toBe(0);
  });

  it('maps open and closed pull requests, closed ones capped per repository, the same through GraphQL as through REST', async () => {
    const { index, resource } = resourceOf('pull-request');
    const both: ResourceConfig = { ...resource, selector: { ...resource.selector, states: ['open', 'closed'], closedSinceDate: '2000-01-01', maxResults: 2 } };
    const changed: PortAppConfig = { ...config, resources: config.resources.map((candidate, at) => (at === index ? both : candidate)) };
    const rest = await entitiesOf(context(false), 'pull-request', changed);
    const graphql = await entitiesOf(context(true), 'pull-request', changed);
    expect(rest.filter((entity) => JSON.stringify(entity).includes('"status":"closed"')).length).toBeGreaterThan(0);
    expect(graphql).toEqual(rest);
  });

  it('lists through REST when the mapping reads a field the GraphQL listing does not supply', async () => {
    const { index, resource } = resourceOf('pull-request');
    const mappings = resource.port.entity.mappings;
    const reading: ResourceConfig = { ...resource, port: { ...resource.port, entity: { mappings: { ...mappings, properties: { ...mappings.properties, creatorId: '.user.id' } } } } };
    const changed: PortAppConfig = { ...config, resources: config.resources.map((candidate, at) => (at === index ? reading : candidate)) };
    const before = sim.stats();
    const entities = await entitiesOf(context(true), 'pull-request', changed);
    const after = sim.stats();
    expect(entities.length).toBeGreaterThan(10);
    expect(after.graphql.queries).toBe(before.graphql.queries);
    expect(restRequests(after).filter(([route]) => /\/pulls$/.test(route))).toEqual([[expect.any(String), expect.any(Number)]]);
  });

  it('asks again with smaller pages when GitHub times a query out, and loses no pull request', async () => {
    const expected = await entitiesOf(context(false), 'pull-request');
    sim.injectFaults({ count: 1_000, graphqlError: 'timeout', maxPageSize: 20 });
    const graphql = await entitiesOf(context(true), 'pull-request');
    expect(faultedQueries(sim.stats())).toBeGreaterThan(0);
    expect(graphql).toEqual(expected);
  });
});
