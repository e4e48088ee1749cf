import type { JqEngine } from '../jq/jq-engine';
import { FILE_REFERENCE_PREFIX, referencedFileProgram } from './file-references';
import { ConfigProblem, EntityMappings, JqOrSearchQuery, Kind, KINDS, PortAppConfig, ResourceConfig, SearchQuery, SearchRule } from './app-config.types';
import { isObject, isStringList, readYaml } from '../yaml-source';
import { COMMON_SELECTOR_OPTIONS, IGNORED_SELECTOR_OPTIONS, SELECTOR_OPTIONS, SELECTOR_RULES } from './kind-selectors';

/**
 * `warnings`: keys the product does not know (the peer ignores them too), each with where it is; they never make a
 * config invalid.
 */
export type ParsedAppConfig = { ok: true; config: PortAppConfig; warnings: ConfigProblem[] } | { ok: false; problems: ConfigProblem[]; warnings: ConfigProblem[] };

/** The keys each level of a mapping may have; any other key is reported as a warning. */
const TOP_LEVEL_KEYS = ['deleteDependentEntities', 'createMissingRelatedEntities', 'enableMergeEntity', 'entityDeletionThreshold', 'repositoryType', 'organizations', 'includeAuthenticatedUser', 'specPath', 'resources'];
const RESOURCE_KEYS = ['kind', 'selector', 'port'];
const PORT_KEYS = ['entity', 'itemsToParse', 'itemsToParseName', 'itemsToParseTopLevelTransform'];
const ENTITY_KEYS = ['mappings'];
const MAPPINGS_KEYS = ['identifier', 'title', 'blueprint', 'team', 'icon', 'properties', 'relations'];

type Json = Record<string, unknown>;

/**
 * Reads a `port-app-config.yml` (YAML text, or an already parsed object), checks its structure, each kind's
 * selector options and every jq program (compiled, not run), and applies the defaults. All problems are
 * reported together, each with its path and, for YAML text, its line.
 */
export async function parseAppConfig(source: string | unknown, jq: Pick<JqEngine, 'check'>): Promise<ParsedAppConfig> {
  const reader = new ConfigReader();
  const raw = typeof source === 'string' ? reader.parseYaml(source) : source;
  if (reader.problems.length > 0) return { ok: false, problems: reader.problems, warnings: [] };
  const config = reader.read(raw);
  await reader.compilePrograms(jq);
  return reader.problems.length > 0 || !config ? { ok: false, problems: reader.problems, warnings: reader.warnings } : { ok: true, config, warnings: reader.warnings };
}

class ConfigReader {
  readonly problems: ConfigProblem[] = [];
  readonly warnings: ConfigProblem[] = [];
  private readonly programs: Array<{ path: string; program: string }> = [];
  private lineOf: (path: string) => number | undefined = () => undefined;
  private keyLineOf: (path: string) => number | undefined = () => undefined;

  parseYaml(text: string): unknown {
    const source = readYaml(text);
    this.problems.push(...source.problems);
    this.lineOf = (path) => source.lineOf(pathSegments(path));
    this.keyLineOf = (path) => source.keyLineOf(pathSegments(path));
    return source.value;
  }

