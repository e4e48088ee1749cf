import type { EntityMappings, JqOrSearchQuery, SearchQuery } from '../config/app-config.types';

/** Marks a field whose expression failed, so one bad field does not lose the whole entity. */
export const FIELD_ERROR_KEY = '__glint_jq_error';

/**
 * One jq program that builds a whole entity: every field of the resource's mappings in one object
 * construction (one jq call per batch of inputs instead of one per field). Each field takes the first output of
 * its expression (null when it has none) and catches its own errors.
 */
export function entityProgram(mappings: EntityMappings): string {
  const fields: string[] = [`"identifier": ${valueOrQuery(mappings.identifier)}`, `"blueprint": ${field(mappings.blueprint)}`];
  if (mappings.title !== undefined) fields.push(`"title": ${field(mappings.title)}`);
  if (mappings.icon !== undefined) fields.push(`"icon": ${field(mappings.icon)}`);
  if (mappings.team !== undefined) fields.push(`"team": ${valueOrQuery(mappings.team)}`);
  fields.push(`"properties": ${objectOf(mappings.properties, field)}`);
  fields.push(`"relations": ${objectOf(mappings.relations, valueOrQuery)}`);
  return `{${fields.join(', ')}}`;
}

function field(program: string): string {
  return `(try ([(${program})] | .[0]) catch {"${FIELD_ERROR_KEY}": (. | if type == "string" then . else tojson end)})`;
}

function valueOrQuery(value: JqOrSearchQuery): string {
  return typeof value === 'string' ? field(value) : searchQuery(value);
}

/** The query with each rule's value evaluated, nested queries alike. */
function searchQuery(query: SearchQuery): string {
  const rules = query.rules.map((rule) =>
    'combinator' in rule ? searchQuery(rule) : `{"property": ${JSON.stringify(rule.property)}, "operator": ${JSON.stringify(rule.operator)}, "value": ${field(rule.value)}}`,
  );
  return `{"combinator": ${JSON.stringify(query.combinator)}, "rules": [${rules.join(', ')}]}`;
}

function objectOf<T>(entries: Record<string, T>, build: (value: T) => string): string {
  return `{${Object.entries(entries)
    .map(([key, value]) => `${JSON.stringify(key)}: ${build(value)}`)
    .join(', ')}}`;
}
