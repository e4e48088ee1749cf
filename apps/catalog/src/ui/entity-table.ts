import type { StoredBlueprint } from '../blueprints/blueprint.types';
import type { EntityRecord } from '../entities/entity.types';
import { html, SafeHtml } from './html';
import { timeElement } from './humane-time';
import { blueprintHref, entityHref } from './layout';
import { propertyValue } from './property-value';
import { TableQuery, tableSearch } from './table-query';

interface Column {
  /** The sort key (`$identifier`, `properties.url`, `relations.team`). */
  key: string;
  title: string;
  cell: (record: EntityRecord) => SafeHtml;
}

/** Every column of a blueprint's table: identifier, title, each property, each relation (as links), last update. */
function columnsOf(blueprint: StoredBlueprint, now: Date): Column[] {
  const properties = Object.entries(blueprint.schema.properties).map(([name, schema]) => ({
    key: `properties.${name}`,
    title: schema.title ?? name,
    cell: (record: EntityRecord) => propertyValue(record.properties[name], schema, 'cell', now),
  }));
  const relations = Object.entries(blueprint.relations).map(([name, relation]) => ({
    key: `relations.${name}`,
    title: relation.title ?? name,
    cell: (record: EntityRecord) => relationLinks(relation.target, record.relations[name]),
  }));
  return [
    { key: '$identifier', title: 'Identifier', cell: (record) => html`<a href="${entityHref(blueprint.identifier, record.identifier)}">${record.identifier}</a>` },
    { key: '$title', title: 'Title', cell: (record) => html`${record.title ?? ''}` },
    ...properties,
    ...relations,
    { key: '$updatedAt', title: 'Updated', cell: (record) => timeElement(record.updatedAt, now) },
  ];
}

export function entityTable(blueprint: StoredBlueprint, records: EntityRecord[], table: TableQuery, now: Date): SafeHtml {
  const columns = columnsOf(blueprint, now);
  const base = blueprintHref(blueprint.identifier);
  const header = (column: Column): SafeHtml => {
    const sorted = table.sort === column.key;
    const descending = sorted && !table.descending;
    const arrow = sorted ? (table.descending ? ' ▼' : ' ▲') : '';
    return html`<th data-column="${column.key}"${sorted ? new SafeHtml(` aria-sort="${table.descending ? 'descending' : 'ascending'}"`) : ''}><a href="${base}${tableSearch(table, { sort: column.key, descending, page: 1 })}">${column.title}${arrow}</a></th>`;
  };
  return html`<div class="scroll"><table id="entities">
    <thead><tr>${columns.map(header)}</tr></thead>
    <tbody>${records.map((record) => html`<tr data-identifier="${record.identifier}">${columns.map((column) => html`<td data-column="${column.key}">${column.cell(record)}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

/** A relation's value as links to the related entities. */
export function relationLinks(target: string, value: unknown): SafeHtml {
  const ids = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
  if (ids.length === 0) return html`<span class="muted">none</span>`;
  return html`${ids.map((id, index) => html`${index > 0 ? ', ' : ''}<a href="${entityHref(target, String(id))}">${String(id)}</a>`)}`;
}
