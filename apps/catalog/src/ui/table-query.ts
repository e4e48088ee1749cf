import type { StoredBlueprint } from '../blueprints/blueprint.types';
import type { EntityOrder } from '../entities/entity-store';
import { integerParam, Query, stringParam } from '../http/query-params';

export interface Filters {
  q?: string;
  datasource?: string;
  property?: string;
  value?: string;
}

/** The entity table's state, all in the URL: filters, the sorted column (`$identifier`, `properties.x`, `relations.y`), the page. */
export interface TableQuery {
  filters: Filters;
  sort: string;
  descending: boolean;
  page: number;
}

const META_SORTS = { $identifier: 'identifier', $title: 'title', $createdAt: 'createdAt', $updatedAt: 'updatedAt' } as const;
const DEFAULT_SORT = '$identifier';

export function readTableQuery(query: Query): TableQuery {
  return {
    filters: { q: stringParam(query, 'q'), datasource: stringParam(query, 'datasource'), property: stringParam(query, 'property'), value: stringParam(query, 'value') },
    sort: stringParam(query, 'sort') ?? DEFAULT_SORT,
    descending: stringParam(query, 'order') === 'desc',
    page: integerParam(query, 'page', 1, 1, 1_000_000),
  };
}

/** The store's order for a sort key; a key the blueprint does not define sorts by identifier. */
export function orderOf(blueprint: StoredBlueprint, table: TableQuery): EntityOrder {
  const { sort, descending } = table;
  if (isMetaSort(sort)) return { by: { meta: META_SORTS[sort] }, descending };
  const [kind, name] = splitKey(sort);
  if (kind === 'properties' && Object.hasOwn(blueprint.schema.properties, name)) return { by: { property: name }, descending };
  if (kind === 'relations' && Object.hasOwn(blueprint.relations, name)) return { by: { relation: name }, descending };
  return { by: { meta: 'identifier' }, descending };
}

const isMetaSort = (key: string): key is keyof typeof META_SORTS => Object.hasOwn(META_SORTS, key);

function splitKey(key: string): [string, string] {
  const dot = key.indexOf('.');
  return dot < 0 ? ['', key] : [key.slice(0, dot), key.slice(dot + 1)];
}

/** The URL of the table with some of its state changed; a change of filter or sort starts again at page 1. */
export function tableSearch(table: TableQuery, change: Partial<TableQuery>): string {
  const next = { ...table, ...change };
  const entries: Array<[string, string | undefined]> = [
    ...Object.entries(next.filters),
    ['sort', next.sort === DEFAULT_SORT ? undefined : next.sort],
    ['order', next.descending ? 'desc' : undefined],
    ['page', next.page > 1 ? String(next.page) : undefined],
  ];
  const params = new URLSearchParams(entries.filter((entry): entry is [string, string] => entry[1] !== undefined));
  const text = params.toString();
  return text === '' ? '?' : `?${text}`;
}

export function isFiltered(filters: Filters): boolean {
  return Boolean(filters.q || filters.datasource || (filters.property && filters.value !== undefined));
}

/** The UI's filter form as a Port search query, so the table uses the same search as the API. */
export function filterQuery(blueprint: StoredBlueprint, filters: Filters): unknown {
  const rules: unknown[] = [];
  if (filters.q) rules.push({ combinator: 'or', rules: [{ property: '$identifier', operator: 'contains', value: filters.q }, { property: '$title', operator: 'contains', value: filters.q }] });
  if (filters.datasource) rules.push({ property: '$datasource', operator: 'contains', value: filters.datasource });
  if (filters.property && filters.value !== undefined) {
    const type = blueprint.schema.properties[filters.property]?.type;
    const value = type === 'number' && Number.isFinite(Number(filters.value)) ? Number(filters.value) : type === 'boolean' ? filters.value === 'true' : filters.value;
    rules.push({ property: filters.property, operator: '=', value });
  }
  return rules.length === 0 ? undefined : { combinator: 'and', rules };
}
