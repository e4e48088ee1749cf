import { isObject } from '../blueprints/blueprint-rules';
import type { BlueprintDefinition, RelationSchema } from '../blueprints/blueprint.types';
import { CatalogError } from '../http/catalog-error';
import { SqlParams } from './sql-params';

/** The blueprints' relations, which `relatedTo` follows in either direction. */
export class RelationGraph {
  private readonly byIdentifier: Map<string, BlueprintDefinition>;

  constructor(blueprints: Iterable<BlueprintDefinition>) {
    this.byIdentifier = new Map([...blueprints].map((blueprint) => [blueprint.identifier, blueprint]));
  }

  blueprint(identifier: string): BlueprintDefinition | undefined {
    return this.byIdentifier.get(identifier);
  }

  /** Relations declared on `blueprint` (it points at their targets). */
  outgoing(blueprint: string): Array<{ name: string; relation: RelationSchema }> {
    return Object.entries(this.byIdentifier.get(blueprint)?.relations ?? {}).map(([name, relation]) => ({ name, relation }));
  }

  /** Relations of any blueprint that point at `blueprint`. */
  incoming(blueprint: string): Array<{ source: string; name: string; relation: RelationSchema }> {
    return [...this.byIdentifier.values()].flatMap((source) =>
      Object.entries(source.relations)
        .filter(([, relation]) => relation.target === blueprint)
        .map(([name, relation]) => ({ source: source.identifier, name, relation })),
    );
  }
}

export interface SearchContext {
  params: SqlParams;
  graph: RelationGraph;
  now: Date;
  /** The alias of catalog_entities in the statement. */
  alias?: string;
}

const TEXT_META: Record<string, string> = {
  $identifier: 'identifier',
  $title: 'title',
  $blueprint: 'blueprint',
  $icon: 'icon',
  $datasource: 'datasource',
  $createdBy: 'created_by',
  $updatedBy: 'updated_by',
};
const TIME_META: Record<string, string> = { $createdAt: 'created_at', $updatedAt: 'updated_at' };
const DAY = 86_400_000;

/**
 * Translates Port's search query (`{combinator, rules}`, rules nested at will) into a SQL condition over
 * `catalog_entities`, with every value a bound parameter. Supported: `= != in notIn containsAny contains
 * doesNotContains beginsWith doesNotBeginsWith endsWith doesNotEndsWith > >= < <= between notBetween isEmpty
 * isNotEmpty relatedTo` on properties and the meta-properties `$identifier $title $blueprint $team $icon $datasource
 * $createdAt $updatedAt $createdBy $updatedBy`. Anything else is a 422 naming the rule.
 */
export function searchCondition(query: unknown, context: SearchContext, path = ''): string {
  if (!isObject(query) || (query['combinator'] !== 'and' && query['combinator'] !== 'or') || !Array.isArray(query['rules'])) {
    throw CatalogError.invalid(`body${path} must be a query {combinator: "and" | "or", rules: [...]}`);
  }
  const rules = query['rules'] as unknown[];
  if (rules.length === 0) return query['combinator'] === 'and' ? 'TRUE' : 'FALSE';
  const parts = rules.map((rule, index) => ruleCondition(rule, context, `${path}/rules/${index}`));
  return parts.length === 1 ? parts[0] : `(${parts.join(query['combinator'] === 'and' ? ' AND ' : ' OR ')})`;
}

