import type { ConfigProblem } from '../config/app-config.types';
import { isObject, isStringList, readYaml } from '../yaml-source';

/** An entity as a `port.yml` declares it: literal values, not jq. */
export interface GitopsEntity {
  identifier: string;
  blueprint: string;
  title?: string;
  team?: string | string[];
  icon?: string;
  /** `null` clears a property; an absent key keeps the catalog's value. */
  properties: Record<string, unknown>;
  relations: Record<string, string | string[] | null>;
}

export type ParsedPortYml = { ok: true; entities: GitopsEntity[] } | { ok: false; problems: ConfigProblem[] };

const KEYS = new Set(['identifier', 'title', 'blueprint', 'team', 'icon', 'properties', 'relations']);

/** Reads a `port.yml`: one entity (a mapping) or several (a sequence). Problems carry their path and line. */
export function parsePortYml(text: string): ParsedPortYml {
  const source = readYaml(text);
  const problems: ConfigProblem[] = [...source.problems];
  if (problems.length > 0) return { ok: false, problems };
  const lineOf = source.lineOf;
  const raw = source.value;
  const list = Array.isArray(raw) ? raw : [raw];
  const entities: GitopsEntity[] = [];
  list.forEach((item, index) => {
    const base: Array<string | number> = Array.isArray(raw) ? [index] : [];
    const at = (key?: string) => [...base, ...(key ? [key] : [])];
    const pathOf = (key?: string) => at(key).map((segment) => (typeof segment === 'number' ? `[${segment}]` : segment)).join('.').replace(/\.\[/g, '[');
    const problem = (key: string | undefined, message: string) => problems.push({ path: pathOf(key), message, line: lineOf(at(key)) ?? lineOf(at()) });
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problem(undefined, 'expected an entity: identifier, blueprint, and optionally title, team, icon, properties, relations');
      return;
    }
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record)) if (!KEYS.has(key)) problem(key, `unknown key; an entity has ${[...KEYS].join(', ')}`);
    for (const key of ['identifier', 'blueprint'] as const) {
      if (typeof record[key] !== 'string' || record[key] === '') problem(key, `missing; every entity needs a${key === 'identifier' ? 'n' : ''} ${key} (a string)`);
    }
    for (const key of ['title', 'icon'] as const) if (record[key] !== undefined && typeof record[key] !== 'string') problem(key, 'expected a string');
    const team = record['team'];
    if (team !== undefined && typeof team !== 'string' && !isStringList(team)) problem('team', 'expected a team name or a list of them');
    const properties = record['properties'] ?? {};
    if (!isObject(properties)) problem('properties', 'expected a mapping of property names to values');
    else {
      for (const [name, value] of Object.entries(properties)) {
        const cause = notJson(value, []);
        if (cause) problems.push({ path: `${pathOf('properties')}.${name}`, message: `expected a value the catalog can store (JSON); this one is ${cause}`, line: lineOf([...at('properties'), name]) });
      }
    }
    const relations = record['relations'] ?? {};
    if (!isObject(relations)) problem('relations', 'expected a mapping of relation names to an identifier or a list of them');
    else {
      for (const [name, value] of Object.entries(relations)) {
        if (value !== null && typeof value !== 'string' && !isStringList(value)) {
          problems.push({ path: `${pathOf('relations')}.${name}`, message: 'expected an identifier, a list of identifiers, or null', line: lineOf([...at('relations'), name]) });
        }
      }
    }
    if (typeof record['identifier'] === 'string' && typeof record['blueprint'] === 'string' && isObject(properties) && isObject(relations)) {
      entities.push({
        identifier: record['identifier'],
        blueprint: record['blueprint'],
        ...(typeof record['title'] === 'string' ? { title: record['title'] } : {}),
        ...(team !== undefined && (typeof team === 'string' || isStringList(team)) ? { team } : {}),
        ...(typeof record['icon'] === 'string' ? { icon: record['icon'] } : {}),
        properties,
        relations: relations as GitopsEntity['relations'],
      });
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, entities };
}

/**
 * What keeps a YAML value from being JSON, or undefined: `.nan`/`.inf`, a value inside its own anchor (`&a` … `*a`),
 * and the types of YAML 1.1 (`%YAML 1.1`: dates, `!!binary`, `!!set`, `!!omap`), which would reach the catalog as
 * null, `{}` or not at all.
 */
function notJson(value: unknown, ancestors: readonly object[]): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${value}, a number JSON has no form for`;
  if (typeof value !== 'object' || value === null) return undefined;
  if (ancestors.includes(value)) return 'an alias inside its own anchor, a value that contains itself';
  const prototype: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return `a YAML 1.1 ${value.constructor?.name ?? 'object'} (a date, !!binary, !!set or !!omap)`;
  const children: unknown[] = Array.isArray(value) ? value : Object.values(value);
  for (const child of children) {
    const cause = notJson(child, [...ancestors, value]);
    if (cause) return cause;
  }
  return undefined;
}
