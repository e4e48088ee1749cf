import type { BlueprintDefinition } from '../blueprints/blueprint.types';
import type { BlueprintStore } from '../blueprints/blueprint-store';
import { CatalogError } from '../http/catalog-error';
import { RelationGraph, searchCondition } from '../search/search-sql';
import { SqlParams } from '../search/sql-params';
import { EntityProblem, isValueQuery, missingRequired, propertyProblems, readEntityInput, relationProblems } from './entity-rules';
import { EntityStore, pairKey, WriteContext } from './entity-store';
import type { EntityInput, EntityRecord, ResolvedEntity, ValueQuery } from './entity.types';

export interface WriteOptions {
  /** Replace or merge an existing entity; without it an existing identifier is a 409. */
  upsert: boolean;
  /** With `upsert`: update only the given fields. */
  merge: boolean;
  validationOnly: boolean;
  createMissingRelatedEntities: boolean;
}

export type WriteOutcome =
  | { index: number; identifier: string; created: boolean; record?: EntityRecord; entity: ResolvedEntity }
  | { index: number; identifier: string; statusCode: number; error: string; message: string };

export function isFailure(outcome: WriteOutcome): outcome is Extract<WriteOutcome, { statusCode: number }> {
  return 'statusCode' in outcome;
}

interface Candidate {
  index: number;
  entity: ResolvedEntity;
}

/**
 * Validates and writes a batch of entities of one blueprint: shape, identifier rules, properties (types, formats,
 * enums), relations (known, single or many, targets present or created bare), required fields; one failing entity
 * does not stop the others. Costs a fixed handful of statements per batch whatever its size.
 */