function ruleCondition(rule: unknown, context: SearchContext, path: string): string {
  if (!isObject(rule)) throw CatalogError.invalid(`body${path} must be a rule object`);
  if ('combinator' in rule) return searchCondition(rule, context, path);
  const operator = rule['operator'];
  if (typeof operator !== 'string') throw CatalogError.invalid(`body${path}/operator must be a string`);
  if (operator === 'relatedTo') return relatedTo(rule, context, path);
  const property = rule['property'];
  if (typeof property !== 'string') throw CatalogError.invalid(`body${path}/property must be a property identifier or meta-property (the embedded catalog does not support ${JSON.stringify(Object.keys(rule))} rules)`);
  const alias = context.alias ?? 'e';
  if (property in TEXT_META) return textRule(`${alias}.${TEXT_META[property]}`, operator, rule['value'], context, path);
  if (property in TIME_META) return timeRule(`${alias}.${TIME_META[property]}`, operator, rule['value'], context, path);
  if (property === '$team') return jsonRule(`${alias}.team`, operator, rule['value'], context, path);
  if (property.startsWith('$')) throw CatalogError.invalid(`body${path}/property ${property} is not a meta-property the embedded catalog knows`);
  return jsonRule(`(${alias}.properties -> ${context.params.add(property)})`, operator, rule['value'], context, path);
}

function textRule(column: string, operator: string, value: unknown, context: SearchContext, path: string): string {
  const { params } = context;
  switch (operator) {
    case '=':
      return value === null ? `${column} IS NULL` : `${column} = ${params.add(scalarText(value, path))}`;
    case '!=':
      return `${column} IS DISTINCT FROM ${value === null ? 'NULL' : params.add(scalarText(value, path))}`;
    case 'in':
    case 'containsAny':
      return `${column} = ANY(${params.add(textList(value, path))}::text[])`;
    case 'notIn':
      return `(${column} IS NULL OR NOT (${column} = ANY(${params.add(textList(value, path))}::text[])))`;
    case 'contains':
      return anyOf(value, path, (text) => `strpos(${column}, ${params.add(text)}) > 0`);
    case 'doesNotContains':
      return `(${column} IS NULL OR NOT ${anyOf(value, path, (text) => `strpos(${column}, ${params.add(text)}) > 0`)})`;
    case 'beginsWith':
      return `starts_with(${column}, ${params.add(scalarText(value, path))})`;
    case 'doesNotBeginsWith':
      return `(${column} IS NULL OR NOT starts_with(${column}, ${params.add(scalarText(value, path))}))`;
    case 'endsWith':
    case 'doesNotEndsWith': {
      const suffix = params.add(scalarText(value, path));
      const condition = `right(${column}, char_length(${suffix}::text)) = ${suffix}`;
      return operator === 'endsWith' ? condition : `(${column} IS NULL OR ${condition} IS NOT TRUE)`;
    }
    case 'isEmpty':
      return `(${column} IS NULL OR ${column} = '')`;
    case 'isNotEmpty':
      return `(${column} IS NOT NULL AND ${column} <> '')`;
    case '>':
    case '>=':
    case '<':
    case '<=':
      return `${column} ${operator} ${params.add(scalarText(value, path))}`;
    default:
      throw unsupported(operator, path);
  }
}

function timeRule(column: string, operator: string, value: unknown, context: SearchContext, path: string): string {
  const { params } = context;
  switch (operator) {
    case '>':
    case '>=':
    case '<':
    case '<=':
      return `${column} ${operator} ${params.add(isoTime(value, path))}::timestamptz`;
    case '=':
    case 'between':
    case 'notBetween': {
      if (operator === '=' && !isObject(value)) return `${column} = ${params.add(isoTime(value, path))}::timestamptz`;
      const range = dateRange(value, context.now, path);
      const condition = `${column} BETWEEN ${params.add(range.from)}::timestamptz AND ${params.add(range.to)}::timestamptz`;
      return operator === 'notBetween' ? `NOT (${condition})` : condition;
    }
    case 'isEmpty':
      return 'FALSE';
    case 'isNotEmpty':
      return 'TRUE';
    default:
      throw unsupported(operator, path);
  }
}

