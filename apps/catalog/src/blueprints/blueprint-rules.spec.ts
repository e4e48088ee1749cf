import { defaultBlueprints } from '@glint/mapping';
import { CatalogError } from '../http/catalog-error';
import { applyBlueprintPatch, checkBlueprint } from './blueprint-rules';

const minimal = { identifier: 'service', title: 'Service', schema: { properties: { url: { type: 'string', format: 'url' } }, required: [] } };

function problemOf(body: unknown, previous?: ReturnType<typeof checkBlueprint>): string {
  try {
    checkBlueprint(body, previous);
  } catch (error) {
    if (error instanceof CatalogError) return `${error.status} ${error.message}`;
    throw error;
  }
  return 'accepted';
}

describe('blueprint rules', () => {
  it('accepts every default blueprint the catalog seeds', () => {
    for (const blueprint of defaultBlueprints()) expect(problemOf(blueprint)).toBe('accepted');
  });

  it('fills in relation defaults and empty property maps', () => {
    expect(checkBlueprint({ ...minimal, relations: { team: { target: 'team' } } })).toMatchObject({
      relations: { team: { target: 'team', required: false, many: false } },
      calculationProperties: {},
      mirrorProperties: {},
      aggregationProperties: {},
    });
  });

  it('reports every problem at once, each with its path', () => {
    const body = {
      identifier: 'has=equals',
      title: '',
      schema: { properties: { 'bad name': { type: 'text' }, tier: { type: 'string', enum: [1] } }, required: ['missing'] },
      relations: { owner: { title: 'Owner' } },
    };

    expect(problemOf(body)).toBe(
      '422 /identifier "has=equals" must match ^(?!\\.{1,2}$)[\\p{L}0-9@_.+:\\\\/-]+$: letters, digits and @ _ . + : \\ / -, not "." or ".."; ' +
        '/title must NOT have fewer than 1 characters; /schema/properties/bad name/type must be one of string, number, boolean, object, array; ' +
        '/schema/properties/bad name has an identifier that must match ^[A-Za-z0-9@_=\\-]+$ (at most 100 characters); /schema/properties/tier/enum must list string values; ' +
        '/schema/required names "missing", which is not a property of this blueprint; /relations/owner must be an object with a "target" blueprint',
    );
  });

  it('refuses a property pattern the linear-time engine cannot run, naming the property and the reason', () => {
    const withPattern = (pattern: unknown) => ({ ...minimal, schema: { properties: { slug: { type: 'string', pattern } } } });

    expect(problemOf(withPattern('^(?!-)[a-z-]+$'))).toBe(
      "422 /schema/properties/slug/pattern cannot be used: it uses a lookahead ((?=…) or (?!…)), which the catalog's linear-time regular expression engine (RE2) does not support",
    );
    expect(problemOf(withPattern('(a)\\1'))).toMatch(/^422 \/schema\/properties\/slug\/pattern cannot be used: it uses a backreference \(\\1\)/);
    expect(problemOf(withPattern('[z-a]'))).toMatch(/^422 \/schema\/properties\/slug\/pattern cannot be used: it is not a valid regular expression/);
    expect(problemOf(withPattern(7))).toBe('422 /schema/properties/slug/pattern must be a string');
    expect(problemOf(withPattern('^(a+)+$'))).toBe('accepted');
  });

  it('refuses __proto__ as a property or relation identifier, which would vanish from the stored blueprint', () => {
    const body = JSON.parse('{"identifier":"p","title":"P","schema":{"properties":{"__proto__":{"type":"string"}}},"relations":{"__proto__":{"target":"team"}}}') as unknown;

    expect(problemOf(body)).toBe('422 /schema/properties/__proto__ is a reserved identifier (__proto__ cannot name a property or a relation); /relations/__proto__ is a reserved identifier (__proto__ cannot name a property or a relation)');
  });

  it('takes a new property named like an Object.prototype member when replacing', () => {
    const stored = checkBlueprint(minimal);

    expect(problemOf({ ...minimal, schema: { properties: { url: { type: 'string' }, constructor: { type: 'string' } } } }, stored)).toBe('accepted');
  });

  it("refuses to change a property's type", () => {
    const stored = checkBlueprint(minimal);

    expect(problemOf({ ...minimal, schema: { properties: { url: { type: 'number' } } } }, stored)).toBe("422 /schema/properties/url/type cannot change from string to number; a property's type is fixed once created");
  });

  it('merges a PATCH into the stored blueprint by property and relation', () => {
    const stored = checkBlueprint({ ...minimal, relations: { team: { target: 'team' } } });

    const patched = checkBlueprint(applyBlueprintPatch(stored, { title: 'Services', schema: { properties: { stars: { type: 'number' } } }, relations: { repo: { target: 'repo', many: true } } }));

    expect(patched).toMatchObject({ title: 'Services', schema: { properties: { url: { type: 'string' }, stars: { type: 'number' } } } });
    expect(Object.keys(patched.relations)).toEqual(['team', 'repo']);
  });
});
