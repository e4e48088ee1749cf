import { CatalogError } from '../http/catalog-error';
import { propertyPattern } from './property-pattern';
import { BlueprintDefinition, PROPERTY_FORMATS, PROPERTY_TYPES, PropertySchema, PropertyType, RelationSchema } from './blueprint.types';

/** Port's blueprint identifier: letters, digits and `@ _ . + : \ / -` (no `=`), not `.` or `..`, at most 100 characters. */
const BLUEPRINT_IDENTIFIER = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]+$/u;
/** Port's property, relation and calculation identifiers. */
const FIELD_IDENTIFIER = /^[A-Za-z0-9@_=\\-]+$/;
/** Matches FIELD_IDENTIFIER, but as a key it sets an object's prototype instead of holding a value: it would vanish. */
const RESERVED_FIELD = '__proto__';
const RESERVED_FIELD_PROBLEM = 'is a reserved identifier (__proto__ cannot name a property or a relation)';
const SPECS = ['open-api', 'embedded-url', 'async-api'];
const RELATION_KEYS = new Set(['title', 'target', 'required', 'many', 'description', 'type']);

type Json = Record<string, unknown>;

export function blueprintIdentifierProblem(identifier: unknown): string | undefined {
  if (typeof identifier !== 'string') return 'must be a string';
  if (identifier.length > 100) return `must NOT have more than 100 characters (it has ${identifier.length})`;
  if (!BLUEPRINT_IDENTIFIER.test(identifier)) return `${JSON.stringify(identifier)} must match ${BLUEPRINT_IDENTIFIER.source}: letters, digits and @ _ . + : \\ / -, not "." or ".."`;
  return undefined;
}

/**
 * Checks a blueprint body (POST/PUT, or the result of applying a PATCH) and returns it normalized: relation
 * `required`/`many` default to false, the property maps default to `{}`. Every problem is reported at once, each with
 * its path, as one 422. `previous` is the stored blueprint when replacing: a property's type cannot change.
 */