/** A property value (or `$team`), stored as JSON: strings, numbers, booleans, arrays and objects compare by type. */
function jsonRule(value: string, operator: string, operand: unknown, context: SearchContext, path: string): string {
  const { params } = context;
  const text = `(${value} #>> '{}')`;
  const equals = (): string => {
    if (operand === null) return `(${value} IS NULL OR ${value} = 'null'::jsonb)`;
    if (typeof operand === 'object') throw CatalogError.invalid(`body${path}/value must be a string, number, boolean or null`);
    return `(${value} = ${params.add(JSON.stringify(operand))}::jsonb OR (jsonb_typeof(${value}) = 'array' AND ${value} @> ${params.add(JSON.stringify([operand]))}::jsonb))`;
  };
  const oneOf = (): string => {
    const list = params.add(textList(operand, path));
    return `(CASE WHEN jsonb_typeof(${value}) = 'array' THEN ${value} ?| ${list}::text[] ELSE ${text} = ANY(${list}::text[]) END)`;
  };
  const contains = (): string =>
    anyOf(operand, path, (item) => `(CASE jsonb_typeof(${value}) WHEN 'array' THEN ${value} @> ${params.add(JSON.stringify([item]))}::jsonb WHEN 'string' THEN strpos(${text}, ${params.add(item)}) > 0 ELSE FALSE END)`);
  const stringOnly = (condition: (placeholder: string) => string): string => `(jsonb_typeof(${value}) = 'string' AND ${condition(params.add(scalarText(operand, path)))})`;
  switch (operator) {
    case '=':
      return equals();
    case '!=':
      return `(${equals()} IS NOT TRUE)`;
    case 'in':
    case 'containsAny':
      return oneOf();
    case 'notIn':
      return `(${oneOf()} IS NOT TRUE)`;
    case 'contains':
      return contains();
    case 'doesNotContains':
      return `(${contains()} IS NOT TRUE)`;
    case 'beginsWith':
      return stringOnly((prefix) => `starts_with(${text}, ${prefix})`);
    case 'doesNotBeginsWith':
      return `(${stringOnly((prefix) => `starts_with(${text}, ${prefix})`)} IS NOT TRUE)`;
    case 'endsWith':
      return stringOnly((suffix) => `right(${text}, char_length(${suffix}::text)) = ${suffix}`);
    case 'doesNotEndsWith':
      return `(${stringOnly((suffix) => `right(${text}, char_length(${suffix}::text)) = ${suffix}`)} IS NOT TRUE)`;
    case 'isEmpty':
      return `(${value} IS NULL OR ${value} IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb))`;
    case 'isNotEmpty':
      return `(${value} IS NOT NULL AND ${value} NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb))`;
    case '>':
    case '>=':
    case '<':
    case '<=':
      if (typeof operand === 'number') return `(CASE WHEN jsonb_typeof(${value}) = 'number' THEN (${value})::numeric END) ${operator} ${params.add(operand)}::numeric`;
      return `(CASE WHEN jsonb_typeof(${value}) = 'string' THEN ${text} END) ${operator} ${params.add(isoTime(operand, path))}`;
    case 'between':
    case 'notBetween': {
      const range = dateRange(operand, context.now, path);
      const condition = `(CASE WHEN jsonb_typeof(${value}) = 'string' THEN ${text} END) BETWEEN ${params.add(range.from)} AND ${params.add(range.to)}`;
      return operator === 'between' ? condition : `(${condition} IS NOT TRUE)`;
    }
    default:
      throw unsupported(operator, path);
  }
}

/**
 * `relatedTo`: entities one relation away from the given entities of `blueprint`. `upstream` = the entities they
 * point at, `downstream` = the entities pointing at them, neither = both; `required` keeps only relations whose
 * `required` flag matches. Port walks the whole relation graph; the embedded catalog follows one hop.
 */
