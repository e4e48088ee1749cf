import type { ResourceConfig } from '../config/app-config.types';
import { JqEngine } from '../jq/jq-engine';
import { ResourceMapper } from './resource-mapper';

const resource = (overrides: Partial<ResourceConfig['port']['entity']['mappings']> = {}, extra: Partial<ResourceConfig> = {}): ResourceConfig => ({
  kind: 'repository',
  selector: { query: 'true' },
  port: {
    itemsToParseName: 'item',
    entity: {
      mappings: {
        identifier: '.name',
        title: '.name',
        blueprint: '"githubRepository"',
        properties: { url: '.html_url', language: 'if .language then .language else "" end' },
        relations: { organization: '.owner.login' },
        ...overrides,
      },
    },
  },
  ...extra,
});

const repo = { name: 'api', html_url: 'https://github.example.com/acme/api', language: null, owner: { login: 'acme' }, private: true };

describe('ResourceMapper', () => {
  let jq: JqEngine;

  beforeAll(() => {
    jq = new JqEngine({ workers: 1 });
  });

  afterAll(() => jq.close());

  it('builds the entity from the mappings', async () => {
    const result = await new ResourceMapper(resource(), 0, jq).map([repo]);

    expect(result).toEqual({
      entities: [
        {
          identifier: 'api',
          title: 'api',
          blueprint: 'githubRepository',
          properties: { url: 'https://github.example.com/acme/api', language: '' },
          relations: { organization: 'acme' },
        },
      ],
      filtered: 0,
      skipped: [],
      fieldErrors: [],
    });
  });

  it('keeps what the selector selects, and refuses a selector that does not yield a boolean', async () => {
    const filtering = await new ResourceMapper(resource({}, { selector: { query: '.private' } }), 0, jq).map([repo, { ...repo, name: 'web', private: false }]);
    expect(filtering.entities.map((entity) => entity.identifier)).toEqual(['api']);
    expect(filtering.filtered).toBe(1);

    const broken = await new ResourceMapper(resource({}, { selector: { query: '.name' } }), 3, jq).map([repo]);
    expect(broken.entities).toEqual([]);
    expect(broken.skipped).toEqual([{ path: 'resources[3].selector.query', message: 'it yielded "api", not true or false', object: 'https://github.example.com/acme/api' }]);
  });

  it('expands itemsToParse, each element under .item beside the object’s own fields', async () => {
    const team = { slug: 'core', members: { nodes: [{ login: 'a' }, { login: 'b' }] } };
    const mapper = new ResourceMapper(
      {
        kind: 'team',
        selector: { query: 'true' },
        port: {
          itemsToParse: '.members.nodes',
          itemsToParseName: 'item',
          entity: { mappings: { identifier: '.slug + "-" + .item.login', blueprint: '"githubTeamMember"', properties: { login: '.item.login' }, relations: { team: '.slug' } } },
        },
      },
      0,
      jq,
    );

    const result = await mapper.map([team]);

    expect(result.entities.map((entity) => [entity.identifier, entity.properties['login'], entity.relations['team']])).toEqual([
      ['core-a', 'a', 'core'],
      ['core-b', 'b', 'core'],
    ]);
  });

  it('skips and reports entities without a blueprint or a valid identifier', async () => {
    const result = await new ResourceMapper(resource({ identifier: '.name' }), 1, jq).map([repo, { ...repo, name: null }, { ...repo, name: 'has space' }, { ...repo, name: '..' }]);

    expect(result.entities.map((entity) => entity.identifier)).toEqual(['api']);
    const object = 'https://github.example.com/acme/api';
    expect(result.skipped).toEqual([
      { path: 'resources[1].port.entity.mappings.identifier', message: 'the identifier is null; an entity needs a string identifier', object },
      { path: 'resources[1].port.entity.mappings.identifier', message: expect.stringContaining('contains " "'), object },
      { path: 'resources[1].port.entity.mappings.identifier', message: 'the identifier may not be "." or ".."', object },
    ]);

    const noBlueprint = await new ResourceMapper(resource({ blueprint: '.nothing' }), 0, jq).map([repo]);
    expect(noBlueprint.skipped).toEqual([{ path: 'resources[0].port.entity.mappings.blueprint', message: 'the blueprint is null; an entity needs a blueprint', object }]);
  });

  it('nulls a field whose expression fails and says where, keeping the rest of the entity', async () => {
    const result = await new ResourceMapper(resource({ properties: { url: '.html_url', broken: '.name + 1' } }), 2, jq).map([repo]);

    expect(result.entities[0].properties).toEqual({ url: 'https://github.example.com/acme/api', broken: null });
    expect(result.fieldErrors).toEqual([{ path: 'resources[2].port.entity.mappings.properties.broken', message: 'string ("api") and number (1) cannot be added' }]);
  });

  it('skips only the object whose mapping runs out of memory, naming it, and builds the others in the same batch', async () => {
    // A time limit the runaway never reaches, so it is the memory limit that stops it however busy the machine is.
    const patient = new JqEngine({ workers: 1, timeoutMs: 60_000 });
    const mapper = new ResourceMapper(resource({ properties: { size: 'if .name == "huge" then range(1e12) else 1 end' } }), 0, patient);

    const result = await mapper.map([repo, { ...repo, name: 'huge', html_url: 'https://github.example.com/acme/huge' }, { ...repo, name: 'web' }]).finally(() => patient.close());

    expect(result.entities.map((entity) => [entity.identifier, entity.properties['size']])).toEqual([
      ['api', 1],
      ['web', 1],
    ]);
    expect(result.skipped).toEqual([
      { path: 'resources[0].port.entity.mappings', message: "the jq program ran out of memory (the jq engine's limit is 256 MB) and was stopped", object: 'https://github.example.com/acme/huge' },
    ]);
  }, 30_000);

  it('takes the first output of a field with several, and many-relations as lists', async () => {
    const result = await new ResourceMapper(resource({ title: '.topics[]', relations: { owners: '[.owners[].login]' } }), 0, jq).map([
      { ...repo, topics: ['first', 'second'], owners: [{ login: 'a' }, { login: 'b' }] },
    ]);

    expect(result.entities[0]).toMatchObject({ title: 'first', relations: { owners: ['a', 'b'] } });
  });

  it('passes search-query identifiers and relations through with their rule values computed', async () => {
    const result = await new ResourceMapper(
      resource({
        identifier: { combinator: 'and', rules: [{ property: 'login', operator: '=', value: '.owner.login' }] },
        team: '[.owner.login]',
      }),
      0,
      jq,
    ).map([repo]);

    expect(result.entities[0]).toMatchObject({
      identifier: { combinator: 'and', rules: [{ property: 'login', operator: '=', value: 'acme' }] },
      team: ['acme'],
    });
  });
});
