import { isIPv4, isIPv6 } from 'node:net';
import { identifierProblem } from '@glint/mapping';
import { isObject } from '../blueprints/blueprint-rules';
import { propertyPattern } from '../blueprints/property-pattern';
import type { BlueprintDefinition, PropertySchema } from '../blueprints/blueprint.types';
import type { EntityInput, ValueQuery } from './entity.types';

export { identifierProblem };

const ENTITY_KEYS = new Set(['identifier', 'title', 'icon', 'team', 'properties', 'relations', 'blueprint']);
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Thrown for one entity of a request; a bulk request reports it at the entity's index and goes on. */
export class EntityProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }

  static invalid(message: string): EntityProblem {
    return new EntityProblem(422, 'invalid_request', message);
  }
}

/** Checks an entity's shape (not yet against its blueprint). `blueprint`, when sent, must be the route's. */
export function readEntityInput(raw: unknown, blueprint: string): EntityInput {
  if (!isObject(raw)) throw EntityProblem.invalid('the entity must be an object');
  const unknownKeys = Object.keys(raw).filter((key) => !ENTITY_KEYS.has(key));
  if (unknownKeys.length > 0) throw EntityProblem.invalid(`the entity has unknown fields: ${unknownKeys.join(', ')}`);
  if (raw['blueprint'] !== undefined && raw['blueprint'] !== blueprint) throw EntityProblem.invalid(`the entity names blueprint ${JSON.stringify(raw['blueprint'])}, but the route is for ${JSON.stringify(blueprint)}`);
  const input: EntityInput = { identifier: readIdentifier(raw['identifier']) };
  for (const key of ['title', 'icon'] as const) {
    const value = raw[key];
    if (value !== undefined && value !== null && typeof value !== 'string') throw EntityProblem.invalid(`${key} must be a string`);
    if (value !== undefined) input[key] = value as string | null;
  }
  if (raw['team'] !== undefined) input.team = readTeam(raw['team']);
  if (raw['properties'] !== undefined) {
    if (!isObject(raw['properties'])) throw EntityProblem.invalid('properties must be an object');
    input.properties = raw['properties'];
  }
  if (raw['relations'] !== undefined) {
    if (!isObject(raw['relations'])) throw EntityProblem.invalid('relations must be an object');
    input.relations = raw['relations'];
  }
  return input;
}

function readIdentifier(value: unknown): string | ValueQuery {
  if (isValueQuery(value)) return value;
  if (typeof value !== 'string') throw EntityProblem.invalid('identifier must be a string or a search query {combinator, rules}');
  const problem = identifierProblem(value);
  if (problem) throw EntityProblem.invalid(problem);
  return value;
}

function readTeam(value: unknown): string[] | ValueQuery | null {
  if (value === null) return null;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((team) => typeof team === 'string')) return value as string[];
  if (isValueQuery(value)) return value;
  throw EntityProblem.invalid('team must be a string, an array of strings or a search query');
}

export function isValueQuery(value: unknown): value is ValueQuery {
  return isObject(value) && (value['combinator'] === 'and' || value['combinator'] === 'or') && Array.isArray(value['rules']);
}

/** Problems of the given properties against the blueprint's schema (unknown names, types, formats, enums, limits). */
export function propertyProblems(properties: Record<string, unknown>, blueprint: BlueprintDefinition): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(properties)) {
    // Own keys only: a property named `constructor` or `toString` must not find Object.prototype's.
    const schema = Object.hasOwn(blueprint.schema.properties, name) ? blueprint.schema.properties[name] : undefined;
    if (!schema) {
      problems.push(`property "${name}" is not defined on blueprint "${blueprint.identifier}"`);
      continue;
    }
    const problem = valueProblem(value, schema);
    if (problem) problems.push(`property "${name}" ${problem}`);
  }
  return problems;
}