export function checkBlueprint(body: unknown, previous?: BlueprintDefinition): BlueprintDefinition {
  const problems: string[] = [];
  const problem = (path: string, message: string): void => void problems.push(`${path} ${message}`);
  if (!isObject(body)) throw CatalogError.invalid('body must be an object');

  const identifierProblem = blueprintIdentifierProblem(body['identifier']);
  if (identifierProblem) problem('/identifier', identifierProblem);
  checkText(body['title'], '/title', { required: true, min: 1, max: 100 }, problem);
  checkText(body['description'], '/description', { max: 200 }, problem);
  checkText(body['icon'], '/icon', {}, problem);

  const properties: Record<string, PropertySchema> = {};
  let required: string[] = [];
  const schema = body['schema'];
  if (!isObject(schema)) problem('/schema', 'must be an object with "properties"');
  else {
    if (!isObject(schema['properties'])) problem('/schema/properties', 'must be an object');
    else for (const [name, raw] of Object.entries(schema['properties'])) {
      const checked = checkProperty(raw, `/schema/properties/${name}`, problem);
      if (!FIELD_IDENTIFIER.test(name) || name.length > 100) problem(`/schema/properties/${name}`, 'has an identifier that must match ^[A-Za-z0-9@_=\\-]+$ (at most 100 characters)');
      if (name === RESERVED_FIELD) problem(`/schema/properties/${name}`, RESERVED_FIELD_PROBLEM);
      const before = previous && Object.hasOwn(previous.schema.properties, name) ? previous.schema.properties[name] : undefined;
      if (checked && before && before.type !== checked.type) problem(`/schema/properties/${name}/type`, `cannot change from ${before.type} to ${checked.type}; a property's type is fixed once created`);
      if (checked) properties[name] = checked;
    }
    if (schema['required'] !== undefined) {
      if (!Array.isArray(schema['required']) || !schema['required'].every((name) => typeof name === 'string')) problem('/schema/required', 'must be an array of property identifiers');
      else {
        required = [...new Set(schema['required'] as string[])];
        for (const name of required) if (!(name in properties)) problem('/schema/required', `names "${name}", which is not a property of this blueprint`);
      }
    }
    const extra = Object.keys(schema).filter((key) => key !== 'properties' && key !== 'required');
    if (extra.length > 0) problem('/schema', `must NOT have additional properties (${extra.join(', ')})`);
  }

  const relations: Record<string, RelationSchema> = {};
  const rawRelations = body['relations'] ?? {};
  if (!isObject(rawRelations)) problem('/relations', 'must be an object');
  else for (const [name, raw] of Object.entries(rawRelations)) {
    const relation = checkRelation(raw, `/relations/${name}`, problem);
    if (!FIELD_IDENTIFIER.test(name) || name.length > 100) problem(`/relations/${name}`, 'has an identifier that must match ^[A-Za-z0-9@_=\\-]+$ (at most 100 characters)');
    if (name === RESERVED_FIELD) problem(`/relations/${name}`, RESERVED_FIELD_PROBLEM);
    if (relation) relations[name] = relation;
  }

  const maps: Record<string, Record<string, unknown>> = {};
  for (const key of ['calculationProperties', 'mirrorProperties', 'aggregationProperties'] as const) {
    const value = body[key] ?? {};
    if (!isObject(value)) problem(`/${key}`, 'must be an object');
    else maps[key] = value;
  }
  for (const [name, raw] of Object.entries(maps['calculationProperties'] ?? {})) {
    if (!isObject(raw) || typeof raw['calculation'] !== 'string' || !PROPERTY_TYPES.includes(raw['type'] as PropertyType)) problem(`/calculationProperties/${name}`, 'must have a jq "calculation" and a "type"');
  }
  for (const [name, raw] of Object.entries(maps['mirrorProperties'] ?? {})) {
    if (!isObject(raw) || typeof raw['path'] !== 'string') problem(`/mirrorProperties/${name}`, 'must have a "path" (relation.property)');
  }
  checkOwnership(body['ownership'], problem);
  checkChangelogDestination(body['changelogDestination'], problem);

  if (problems.length > 0) throw CatalogError.invalid(problems.join('; '));
  return {
    ...body,
    identifier: body['identifier'] as string,
    title: body['title'] as string,
    schema: { properties, required },
    calculationProperties: maps['calculationProperties'],
    mirrorProperties: maps['mirrorProperties'],
    aggregationProperties: maps['aggregationProperties'],
    relations,
  };
}

/** PATCH: the given top-level fields replace the stored ones; property, relation and calculated-property maps merge by key. */
export function applyBlueprintPatch(stored: BlueprintDefinition, patch: unknown): unknown {
  if (!isObject(patch)) throw CatalogError.invalid('body must be an object');
  const merged: Json = { ...stored, ...patch };
  const patchSchema = patch['schema'];
  if (isObject(patchSchema)) {
    merged['schema'] = {
      properties: { ...stored.schema.properties, ...(isObject(patchSchema['properties']) ? patchSchema['properties'] : {}) },
      required: patchSchema['required'] ?? stored.schema.required,
    };
  }
  for (const key of ['relations', 'calculationProperties', 'mirrorProperties', 'aggregationProperties'] as const) {
    if (isObject(patch[key])) merged[key] = { ...stored[key], ...patch[key] };
  }
  return merged;
}

