import type { StoredBlueprint } from '../blueprints/blueprint.types';
import { filterQuery, orderOf, readTableQuery, tableSearch } from './table-query';

const blueprint: StoredBlueprint = {
  identifier: 'service',
  title: 'Service',
  schema: { properties: { stars: { type: 'number' }, tier: { type: 'string' } }, required: [] },
  relations: { team: { target: 'team', required: false, many: false } },
  calculationProperties: {},
  mirrorProperties: {},
  aggregationProperties: {},
  createdAt: '',
  updatedAt: '',
  createdBy: '',
  updatedBy: '',
};

describe('the table query', () => {
  it('reads filters, sort, order and page from the URL', () => {
    expect(readTableQuery({ q: 'api', sort: 'properties.stars', order: 'desc', page: '3' })).toEqual({
      filters: { q: 'api', datasource: undefined, property: undefined, value: undefined },
      sort: 'properties.stars',
      descending: true,
      page: 3,
    });
  });

  it('sorts by meta columns, properties and relations the blueprint defines, and by identifier otherwise', () => {
    const order = (sort: string) => orderOf(blueprint, { ...readTableQuery({}), sort });

    expect(order('$updatedAt').by).toEqual({ meta: 'updatedAt' });
    expect(order('properties.stars').by).toEqual({ property: 'stars' });
    expect(order('relations.team').by).toEqual({ relation: 'team' });
    expect(order('properties.nope').by).toEqual({ meta: 'identifier' });
    expect(order('properties.__proto__').by).toEqual({ meta: 'identifier' });
  });

  it('links to the table with a changed state, leaving defaults out', () => {
    const table = readTableQuery({ q: 'api', page: '2' });

    expect(tableSearch(table, { sort: 'properties.stars', descending: true, page: 1 })).toBe('?q=api&sort=properties.stars&order=desc');
    expect(tableSearch(readTableQuery({}), {})).toBe('?');
  });

  it('filters with the same search the API answers', () => {
    expect(filterQuery(blueprint, { property: 'stars', value: '7' })).toEqual({ combinator: 'and', rules: [{ property: 'stars', operator: '=', value: 7 }] });
    expect(filterQuery(blueprint, {})).toBeUndefined();
  });
});
