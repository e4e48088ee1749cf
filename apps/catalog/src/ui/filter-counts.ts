import type { StoredBlueprint } from '../blueprints/blueprint.types';
import { html, SafeHtml } from './html';
import { blueprintHref } from './layout';
import { enumBadge } from './property-value';
import { TableQuery, tableSearch } from './table-query';

const MAX_COUNTED = 6;
export const MAX_VALUES = 12;

/** The properties whose values are counted: enums and booleans, the few values worth filtering by. */
export function countedProperties(blueprint: StoredBlueprint): string[] {
  return Object.entries(blueprint.schema.properties)
    .filter(([, schema]) => schema.enum !== undefined || schema.type === 'boolean')
    .slice(0, MAX_COUNTED)
    .map(([name]) => name);
}

/** Per counted property, each value with how many entities matching the filter hold it, as a link that filters by it. */
export function filterCounts(blueprint: StoredBlueprint, counts: Map<string, Array<{ value: string; count: number }>>, table: TableQuery): SafeHtml {
  const rows = [...counts].filter(([, values]) => values.length > 0);
  if (rows.length === 0) return html`<div id="filter-counts" data-live-region></div>`;
  const base = blueprintHref(blueprint.identifier);
  return html`<div id="filter-counts" class="filter-counts" data-live-region>${rows.map(([name, values]) => {
    const schema = blueprint.schema.properties[name];
    return html`<div data-property="${name}"><span class="muted">${schema.title ?? name}:</span> ${values.map((entry) => {
      const current = table.filters.property === name && table.filters.value === entry.value;
      const href = `${base}${tableSearch(table, { filters: { ...table.filters, property: name, value: entry.value }, page: 1 })}`;
      return html`<a href="${href}" data-value="${entry.value}"${current ? new SafeHtml(' aria-current="true"') : ''}>${schema.enum ? enumBadge(entry.value, schema) : entry.value} <span class="count">${entry.count}</span></a> `;
    })}</div>`;
  })}</div>`;
}