  read(raw: unknown): PortAppConfig | undefined {
    if (!isObject(raw)) {
      this.problem('', 'expected a mapping with `resources:` at the top level');
      return undefined;
    }
    this.unknownKeys(raw, '', TOP_LEVEL_KEYS, 'a top-level key');
    const resources = raw['resources'];
    if (!Array.isArray(resources)) this.problem('resources', 'expected a list of resource blocks (kind, selector, port)');
    const organizations = raw['organizations'];
    if (organizations !== undefined && !isStringList(organizations)) this.problem('organizations', 'expected a list of organization logins');
    const specPath = raw['specPath'] ?? ['**/port.yml'];
    const specPaths = typeof specPath === 'string' ? [specPath] : specPath;
    if (!isStringList(specPaths)) this.problem('specPath', 'expected a glob or a list of globs');
    const threshold = raw['entityDeletionThreshold'] ?? 0.9;
    if (typeof threshold !== 'number' || threshold < 0 || threshold > 1) this.problem('entityDeletionThreshold', 'expected a number from 0 to 1');

    return {
      deleteDependentEntities: this.flag(raw, 'deleteDependentEntities', true),
      createMissingRelatedEntities: this.flag(raw, 'createMissingRelatedEntities', true),
      enableMergeEntity: this.flag(raw, 'enableMergeEntity', true),
      entityDeletionThreshold: typeof threshold === 'number' ? threshold : 0.9,
      repositoryType: this.text(raw, 'repositoryType', 'all'),
      organizations: isStringList(organizations) ? organizations : undefined,
      includeAuthenticatedUser: this.flag(raw, 'includeAuthenticatedUser', false),
      specPath: isStringList(specPaths) ? specPaths : [],
      resources: Array.isArray(resources) ? resources.map((resource, index) => this.resource(resource, `resources[${index}]`)) : [],
    };
  }

  async compilePrograms(jq: Pick<JqEngine, 'check'>): Promise<void> {
    const checks = await Promise.all(this.programs.map(({ program }) => jq.check(program)));
    checks.forEach((check, index) => {
      if (!check.ok) this.problem(this.programs[index].path, `jq compile error: ${check.error}`);
    });
  }

