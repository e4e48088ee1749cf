import { checkBlueprint } from '../blueprints/blueprint-rules';
import { EntityProblem, identifierProblem, missingRequired, propertyProblems, readEntityInput, relationProblems, valueProblem } from './entity-rules';

const blueprint = checkBlueprint({
  identifier: 'service',
  title: 'Service',
  schema: {
    properties: {
      url: { type: 'string', format: 'url' },
      tier: { type: 'string', enum: ['gold', 'silver'] },
      stars: { type: 'number', minimum: 0 },
      tags: { type: 'array', items: { type: 'string' } },
    },
    required: ['tier'],
  },
  relations: { team: { target: 'team', required: true }, libraries: { target: 'library', many: true } },
});

describe('entity identifier rules', () => {
  it.each(['repo-a', 'org/repo', 'acme:repo@main', 'a+b=c', 'C:\\path', 'δοκιμή', 'x.y', '...'])('accepts %p', (identifier) => {
    expect(identifierProblem(identifier)).toBeUndefined();
  });

  it.each([
    ['', 'the identifier is empty'],
    ['.', 'the identifier may not be "." or ".."'],
    ['..', 'the identifier may not be "." or ".."'],
    ['has space', 'contains " "'],
    ['semi;colon', 'contains ";"'],
    ['build-٣', 'contains "٣"'], // an Arabic-Indic digit: Port's pattern takes letters of any script but only 0-9
    ['x'.repeat(1001), 'at most 1000 are allowed'],
  ])('refuses %p', (identifier, reason) => {
    expect(identifierProblem(identifier)).toContain(reason);
  });
});

describe('readEntityInput', () => {
  it('normalizes a single team to a list and keeps explicit nulls', () => {
    expect(readEntityInput({ identifier: 'a', title: null, team: 'core', properties: { url: null } }, 'service')).toEqual({ identifier: 'a', title: null, team: ['core'], properties: { url: null } });
  });

  it('keeps a search-query identifier for resolution', () => {
    const query = { combinator: 'and', rules: [{ property: 'url', operator: '=', value: 'https://x' }] };

    expect(readEntityInput({ identifier: query }, 'service').identifier).toEqual(query);
  });

  it.each([
    [{ identifier: 'a b' }, 'contains " "'],
    [{ identifier: 3 }, 'identifier must be a string or a search query'],
    [{ identifier: 'a', blueprint: 'other' }, 'the entity names blueprint "other", but the route is for "service"'],
    [{ identifier: 'a', colour: 'red' }, 'the entity has unknown fields: colour'],
    [{ identifier: 'a', properties: [] }, 'properties must be an object'],
    [{ identifier: 'a', team: [1] }, 'team must be a string, an array of strings or a search query'],
  ])('refuses %j with a 422 that says why', (raw, reason) => {
    expect(() => readEntityInput(raw, 'service')).toThrow(expect.objectContaining({ statusCode: 422, message: expect.stringContaining(reason) }) as EntityProblem);
  });
});

describe('property validation against the blueprint', () => {
  it('accepts values of the declared types, formats and enums, and null to clear', () => {
    expect(propertyProblems({ url: 'https://example.com/x', tier: 'gold', stars: 4, tags: ['a'] }, blueprint)).toEqual([]);
    expect(propertyProblems({ url: null, stars: null }, blueprint)).toEqual([]);
  });

  it('names each wrong property and why', () => {
    expect(propertyProblems({ url: 'not a url', tier: 'bronze', stars: '4', tags: ['a', 2], colour: 'red' }, blueprint)).toEqual([
      'property "url" must be an absolute URL (format url), not "not a url"',
      'property "tier" must be one of "gold", "silver", not "bronze"',
      'property "stars" must be a number, not string "4"',
      'property "tags" item 1 must be a string, not number 2',
      'property "colour" is not defined on blueprint "service"',
    ]);
  });

  it.each([
    [{ type: 'string', format: 'date-time' }, '2024-05-01T10:00:00Z', undefined],
    [{ type: 'string', format: 'date-time' }, '2024-05-01', 'must be an ISO 8601 date-time'],
    [{ type: 'string', format: 'email' }, 'dev@example.com', undefined],
    [{ type: 'string', format: 'ipv4' }, '10.0.0.300', 'must be an IPv4 address'],
    [{ type: 'string', format: 'ipv6' }, '::1', undefined],
    [{ type: 'number', maximum: 5 }, 6, 'must be <= 5'],
    [{ type: 'boolean' }, 'true', 'must be a boolean'],
    [{ type: 'object' }, [1], 'must be an object, not an array'],
    [{ type: 'string', pattern: '^v\\d+$' }, 'v12', undefined],
    [{ type: 'string', pattern: '^v\\d+$' }, 'x', 'must match the pattern'],
    [{ type: 'string', pattern: '^(a+)+$' }, `${'a'.repeat(32)}!`, 'must match the pattern ^(a+)+$'],
    [{ type: 'string', pattern: 'x(?=y)' }, 'xy', "cannot be checked against the blueprint's pattern x(?=y), since it uses a lookahead"],
  ] as const)('checks %j against %p', (schema, value, problem) => {
    const found = valueProblem(value, schema);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe('relation validation against the blueprint', () => {
  it('takes one identifier for a single relation and an array for a many relation', () => {
    expect(relationProblems({ team: 'core', libraries: ['a', 'b'] }, blueprint)).toEqual([]);
    expect(relationProblems({ team: null, libraries: null }, blueprint)).toEqual([]);
  });

  it('names unknown relations and wrong shapes', () => {
    expect(relationProblems({ team: ['core'], libraries: 'a', owner: 'x' }, blueprint)).toEqual([
      'relation "team" takes one identifier (a string), not an array',
      'relation "libraries" is many, so its value must be an array of identifiers, not string "a"',
      'relation "owner" is not defined on blueprint "service"',
    ]);
  });

  it('finds no property or relation in Object.prototype', () => {
    const named = JSON.parse('{"__proto__":"x","constructor":"y","toString":"z"}') as Record<string, unknown>;

    expect(propertyProblems(named, blueprint)).toEqual(['__proto__', 'constructor', 'toString'].map((name) => `property "${name}" is not defined on blueprint "service"`));
    expect(relationProblems(named, blueprint)).toEqual(['__proto__', 'constructor', 'toString'].map((name) => `relation "${name}" is not defined on blueprint "service"`));
  });
});

describe('required fields', () => {
  it('are missing when absent or null on create or replace', () => {
    expect(missingRequired(['tier'], {}, new Set(), false)).toEqual(['tier']);
    expect(missingRequired(['tier'], { tier: null }, new Set(['tier']), true)).toEqual(['tier']);
  });

  it('may come from the stored entity when merging', () => {
    expect(missingRequired(['tier'], {}, new Set(['tier']), true)).toEqual([]);
    expect(missingRequired(['tier'], undefined, new Set(), true)).toEqual(['tier']);
  });
});
