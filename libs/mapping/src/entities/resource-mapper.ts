import type { ResourceConfig, SearchQuery } from '../config/app-config.types';
import type { JqEngine } from '../jq/jq-engine';
import { entityProgram, FIELD_ERROR_KEY } from './entity-program';
import { identifierProblem } from './identifier-rules';

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
    outcomes.forEach((outcome) => {
      if (!outcome.ok) {
        result.skipped.push({ path: `${this.path}.port.entity.mappings`, message: outcome.error });
        return;
      }
      const entity = this.entityFrom(outcome.outputs[0], result);
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
        result.skipped.push({ path: `${this.path}.selector.query`, message: cause });
        return;
      }
      if (value) selected.push(objects[index]);
      else result.filtered += 1;
    });
    return selected;
  }

  private async expand(objects: unknown[], result: ResourceMappingResult): Promise<unknown[]> {
    const itemsToParse = this.resource.port.itemsToParse;
    if (!itemsToParse) return objects;
    const name = this.resource.port.itemsToParseName;
    const outcomes = await this.jq.evaluate(itemsToParse, objects);
    return outcomes.flatMap((outcome, index) => {
      const items = outcome.ok ? outcome.outputs[0] : undefined;
      if (!outcome.ok || !Array.isArray(items)) {
        result.skipped.push({ path: `${this.path}.port.itemsToParse`, message: outcome.ok ? `expected a list, got ${JSON.stringify(items) ?? 'nothing'}` : outcome.error });
        return [];
      }
      const object = objects[index];
      const base = typeof object === 'object' && object !== null && !Array.isArray(object) ? object : {};
      return items.map((item) => ({ ...base, [name]: item }));
    });
  }

  private entityFrom(raw: unknown, result: ResourceMappingResult): MappedEntity | undefined {
    const built = this.collectFieldErrors(raw, `${this.path}.port.entity.mappings`, result) as Partial<MappedEntity>;
    const { identifier, blueprint } = built;
    const mappingsPath = `${this.path}.port.entity.mappings`;
    if (typeof blueprint !== 'string' || blueprint === '') {
      result.skipped.push({ path: `${mappingsPath}.blueprint`, message: `the blueprint is ${JSON.stringify(blueprint ?? null)}; an entity needs a blueprint` });
      return undefined;
    }
    if (typeof identifier === 'string') {
      const problem = identifierProblem(identifier);
      if (problem) {
        result.skipped.push({ path: `${mappingsPath}.identifier`, message: problem });
        return undefined;
      }
    } else if (!isSearchQuery(identifier)) {
      result.skipped.push({ path: `${mappingsPath}.identifier`, message: `the identifier is ${JSON.stringify(identifier ?? null)}; an entity needs a string identifier` });
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

function isSearchQuery(value: unknown): value is SearchQuery {
  return typeof value === 'object' && value !== null && 'combinator' in value && 'rules' in value;
}
