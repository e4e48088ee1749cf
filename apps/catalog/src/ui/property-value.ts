import type { PropertySchema } from '../blueprints/blueprint.types';
import { externalLink, html, SafeHtml } from './html';
import { timeElement } from './humane-time';
import { renderMarkdown } from './markdown';

/** Port's enum colour names; anything else gets the neutral badge (a colour is never written into CSS as given). */
const ENUM_COLOURS = new Set(['blue', 'turquoise', 'orange', 'purple', 'lightGray', 'pink', 'yellow', 'green', 'red', 'darkGray', 'bronze', 'gold', 'silver', 'paleBlue', 'lime', 'olive', 'brown']);

/** How a value shows in a table cell (`cell`, kept short) or on the entity page (`full`). */
export type ValueMode = 'cell' | 'full';

const CELL_TEXT = 120;
/** A table cell shows the start of a markdown value (a README can be long); the entity page shows it all. */
const CELL_MARKDOWN = 400;

/**
 * A property value as its schema says: dates humane (ISO on hover), markdown rendered safely, enum values as badges
 * in the blueprint's colours, URLs as links (http(s) only), arrays as lists, objects as key–value lists.
 */
export function propertyValue(value: unknown, schema: PropertySchema | undefined, mode: ValueMode, now: Date): SafeHtml {
  if (value === null || value === undefined) return mode === 'full' ? html`<span class="muted">empty</span>` : html``;
  if (Array.isArray(value)) return listOf(value, itemSchema(schema), mode, now);
  if (typeof value === 'object') return keyValues(value, mode, now);
  if (schema?.enum) return enumBadge(value, schema);
  if (typeof value === 'boolean') return html`<span class="bool">${value ? '✓ true' : '✗ false'}</span>`;
  if (typeof value === 'number') return html`<span class="num">${String(value)}</span>`;
  const text = String(value);
  if (schema?.format === 'date-time') return timeElement(text, now);
  if (schema?.format === 'markdown') return mode === 'cell' ? html`<div class="clip">${renderMarkdown(text, CELL_MARKDOWN)}</div>` : renderMarkdown(text);
  if (mode === 'cell' && text.length > CELL_TEXT) return html`<span title="${text}">${text.slice(0, CELL_TEXT)}…</span>`;
  if (text.includes('\n')) return html`<pre>${text}</pre>`;
  return externalLink(text);
}

export function enumBadge(value: unknown, schema: PropertySchema): SafeHtml {
  const colours = schema['enumColors'];
  const named = typeof colours === 'object' && colours !== null ? Reflect.get(colours, String(value)) : undefined;
  const colour = typeof named === 'string' && ENUM_COLOURS.has(named) ? named : 'none';
  return html`<span class="badge enum enum-${colour}">${String(value)}</span>`;
}

function itemSchema(schema: PropertySchema | undefined): PropertySchema | undefined {
  const items = schema?.items;
  return items ? { type: items.type ?? 'string', ...(items.format ? { format: items.format } : {}), ...(items.enum ? { enum: items.enum } : {}), enumColors: schema?.['enumColors'] } : undefined;
}

function listOf(values: unknown[], schema: PropertySchema | undefined, mode: ValueMode, now: Date): SafeHtml {
  if (values.length === 0) return html`<span class="muted">none</span>`;
  const shown = mode === 'cell' ? values.slice(0, 5) : values;
  const more = values.length - shown.length;
  return html`<ul class="values">${shown.map((item) => html`<li>${propertyValue(item, schema, mode, now)}</li>`)}${more > 0 ? html`<li class="muted">and ${more} more</li>` : ''}</ul>`;
}

function keyValues(value: object, mode: ValueMode, now: Date): SafeHtml {
  const entries = Object.entries(value);
  if (entries.length === 0) return html`<span class="muted">{}</span>`;
  const shown = mode === 'cell' ? entries.slice(0, 4) : entries;
  const more = entries.length - shown.length;
  return html`<dl class="kv">${shown.map(([key, item]) => html`<dt>${key}</dt><dd>${propertyValue(item, undefined, mode, now)}</dd>`)}${more > 0 ? html`<dt class="muted">…</dt><dd class="muted">${more} more</dd>` : ''}</dl>`;
}
