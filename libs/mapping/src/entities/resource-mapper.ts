import type { ResourceConfig, SearchQuery } from '../config/app-config.types';
import type { JqEngine } from '../jq/jq-engine';
import { entityProgram, FIELD_ERROR_KEY } from './entity-program';
import { identifierProblem } from './identifier-rules';
import { objectLabel } from './object-label';
import { isObject } from '../yaml-source';

export interface MappedEntity {
  identifier: string | SearchQuery;
  blueprint: string;
  title?: string | null;
  icon?: string | null;
  team?: unknown;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
}

/** A problem found while mapping, with the config path it comes from. */
export interface MappingIssue {
  path: string;
  message: string;
  /** The GitHub object a skipped entity was to come from (see objectLabel), when it can be named. */
  object?: string;
}

export interface ResourceMappingResult {
  entities: MappedEntity[];
  /** Objects the selector left out. */
  filtered: number;
  /** Entities dropped because a required field was missing or invalid, with why. */
  skipped: MappingIssue[];
  /** Expressions that failed; the entity was still built, with null in that field. */
  fieldErrors: MappingIssue[];
}

/**
 * Applies one resource block to raw GitHub objects: the selector (must yield a boolean), `itemsToParse`
 * (each element becomes `.<itemsToParseName>` beside the object's own fields), then the entity program.
 */
export class ResourceMapper {
  private readonly program: string;
  private readonly path: string;

  constructor(
    private readonly resource: ResourceConfig,
    resourceIndex: number,
    private readonly jq: Pick<JqEngine, 'evaluate'>,
  ) {
    this.program = entityProgram(resource.port.entity.mappings);
    this.path = `resources[${resourceIndex}]`;
  }

  get kind(): string {
    return this.resource.kind;
  }

  async map(objects: readonly unknown[]): Promise<ResourceMappingResult> {
    const result: ResourceMappingResult = { entities: [], filtered: 0, skipped: [], fieldErrors: [] };
    const selected = await this.select(objects, result);
    const inputs = await this.expand(selected, result);
    const outcomes = await this.jq.evaluate(this.program, inputs);
    outcomes.forEach((outcome, index) => {
      if (!outcome.ok) {
        result.skipped.push(skip(`${this.path}.port.entity.mappings`, outcome.error, inputs[index]));
        return;
      }
      const entity = this.entityFrom(outcome.outputs[0], inputs[index], result);
      if (entity) result.entities.push(entity);
    });
    return result;
  }

  private async select(objects: readonly unknown[], result: ResourceMappingResult): Promise<unknown[]> {
    const query = this.resource.selector.query;
    if (query.trim() === 'true') return [...objects];
    const outcomes = await this.jq.evaluate(query, objects);
    const selected: unknown[] = [];
    outcomes.forEach((outcome, index) => {
      const value = outcome.ok ? outcome.outputs[0] : undefined;
      if (!outcome.ok || typeof value !== 'boolean') {
        const cause = outcome.ok ? `it yielded ${value === undefined ? 'nothing' : JSON.stringify(value)}, not true or false` : outcome.error;
        result.skipped.push(skip(`${this.path}.selector.query`, cause, objects[index]));
        return;
      }
      if (value) selected.push(objects[index]);
      else result.filtered += 1;
    });
    return selected;
  }

  private async expand(objects: unknown[], result: ResourceMappingResult): Promise<unknown[]> {
    const { itemsToParse, itemsToParseName: name, itemsToParseTopLevelTransform: withoutList = true } = this.resource.port;
    if (!itemsToParse) return objects;
    // As the peer: each item's object leaves out the list it came from (when the expression is a path `del` takes).
    const program = withoutList ? `{"items": (${itemsToParse}), "base": (try del(${itemsToParse}) catch .)}` : `{"items": (${itemsToParse}), "base": .}`;
    const outcomes = await this.jq.evaluate(program, objects);
    return outcomes.flatMap((outcome, index) => {
      const expanded = outcome.ok ? outcome.outputs[0] : undefined;
      const items = isObject(expanded) ? expanded['items'] : undefined;
      if (!outcome.ok || !Array.isArray(items)) {
        result.skipped.push(skip(`${this.path}.port.itemsToParse`, outcome.ok ? `expected a list, got ${JSON.stringify(items) ?? 'nothing'}` : outcome.error, objects[index]));
        return [];
      }
      const base = isObject(expanded) && isObject(expanded['base']) ? expanded['base'] : {};
      return items.map((item) => ({ ...base, [name]: item }));
    });
  }

  private entityFrom(raw: unknown, input: unknown, result: ResourceMappingResult): MappedEntity | undefined {
    const built = this.collectFieldErrors(raw, `${this.path}.port.entity.mappings`, result) as Partial<MappedEntity>;
    const { identifier, blueprint } = built;
    const mappingsPath = `${this.path}.port.entity.mappings`;
    if (typeof blueprint !== 'string' || blueprint === '') {
      result.skipped.push(skip(`${mappingsPath}.blueprint`, `the blueprint is ${JSON.stringify(blueprint ?? null)}; an entity needs a blueprint`, input));
      return undefined;
    }
    if (typeof identifier === 'string') {
      const problem = identifierProblem(identifier);
      if (problem) {
        result.skipped.push(skip(`${mappingsPath}.identifier`, problem, input));
        return undefined;
      }
    } else if (!isSearchQuery(identifier)) {
      result.skipped.push(skip(`${mappingsPath}.identifier`, `the identifier is ${JSON.stringify(identifier ?? null)}; an entity needs a string identifier`, input));
      return undefined;
    }
    return {
      identifier,
      blueprint,
      ...(built.title !== undefined ? { title: built.title } : {}),
      ...(built.icon !== undefined ? { icon: built.icon } : {}),
      ...(built.team !== undefined ? { team: built.team } : {}),
      properties: built.properties ?? {},
      relations: built.relations ?? {},
    };
  }

  /** Replaces each failed field with null and records where it failed. */
  private collectFieldErrors(value: unknown, path: string, result: ResourceMappingResult): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((item, index) => this.collectFieldErrors(item, `${path}[${index}]`, result));
    const record = value as Record<string, unknown>;
    if (FIELD_ERROR_KEY in record && Object.keys(record).length === 1) {
      result.fieldErrors.push({ path, message: String(record[FIELD_ERROR_KEY]) });
      return null;
    }
    return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, this.collectFieldErrors(child, `${path}.${key}`, result)]));
  }
}

function skip(path: string, message: string, object: unknown): MappingIssue {
  const label = objectLabel(object);
  return label === undefined ? { path, message } : { path, message, object: label };
}

function isSearchQuery(value: unknown): value is SearchQuery {
  return typeof value === 'object' && value !== null && 'combinator' in value && 'rules' in value;
}