  private resource(raw: unknown, path: string): ResourceConfig {
    const fallback: ResourceConfig = {
      kind: 'repository',
      selector: { query: 'true' },
      port: { itemsToParseName: 'item', entity: { mappings: { identifier: '.', blueprint: '""', properties: {}, relations: {} } } },
    };
    if (!isObject(raw)) {
      this.problem(path, 'expected a resource block with kind, selector and port');
      return fallback;
    }
    this.unknownKeys(raw, path, RESOURCE_KEYS, 'a key of a resource block');
    const kind = raw['kind'];
    if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
      this.problem(`${path}.kind`, kind === undefined ? 'missing; expected one of the kinds' : `unknown kind ${JSON.stringify(kind)}; expected one of ${KINDS.join(', ')}`);
    }
    const knownKind = (KINDS as readonly string[]).includes(kind as string) ? (kind as Kind) : undefined;
    const selector = this.selector(raw['selector'], `${path}.selector`, knownKind);
    const port = raw['port'];
    if (!isObject(port)) {
      this.problem(`${path}.port`, 'expected `port:` with `entity.mappings`');
      return { ...fallback, kind: knownKind ?? fallback.kind, selector };
    }
    this.unknownKeys(port, `${path}.port`, PORT_KEYS, 'a key of `port`');
    const itemsToParse = port['itemsToParse'];
    if (itemsToParse !== undefined) this.program(itemsToParse, `${path}.port.itemsToParse`);
    const topLevelTransform = port['itemsToParseTopLevelTransform'] ?? true;
    if (typeof topLevelTransform !== 'boolean') this.problem(`${path}.port.itemsToParseTopLevelTransform`, `expected true or false, got ${describe(topLevelTransform)}`);
    const itemsToParseName = port['itemsToParseName'] ?? 'item';
    if (typeof itemsToParseName !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(itemsToParseName)) {
      this.problem(`${path}.port.itemsToParseName`, 'expected a plain key name such as item');
    }
    const entity = port['entity'];
    const mappings = isObject(entity) ? entity['mappings'] : undefined;
    if (isObject(entity)) this.unknownKeys(entity, `${path}.port.entity`, ENTITY_KEYS, 'a key of `port.entity`');
    return {
      kind: knownKind ?? fallback.kind,
      selector,
      port: {
        itemsToParse: typeof itemsToParse === 'string' ? itemsToParse : undefined,
        itemsToParseName: typeof itemsToParseName === 'string' ? itemsToParseName : 'item',
        itemsToParseTopLevelTransform: typeof topLevelTransform === 'boolean' ? topLevelTransform : true,
        entity: { mappings: this.mappings(mappings, `${path}.port.entity.mappings`) },
      },
    };
  }

  private selector(raw: unknown, path: string, kind: Kind | undefined): ResourceConfig['selector'] {
    if (!isObject(raw)) {
      this.problem(path, 'expected `selector:` with a `query` (jq that yields true or false)');
      return { query: 'true' };
    }
    const query = this.program(raw['query'], `${path}.query`, 'a jq expression that yields true or false, e.g. "true"');
    if (kind) {
      const options = SELECTOR_OPTIONS[kind];
      for (const [key, value] of Object.entries(raw)) {
        if (key === 'query') continue;
        // Own keys only: `hasOwnProperty` or `constructor` as an option would find Object.prototype's.
        const check = Object.hasOwn(options, key) ? options[key] : Object.hasOwn(COMMON_SELECTOR_OPTIONS, key) ? COMMON_SELECTOR_OPTIONS[key] : undefined;
        if (!check) {
          const known = ['query', ...Object.keys(options), ...Object.keys(COMMON_SELECTOR_OPTIONS)];
          this.warning(`${path}.${key}`, `unknown option ${JSON.stringify(key)} of the ${kind} kind, ignored; its options are ${known.join(', ')}`);
          continue;
        }
        const cause = check(value);
        if (cause) this.problem(`${path}.${key}`, cause);
        else this.unknownEntryFields(check.entryFields, key, value, `${path}.${key}`);
        if (!cause && Object.hasOwn(IGNORED_SELECTOR_OPTIONS, key)) this.warning(`${path}.${key}`, `${key} is accepted but has no effect here: in the peer it ${IGNORED_SELECTOR_OPTIONS[key]}`);
      }
      const clash = SELECTOR_RULES[kind]?.(raw);
      if (clash) this.problem(`${path}.${clash.option}`, clash.cause);
    }
    return { ...raw, query: query ?? 'true' };
  }

  private mappings(raw: unknown, path: string): EntityMappings {
    if (!isObject(raw)) {
      this.problem(path, 'expected the entity mappings: identifier, blueprint, and optionally title, team, icon, properties, relations');
      return { identifier: '.', blueprint: '""', properties: {}, relations: {} };
    }
    this.unknownKeys(raw, path, MAPPINGS_KEYS, 'an entity mapping');
    const identifier = this.programOrQuery(raw['identifier'], `${path}.identifier`);
    const blueprint = this.program(raw['blueprint'], `${path}.blueprint`, 'a jq expression such as \'"githubRepository"\'');
    const optional = (key: string) => (raw[key] === undefined ? undefined : this.program(raw[key], `${path}.${key}`));
    return {
      identifier: identifier ?? '.',
      blueprint: blueprint ?? '""',
      title: optional('title'),
      icon: optional('icon'),
      team: raw['team'] === undefined ? undefined : this.programOrQuery(raw['team'], `${path}.team`),
      properties: this.programMap(raw['properties'], `${path}.properties`, (value, at) => this.propertyProgram(value, at)),
      relations: this.programMap(raw['relations'], `${path}.relations`, (value, at) => this.programOrQuery(value, at)),
    };
  }

  private programMap<T>(raw: unknown, path: string, read: (value: unknown, path: string) => T | undefined): Record<string, T> {
    if (raw === undefined || raw === null) return {};
    if (!isObject(raw)) {
      this.problem(path, 'expected a mapping of names to jq expressions');
      return {};
    }
    const result: Record<string, T> = {};
    for (const [key, value] of Object.entries(raw)) {
      const read_ = read(value, `${path}.${key}`);
      if (read_ !== undefined) result[key] = read_;
    }
    return result;
  }

  /** A property is jq, or `file://<path>`: the text of that file in the object's repository. */
  private propertyProgram(raw: unknown, path: string): string | undefined {
    if (typeof raw !== 'string' || !raw.startsWith(FILE_REFERENCE_PREFIX)) return this.program(raw, path);
    const file = raw.slice(FILE_REFERENCE_PREFIX.length).replace(/^\.\//, '');
    if (file === '' || file.startsWith('/') || file.split('/').includes('..')) {
      this.problem(path, `expected file://<path in the repository>, e.g. file://README.md, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return referencedFileProgram(file);
  }

  private programOrQuery(raw: unknown, path: string): JqOrSearchQuery | undefined {
    if (!isObject(raw)) return this.program(raw, path);
    return this.searchQuery(raw, path);
  }

  /** Port's search query; a rule's value is jq, and a rule may be a nested query. */
  private searchQuery(raw: Json, path: string): SearchQuery | undefined {
    const combinator = raw['combinator'];
    const rules = raw['rules'];
    if ((combinator !== 'and' && combinator !== 'or') || !Array.isArray(rules) || rules.length === 0) {
      this.problem(path, 'expected a jq expression, or a search query {combinator: and|or, rules: [{property, operator, value} or a nested {combinator, rules}]}');
      return undefined;
    }
    const checked = rules.map((rule: unknown, index): SearchRule => {
      const at = `${path}.rules[${index}]`;
      if (isObject(rule) && 'combinator' in rule) return this.searchQuery(rule, at) ?? { property: '', operator: '', value: 'null' };
      if (!isObject(rule) || typeof rule['property'] !== 'string' || typeof rule['operator'] !== 'string') {
        this.problem(at, 'expected {property, operator, value}, or a nested {combinator, rules}');
        return { property: '', operator: '', value: 'null' };
      }
      return { property: rule['property'], operator: rule['operator'], value: this.program(rule['value'], `${at}.value`) ?? 'null' };
    });
    return { combinator, rules: checked };
  }

  private program(raw: unknown, path: string, expected = 'a jq expression'): string | undefined {
    if (typeof raw !== 'string' || raw.trim() === '') {
      this.problem(path, raw === undefined ? `missing; expected ${expected}` : `expected ${expected} (a string), got ${describe(raw)}`);
      return undefined;
    }
    this.programs.push({ path, program: raw });
    return raw;
  }

  private flag(raw: Json, key: string, fallback: boolean): boolean {
    const value = raw[key];
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    this.problem(key, `expected true or false, got ${describe(value)}`);
    return fallback;
  }

  private text(raw: Json, key: string, fallback: string): string {
    const value = raw[key];
    if (value === undefined) return fallback;
    if (typeof value === 'string') return value;
    this.problem(key, `expected a string, got ${describe(value)}`);
    return fallback;
  }

  private problem(path: string, message: string): void {
    this.problems.push({ path, message, line: this.lineOf(path) });
  }

  private warning(path: string, message: string): void {
    this.warnings.push({ path, message, line: this.keyLineOf(path) ?? this.lineOf(path) });
  }

  /** Fields of a list option's entries (`files[0].skipParsin`) that the entries do not have. */
  private unknownEntryFields(fields: readonly string[] | undefined, option: string, value: unknown, path: string): void {
    if (!fields || !Array.isArray(value)) return;
    value.forEach((entry: unknown, index) => {
      if (isObject(entry)) this.unknownKeys(entry, `${path}[${index}]`, fields, `a field of a ${option} entry`);
    });
  }

  private unknownKeys(raw: Json, path: string, known: readonly string[], what: string): void {
    for (const key of Object.keys(raw)) {
      if (!known.includes(key)) this.warning(path ? `${path}.${key}` : key, `unknown key ${JSON.stringify(key)}, ignored: not ${what} (known: ${known.join(', ')})`);
    }
  }
}

/** `resources[2].port.entity` → ['resources', 2, 'port', 'entity']. */
function pathSegments(path: string): Array<string | number> {
  return path
    .split(/\.|(?=\[)/)
    .filter(Boolean)
    .map((segment) => (segment.startsWith('[') ? Number(segment.slice(1, -1)) : segment));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}