function checkProperty(raw: unknown, path: string, problem: (path: string, message: string) => void): PropertySchema | undefined {
  if (!isObject(raw)) {
    problem(path, 'must be an object with a "type"');
    return undefined;
  }
  const type = raw['type'];
  if (!PROPERTY_TYPES.includes(type as PropertyType)) {
    problem(`${path}/type`, `must be one of ${PROPERTY_TYPES.join(', ')}`);
    return undefined;
  }
  if (raw['format'] !== undefined && !(PROPERTY_FORMATS as readonly unknown[]).includes(raw['format'])) problem(`${path}/format`, `must be one of ${PROPERTY_FORMATS.join(', ')}`);
  if (raw['spec'] !== undefined && !SPECS.includes(raw['spec'] as string)) problem(`${path}/spec`, `must be one of ${SPECS.join(', ')}`);
  checkText(raw['title'], `${path}/title`, { max: 100 }, problem);
  const valueType = type === 'array' && isObject(raw['items']) ? (raw['items']['type'] as unknown) : type;
  if (raw['enum'] !== undefined) {
    if (!Array.isArray(raw['enum']) || raw['enum'].length === 0) problem(`${path}/enum`, 'must be a non-empty array');
    else if (!raw['enum'].every((value) => value === null || typeof value === valueType)) problem(`${path}/enum`, `must list ${String(valueType)} values`);
  }
  if (raw['items'] !== undefined && (type !== 'array' || !isObject(raw['items']))) problem(`${path}/items`, 'is only for array properties and must be an object');
  if (raw['pattern'] !== undefined) {
    const pattern = typeof raw['pattern'] === 'string' ? propertyPattern(raw['pattern']) : undefined;
    if (!pattern) problem(`${path}/pattern`, 'must be a string');
    else if (!pattern.ok) problem(`${path}/pattern`, `cannot be used: ${pattern.reason}`);
  }
  for (const key of ['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems']) {
    if (raw[key] !== undefined && typeof raw[key] !== 'number') problem(`${path}/${key}`, 'must be a number');
  }
  return raw as PropertySchema;
}

function checkRelation(raw: unknown, path: string, problem: (path: string, message: string) => void): RelationSchema | undefined {
  if (!isObject(raw) || typeof raw['target'] !== 'string') {
    problem(path, 'must be an object with a "target" blueprint');
    return undefined;
  }
  const extra = Object.keys(raw).filter((key) => !RELATION_KEYS.has(key));
  if (extra.length > 0) problem(path, `must NOT have additional properties (${extra.join(', ')})`);
  for (const key of ['required', 'many'] as const) if (raw[key] !== undefined && typeof raw[key] !== 'boolean') problem(`${path}/${key}`, 'must be a boolean');
  checkText(raw['title'], `${path}/title`, { max: 100 }, problem);
  const relation: RelationSchema = { ...(raw as Partial<RelationSchema>), target: raw['target'], required: raw['required'] === true, many: raw['many'] === true };
  return relation;
}

function checkOwnership(raw: unknown, problem: (path: string, message: string) => void): void {
  if (raw === undefined) return;
  if (!isObject(raw) || (raw['type'] !== 'Direct' && !(raw['type'] === 'Inherited' && typeof raw['path'] === 'string'))) problem('/ownership', 'must be {"type": "Direct"} or {"type": "Inherited", "path": "<relation path>"}');
}

function checkChangelogDestination(raw: unknown, problem: (path: string, message: string) => void): void {
  if (raw === undefined) return;
  if (!isObject(raw) || (raw['type'] !== 'KAFKA' && !(raw['type'] === 'WEBHOOK' && typeof raw['url'] === 'string'))) problem('/changelogDestination', 'must be {"type": "KAFKA"} or {"type": "WEBHOOK", "url": "…"}');
}

function checkText(value: unknown, path: string, limits: { required?: boolean; min?: number; max?: number }, problem: (path: string, message: string) => void): void {
  if (value === undefined) {
    if (limits.required) problem(path, 'is required');
    return;
  }
  if (typeof value !== 'string') return problem(path, 'must be a string');
  if (limits.min !== undefined && value.length < limits.min) problem(path, `must NOT have fewer than ${limits.min} characters`);
  if (limits.max !== undefined && value.length > limits.max) problem(path, `must NOT have more than ${limits.max} characters`);
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
