import { checkBlueprint } from '../blueprints/blueprint-rules';
import { CatalogError } from '../http/catalog-error';
import { RelationGraph, searchCondition } from './search-sql';
import { SqlParams } from './sql-params';

const graph = new RelationGraph([
  checkBlueprint({ identifier: 'team', title: 'Team', schema: { properties: {} } }),
  checkBlueprint({ identifier: 'service', title: 'Service', schema: { properties: {} }, relations: { team: { target: 'team', required: true }, deps: { target: 'service', many: true } } }),
]);
const now = new Date('2026-03-10T12:00:00Z');

function translate(query: unknown): { sql: string; values: unknown[] } {
  const params = new SqlParams();
  return { sql: searchCondition(query, { params, graph, now }), values: params.values };
}

const and = (...rules: unknown[]) => ({ combinator: 'and', rules });

describe('search query → SQL', () => {
  it('compares meta-properties as columns, with the value bound', () => {
    expect(translate(and({ property: '$blueprint', operator: '=', value: 'service' }, { property: '$identifier', operator: '!=', value: 'a' }))).toEqual({
      sql: '(e.blueprint = $1 AND e.identifier IS DISTINCT FROM $2)',
      values: ['service', 'a'],
    });
  });

  it('finds the publisher’s own entities by $datasource contains, as Port clients search', () => {
    expect(translate(and({ property: '$datasource', operator: 'contains', value: 'port-ocean/github/' }, { property: '$datasource', operator: 'contains', value: '/42/exporter' }))).toEqual({
      sql: '(strpos(e.datasource, $1) > 0 AND strpos(e.datasource, $2) > 0)',
      values: ['port-ocean/github/', '/42/exporter'],
    });
  });

  it('matches `in` against a text array and treats null `=` as IS NULL', () => {
    expect(translate({ combinator: 'or', rules: [{ property: '$identifier', operator: 'in', value: ['a', 'b'] }, { property: '$title', operator: '=', value: null }] })).toEqual({
      sql: '(e.identifier = ANY($1::text[]) OR e.title IS NULL)',
      values: [['a', 'b']],
    });
  });

  it('compares properties as JSON, so 5 and "5" differ, and arrays match by element', () => {
    const { sql, values } = translate(and({ property: 'stars', operator: '=', value: 5 }));

    expect(sql).toBe(`((e.properties -> $1) = $2::jsonb OR (jsonb_typeof((e.properties -> $1)) = 'array' AND (e.properties -> $1) @> $3::jsonb))`);
    expect(values).toEqual(['stars', '5', '[5]']);
  });

  it('nests combinators', () => {
    const { sql } = translate(and({ property: '$blueprint', operator: '=', value: 'service' }, { combinator: 'or', rules: [{ property: '$title', operator: 'beginsWith', value: 'a' }, { property: '$title', operator: 'endsWith', value: 'z' }] }));

    expect(sql).toBe('(e.blueprint = $1 AND (starts_with(e.title, $2) OR right(e.title, char_length($3::text)) = $3))');
  });

  it('turns an empty `and` into TRUE and an empty `or` into FALSE', () => {
    expect(translate(and()).sql).toBe('TRUE');
    expect(translate({ combinator: 'or', rules: [] }).sql).toBe('FALSE');
  });

  it('follows relatedTo upstream to the entities the given ones point at', () => {
    const { sql, values } = translate(and({ operator: 'relatedTo', blueprint: 'service', value: 'api', direction: 'upstream' }));

    expect(sql).toBe(
      '(EXISTS (SELECT 1 FROM catalog_entities source WHERE source.blueprint = $5 AND source.identifier = ANY($6::text[]) AND ((e.blueprint = $1 AND (source.relations -> $2) @> to_jsonb(e.identifier)) OR (e.blueprint = $3 AND (source.relations -> $4) @> to_jsonb(e.identifier)))))',
    );
    expect(values).toEqual(['team', 'team', 'service', 'deps', 'service', ['api']]);
  });

  it('follows relatedTo downstream by JSON containment, an array for many relations', () => {
    expect(translate(and({ operator: 'relatedTo', blueprint: 'service', value: ['api'], direction: 'downstream' }))).toEqual({
      sql: '((e.blueprint = $1 AND e.relations @> ANY($2::jsonb[])))',
      values: ['service', ['{"deps":["api"]}']],
    });
    expect(translate(and({ operator: 'relatedTo', blueprint: 'team', value: 'core', direction: 'downstream', required: true })).values).toEqual(['service', ['{"team":"core"}']]);
  });

  it('resolves date presets against the clock', () => {
    expect(translate(and({ property: '$createdAt', operator: 'between', value: { preset: 'lastWeek' } })).values).toEqual(['2026-03-03T12:00:00.000Z', '2026-03-10T12:00:00.000Z']);
  });

  it.each([
    [{ combinator: 'xor', rules: [] }, 'body must be a query {combinator: "and" | "or", rules: [...]}'],
    [and({ property: 'x', operator: 'matchAny', value: [] }), 'body/rules/0/operator "matchAny" is not supported here by the embedded catalog'],
    [and({ property: '$nope', operator: '=', value: 1 }), 'body/rules/0/property $nope is not a meta-property the embedded catalog knows'],
    [and({ operator: 'relatedTo', value: 'x' }), 'body/rules/0/blueprint is required for relatedTo'],
    [and(and({ property: 'x', operator: 'in', value: 'a' })), 'body/rules/0/rules/0/value must be an array'],
  ])('refuses %j with a 422 naming the rule', (query, message) => {
    expect(() => translate(query)).toThrow(expect.objectContaining({ status: 422, message: expect.stringContaining(message) }) as CatalogError);
  });
});