export class EntityWriter {
  constructor(
    private readonly blueprints: BlueprintStore,
    private readonly entities: EntityStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async write(blueprintId: string, raws: unknown[], options: WriteOptions, context: WriteContext): Promise<WriteOutcome[]> {
    const blueprint = await this.blueprints.require(blueprintId);
    const outcomes = new Map<number, WriteOutcome>();
    const fail = (index: number, identifier: string, problem: EntityProblem | CatalogError): void => {
      const [statusCode, error] = problem instanceof EntityProblem ? [problem.statusCode, problem.error] : [problem.status, problem.error];
      outcomes.set(index, { index, identifier, statusCode, error, message: problem.message });
    };
    let graph: RelationGraph | undefined;
    const lazyGraph = async (): Promise<RelationGraph> => (graph ??= await this.blueprints.graph());

    let candidates: Candidate[] = [];
    const firstIndex = new Map<string, number>();
    for (const [index, raw] of raws.entries()) {
      const rawIdentifier = typeof (raw as { identifier?: unknown })?.identifier === 'string' ? (raw as { identifier: string }).identifier : 'unknown';
      try {
        const entity = await this.resolve(readEntityInput(raw, blueprint.identifier), blueprint, lazyGraph);
        const problems = [...propertyProblems(entity.properties ?? {}, blueprint), ...relationProblems(entity.relations ?? {}, blueprint)];
        if (problems.length > 0) throw EntityProblem.invalid(problems.join('; '));
        const first = firstIndex.get(entity.identifier);
        if (first !== undefined) throw EntityProblem.invalid(`identifier "${entity.identifier}" appears more than once in this request (first at index ${first})`);
        firstIndex.set(entity.identifier, index);
        candidates.push({ index, entity });
      } catch (error) {
        if (!(error instanceof EntityProblem || error instanceof CatalogError)) throw error;
        fail(index, rawIdentifier, error);
      }
    }

    const existing = await this.entities.existing(blueprint.identifier, candidates.map((candidate) => candidate.entity.identifier));
    const requiredRelations = Object.entries(blueprint.relations).filter(([, relation]) => relation.required).map(([name]) => name);
    candidates = candidates.filter(({ index, entity }) => {
      const before = existing.get(entity.identifier);
      if (before && !options.upsert) {
        fail(index, entity.identifier, CatalogError.conflict('identifier_taken', `Entity "${entity.identifier}" already exists in blueprint "${blueprint.identifier}"; send upsert=true to replace or update it`));
        return false;
      }
      const merge = options.upsert && options.merge && before !== undefined;
      const missing = [
        ...missingRequired(blueprint.schema.required, entity.properties, before?.filledProperties ?? new Set(), merge).map((name) => `property "${name}"`),
        ...missingRequired(requiredRelations, entity.relations, before?.filledRelations ?? new Set(), merge).map((name) => `relation "${name}"`),
      ];
      if (missing.length > 0) {
        fail(index, entity.identifier, EntityProblem.invalid(`required ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`));
        return false;
      }
      return true;
    });

    const bare = await this.checkRelationTargets(blueprint, candidates, options.createMissingRelatedEntities, fail);
    candidates = candidates.filter(({ index }) => !outcomes.has(index));

    if (options.validationOnly) {
      for (const { index, entity } of candidates) outcomes.set(index, { index, identifier: entity.identifier, created: !existing.has(entity.identifier), entity });
    } else {
      const mode = !options.upsert ? 'createOnly' : options.merge ? 'merge' : 'replace';
      const written = await this.entities.upsert(blueprint.identifier, candidates.map((candidate) => candidate.entity), mode, bare, context);
      for (const { index, entity } of candidates) {
        const row = written.get(entity.identifier);
        if (row) outcomes.set(index, { index, identifier: entity.identifier, created: row.created, record: row.record, entity });
        else fail(index, entity.identifier, CatalogError.conflict('identifier_taken', `Entity "${entity.identifier}" already exists in blueprint "${blueprint.identifier}"`));
      }
    }
    return [...outcomes.values()].sort((a, b) => a.index - b.index);
  }

  /** A synthetic record for a `validation_only` answer: what the entity would look like if written. */
  preview(blueprint: string, entity: ResolvedEntity, context: WriteContext): EntityRecord {
    const now = this.now();
    return {
      blueprint,
      identifier: entity.identifier,
      title: entity.title ?? null,
      icon: entity.icon ?? null,
      team: entity.team ?? null,
      properties: entity.properties ?? {},
      relations: entity.relations ?? {},
      datasource: context.datasource,
      createdAt: now,
      updatedAt: now,
      createdBy: context.actor,
      updatedBy: context.actor,
    };
  }

  /**
   * Every relation target must exist in the relation's target blueprint, be written by this batch, or (with
   * `createMissing`) be created bare. An entity whose in-batch target fails, fails too. Returns the bare entities.
   */
  private async checkRelationTargets(
    blueprint: BlueprintDefinition,
    candidates: Candidate[],
    createMissing: boolean,
    fail: (index: number, identifier: string, problem: EntityProblem) => void,
  ): Promise<Array<{ blueprint: string; identifier: string }>> {
    const targetsOf = (entity: ResolvedEntity): Array<{ relation: string; blueprint: string; identifier: string }> =>
      Object.entries(entity.relations ?? {}).flatMap(([relation, value]) =>
        (value === null ? [] : Array.isArray(value) ? value : [value]).map((identifier) => ({ relation, blueprint: blueprint.relations[relation].target, identifier })),
      );
    const wanted = new Map<string, { blueprint: string; identifier: string }>();
    for (const { entity } of candidates) for (const target of targetsOf(entity)) wanted.set(pairKey(target.blueprint, target.identifier), target);
    if (wanted.size === 0) return [];
    const present = await this.entities.existingPairs([...wanted.values()]);
    const bare = new Map<string, { blueprint: string; identifier: string }>();
    let alive = candidates;
    for (let changed = true; changed; ) {
      changed = false;
      bare.clear();
      const inBatch = new Set(alive.map(({ entity }) => pairKey(blueprint.identifier, entity.identifier)));
      alive = alive.filter(({ index, entity }) => {
        for (const target of targetsOf(entity)) {
          const key = pairKey(target.blueprint, target.identifier);
          if (present.has(key) || inBatch.has(key)) continue;
          if (createMissing) {
            bare.set(key, { blueprint: target.blueprint, identifier: target.identifier });
            continue;
          }
          fail(index, entity.identifier, new EntityProblem(404, 'not_found', `relation "${target.relation}" points at entity "${target.identifier}" of blueprint "${target.blueprint}", which does not exist; create it first or send create_missing_related_entities=true`));
          changed = true;
          return false;
        }
        return true;
      });
    }
    return [...bare.values()];
  }

  /** Resolves search-query identifiers and relation values to identifiers. */
  private async resolve(input: EntityInput, blueprint: BlueprintDefinition, graph: () => Promise<RelationGraph>): Promise<ResolvedEntity> {
    const identifier = typeof input.identifier === 'string' ? input.identifier : await this.resolveIdentifier(input.identifier, blueprint.identifier, graph);
    if (isValueQuery(input.team)) throw EntityProblem.invalid('team as a search query is not supported by the embedded catalog; send team identifiers');
    const entity: ResolvedEntity = { identifier, title: input.title, icon: input.icon, team: input.team as string[] | null | undefined, properties: input.properties };
    if (input.relations) {
      const relations: Record<string, string | string[] | null> = {};
      for (const [name, value] of Object.entries(input.relations)) {
        const relation = Object.hasOwn(blueprint.relations, name) ? blueprint.relations[name] : undefined;
        if (relation && isValueQuery(value)) {
          const matches = await this.matching(value, relation.target, graph, relation.many ? 1000 : 2);
          if (!relation.many && matches.length !== 1) throw new EntityProblem(404, 'not_found', `the search query of relation "${name}" matches ${matches.length === 0 ? 'no' : 'more than one'} entity of blueprint "${relation.target}"; it must match exactly one`);
          relations[name] = relation.many ? matches : matches[0];
        } else relations[name] = value as string | string[] | null;
      }
      entity.relations = relations;
    }
    return entity;
  }

  private async resolveIdentifier(query: ValueQuery, blueprint: string, graph: () => Promise<RelationGraph>): Promise<string> {
    const matches = await this.matching(query, blueprint, graph, 2);
    if (matches.length !== 1) throw new EntityProblem(404, 'not_found', `the identifier search query matches ${matches.length === 0 ? 'no' : 'more than one'} entity of blueprint "${blueprint}"; it must match exactly one`);
    return matches[0];
  }

  private async matching(query: ValueQuery, blueprint: string, graph: () => Promise<RelationGraph>, limit: number): Promise<string[]> {
    const params = new SqlParams();
    const condition = searchCondition(query, { params, graph: await graph(), now: this.now() });
    return this.entities.identifiersMatching(`e.blueprint = ${params.add(blueprint)} AND ${condition}`, params, limit);
  }
}