/** Why `value` does not fit `schema`, or undefined; `null` always fits (it clears the property). */
export function valueProblem(value: unknown, schema: PropertySchema): string | undefined {
  if (value === null) return undefined;
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return `must be a string, not ${describe(value)}`;
      return formatProblem(value, schema.format) ?? enumProblem(value, schema.enum) ?? stringLimitProblem(value, schema);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number, not ${describe(value)}`;
      if (schema.minimum !== undefined && value < schema.minimum) return `must be >= ${schema.minimum}`;
      if (schema.maximum !== undefined && value > schema.maximum) return `must be <= ${schema.maximum}`;
      return enumProblem(value, schema.enum);
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be a boolean, not ${describe(value)}`;
    case 'object':
      return isObject(value) ? undefined : `must be an object, not ${describe(value)}`;
    case 'array': {
      if (!Array.isArray(value)) return `must be an array, not ${describe(value)}`;
      if (schema.minItems !== undefined && value.length < schema.minItems) return `must have at least ${schema.minItems} items`;
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return `must have at most ${schema.maxItems} items`;
      const items = schema.items;
      if (!items?.type) return undefined;
      for (const [index, item] of value.entries()) {
        const problem = valueProblem(item, { type: items.type, format: items.format, enum: items.enum });
        if (problem) return `item ${index} ${problem}`;
      }
      return undefined;
    }
  }
}

function formatProblem(value: string, format: string | undefined): string | undefined {
  switch (format) {
    case 'date-time':
    case 'timer':
      return ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : `must be an ISO 8601 date-time (format ${format}), not ${JSON.stringify(value)}`;
    case 'url':
      return URL.canParse(value) ? undefined : `must be an absolute URL (format url), not ${JSON.stringify(value)}`;
    case 'email':
    case 'idn-email':
      return EMAIL.test(value) ? undefined : `must be an email address, not ${JSON.stringify(value)}`;
    case 'ipv4':
      return isIPv4(value) ? undefined : `must be an IPv4 address, not ${JSON.stringify(value)}`;
    case 'ipv6':
      return isIPv6(value) ? undefined : `must be an IPv6 address, not ${JSON.stringify(value)}`;
    default:
      return undefined;
  }
}

function enumProblem(value: unknown, allowed: unknown[] | undefined): string | undefined {
  if (!allowed || allowed.includes(value)) return undefined;
  return `must be one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}, not ${JSON.stringify(value)}`;
}

function stringLimitProblem(value: string, schema: PropertySchema): string | undefined {
  if (schema.minLength !== undefined && value.length < schema.minLength) return `must have at least ${schema.minLength} characters`;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return `must have at most ${schema.maxLength} characters`;
  if (schema.pattern === undefined) return undefined;
  const pattern = propertyPattern(schema.pattern);
  // A blueprint stored before patterns were checked for RE2 may hold one it cannot run.
  if (!pattern.ok) return `cannot be checked against the blueprint's pattern ${schema.pattern}, since ${pattern.reason}: change the pattern on the blueprint`;
  return pattern.test(value) ? undefined : `must match the pattern ${schema.pattern}`;
}

/**
 * Checks relation values against the blueprint's relations: a known relation, a string (or null) for a single
 * relation, an array for a `many` one, each a valid identifier. Search-query values must be resolved before.
 */
export function relationProblems(relations: Record<string, unknown>, blueprint: BlueprintDefinition): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(relations)) {
    const relation = Object.hasOwn(blueprint.relations, name) ? blueprint.relations[name] : undefined;
    if (!relation) {
      problems.push(`relation "${name}" is not defined on blueprint "${blueprint.identifier}"`);
      continue;
    }
    if (value === null) continue;
    const ids = relation.many ? value : [value];
    if (relation.many && !Array.isArray(value)) {
      problems.push(`relation "${name}" is many, so its value must be an array of identifiers, not ${describe(value)}`);
      continue;
    }
    if (!relation.many && typeof value !== 'string') {
      problems.push(`relation "${name}" takes one identifier (a string), not ${describe(value)}`);
      continue;
    }
    for (const id of ids as unknown[]) {
      const problem = typeof id === 'string' ? identifierProblem(id) : `must be a string, not ${describe(id)}`;
      if (problem) problems.push(`relation "${name}": ${problem}`);
    }
  }
  return problems;
}

/** Required properties or relations that would be missing (or null) after the write. */
export function missingRequired(required: string[], given: Record<string, unknown> | undefined, filledBefore: ReadonlySet<string>, merge: boolean): string[] {
  return required.filter((name) => {
    const value = given?.[name];
    if (value !== undefined) return value === null;
    return !(merge && filledBefore.has(name));
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