function relatedTo(rule: Record<string, unknown>, context: SearchContext, path: string): string {
  const { params, graph } = context;
  const alias = context.alias ?? 'e';
  const blueprint = rule['blueprint'];
  if (typeof blueprint !== 'string') throw CatalogError.invalid(`body${path}/blueprint is required for relatedTo: the blueprint of the entity in value`);
  const ids = typeof rule['value'] === 'string' ? [rule['value']] : rule['value'];
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw CatalogError.invalid(`body${path}/value must be an entity identifier or an array of them`);
  const direction = rule['direction'];
  if (direction !== undefined && direction !== 'upstream' && direction !== 'downstream') throw CatalogError.invalid(`body${path}/direction must be upstream or downstream`);
  const required = rule['required'];
  if (required !== undefined && typeof required !== 'boolean') throw CatalogError.invalid(`body${path}/required must be a boolean`);
  const keep = (relation: RelationSchema): boolean => required === undefined || relation.required === required;

  const conditions: string[] = [];
  if (direction !== 'downstream') {
    const outgoing = graph.outgoing(blueprint).filter(({ relation }) => keep(relation));
    if (outgoing.length > 0) {
      const links = outgoing.map(({ name, relation }) => `(${alias}.blueprint = ${params.add(relation.target)} AND (source.relations -> ${params.add(name)}) @> to_jsonb(${alias}.identifier))`);
      conditions.push(`EXISTS (SELECT 1 FROM catalog_entities source WHERE source.blueprint = ${params.add(blueprint)} AND source.identifier = ANY(${params.add(ids)}::text[]) AND (${links.join(' OR ')}))`);
    }
  }
  if (direction !== 'upstream') {
    for (const { source, name, relation } of graph.incoming(blueprint).filter(({ relation }) => keep(relation))) {
      const containments = ids.map((id) => JSON.stringify({ [name]: relation.many ? [id] : id }));
      conditions.push(`(${alias}.blueprint = ${params.add(source)} AND ${alias}.relations @> ANY(${params.add(containments)}::jsonb[]))`);
    }
  }
  return conditions.length === 0 ? 'FALSE' : `(${conditions.join(' OR ')})`;
}

function anyOf(value: unknown, path: string, condition: (text: string) => string): string {
  if (Array.isArray(value)) return value.length === 0 ? 'FALSE' : `(${textList(value, path).map(condition).join(' OR ')})`;
  return condition(scalarText(value, path));
}

function scalarText(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw CatalogError.invalid(`body${path}/value must be a string, number or boolean`);
}

function textList(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw CatalogError.invalid(`body${path}/value must be an array`);
  return value.map((item) => scalarText(item, path));
}

function isoTime(value: unknown, path: string): string {
  const time = typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw CatalogError.invalid(`body${path}/value must be a date-time`);
  return time.toISOString();
}

function dateRange(value: unknown, now: Date, path: string): { from: string; to: string } {
  if (isObject(value) && value['from'] !== undefined && value['to'] !== undefined) return { from: isoTime(value['from'], path), to: isoTime(value['to'], path) };
  if (isObject(value) && typeof value['preset'] === 'string') {
    const range = presetRange(value['preset'], now);
    if (range) return { from: range[0].toISOString(), to: range[1].toISOString() };
  }
  throw CatalogError.invalid(`body${path}/value must be {from, to} or {preset} (today, tomorrow, yesterday, lastDay, lastWeek, last2Weeks, lastMonth, last3Months, last6Months, last12Months)`);
}

function presetRange(preset: string, now: Date): [Date, Date] | undefined {
  const startOfToday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const day = (start: number): [Date, Date] => [new Date(start), new Date(start + DAY - 1)];
  const back = (days: number): [Date, Date] => [new Date(now.getTime() - days * DAY), now];
  switch (preset) {
    case 'today':
      return day(startOfToday);
    case 'tomorrow':
      return day(startOfToday + DAY);
    case 'yesterday':
      return day(startOfToday - DAY);
    case 'lastDay':
      return back(1);
    case 'lastWeek':
      return back(7);
    case 'last2Weeks':
      return back(14);
    case 'lastMonth':
      return back(30);
    case 'last3Months':
      return back(90);
    case 'last6Months':
      return back(180);
    case 'last12Months':
      return back(365);
    default:
      return undefined;
  }
}

function unsupported(operator: string, path: string): CatalogError {
  return CatalogError.invalid(`body${path}/operator ${JSON.stringify(operator)} is not supported here by the embedded catalog`);
}
