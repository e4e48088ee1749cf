import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AuthenticatedRequest, BearerAuthGuard, callerOf, datasourceOf } from '../auth/bearer-auth.guard';
import { isObject } from '../blueprints/blueprint-rules';
import { BlueprintStore } from '../blueprints/blueprint-store';
import { CatalogError } from '../http/catalog-error';
import { booleanParam, listParam, Query as QueryParams } from '../http/query-params';
import { EntitySearch } from '../search/entity-search';
import { EntityDeleter } from './entity-deleter';
import { EntityStore, WriteContext } from './entity-store';
import { project, toView } from './entity-view';
import type { EntityRecord, EntityView } from './entity.types';
import { EntityWriter, isFailure, WriteOptions } from './entity-writer';

const MAX_BULK_UPSERT = 20;
const MAX_BULK_DELETE = 100;

@Controller('v1')
@UseGuards(BearerAuthGuard)
export class EntitiesController {
  constructor(
    @Inject(EntityWriter) private readonly writer: EntityWriter,
    @Inject(EntityDeleter) private readonly deleter: EntityDeleter,
    @Inject(EntityStore) private readonly store: EntityStore,
    @Inject(BlueprintStore) private readonly blueprints: BlueprintStore,
    @Inject(EntitySearch) private readonly search: EntitySearch,
  ) {}

  @Post('blueprints/:blueprint/entities')
  @HttpCode(201)
  async create(@Param('blueprint') blueprint: string, @Body() body: unknown, @Query() query: QueryParams, @Req() request: AuthenticatedRequest): Promise<{ ok: true; entity: EntityView }> {
    const context = writeContext(request);
    const [outcome] = await this.writer.write(blueprint, [body], writeOptions(query), context);
    if (isFailure(outcome)) throw new CatalogError(outcome.statusCode, outcome.error, outcome.message);
    return { ok: true, entity: toView(outcome.record ?? this.writer.preview(blueprint, outcome.entity, context)) };
  }

  @Post('blueprints/:blueprint/entities/bulk')
  async bulk(@Param('blueprint') blueprint: string, @Body() body: unknown, @Query() query: QueryParams, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: Response): Promise<object> {
    if (!isObject(body) || !Array.isArray(body['entities'])) throw CatalogError.invalid('body must be {entities: [...]}');
    const extra = Object.keys(body).filter((key) => key !== 'entities');
    if (extra.length > 0) throw CatalogError.invalid(`body must NOT have additional properties (${extra.join(', ')})`);
    const raws = body['entities'] as unknown[];
    if (raws.length === 0) throw CatalogError.invalid('body/entities must NOT have fewer than 1 items');
    if (raws.length > MAX_BULK_UPSERT) throw CatalogError.invalid(`body/entities must NOT have more than ${MAX_BULK_UPSERT} items (it has ${raws.length}): no more than 20 entities per request`);
    const outcomes = await this.writer.write(blueprint, raws, writeOptions(query), writeContext(request));
    const entities = outcomes.filter((outcome) => !isFailure(outcome)).map((outcome) => ({ created: 'created' in outcome && outcome.created, identifier: outcome.identifier, index: outcome.index, additionalData: {} }));
    const errors = outcomes.filter(isFailure).map(({ identifier, index, statusCode, error, message }) => ({ identifier, index, statusCode, error, message }));
    response.status(errors.length === 0 ? 200 : 207);
    return { ok: true, entities, errors };
  }

  @Get('blueprints/:blueprint/entities')
  async list(@Param('blueprint') blueprint: string, @Query() query: QueryParams): Promise<{ ok: true; entities: Array<Partial<EntityView>> }> {
    await this.blueprints.require(blueprint);
    const projection = { include: listParam(query, 'include'), exclude: listParam(query, 'exclude') };
    const page = await this.search.page(blueprint, undefined, { ...projection });
    return { ok: true, entities: page.entities };
  }

  @Post('blueprints/:blueprint/entities/search')
  @HttpCode(200)
  async searchBlueprint(@Param('blueprint') blueprint: string, @Body() body: unknown): Promise<{ ok: true; entities: Array<Partial<EntityView>>; next?: string }> {
    await this.blueprints.require(blueprint);
    const request = body === undefined ? {} : body;
    if (!isObject(request)) throw CatalogError.invalid('body must be an object');
    const extra = Object.keys(request).filter((key) => !['query', 'include', 'exclude', 'limit', 'from'].includes(key));
    if (extra.length > 0) throw CatalogError.invalid(`body must NOT have additional properties (${extra.join(', ')})`);
    const limit = request['limit'] ?? 200;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) throw CatalogError.invalid('body/limit must be an integer from 1 to 1000');
    if (request['from'] !== undefined && typeof request['from'] !== 'string') throw CatalogError.invalid('body/from must be the "next" string of the previous page');
    const page = await this.search.page(blueprint, request['query'], {
      include: stringList(request['include'], 'include'),
      exclude: stringList(request['exclude'], 'exclude'),
      limit,
      from: request['from'] as string | undefined,
    });
    return { ok: true, entities: page.entities, ...(page.next ? { next: page.next } : {}) };
  }

  @Get('blueprints/:blueprint/entities-count')
  async count(@Param('blueprint') blueprint: string): Promise<{ ok: true; count: number }> {
    await this.blueprints.require(blueprint);
    return { ok: true, count: await this.store.count(blueprint) };
  }

  @Get('blueprints/:blueprint/entities/:identifier')
  async get(@Param('blueprint') blueprint: string, @Param('identifier') identifier: string, @Query() query: QueryParams): Promise<{ ok: true; entity: Partial<EntityView> }> {
    const record = await this.require(blueprint, identifier);
    return { ok: true, entity: project(toView(record), { include: listParam(query, 'include'), exclude: listParam(query, 'exclude') }) };
  }

  /** Partial update: given fields replace (properties and relations merge by key); `identifier` renames. */
  @Patch('blueprints/:blueprint/entities/:identifier')
  async patch(@Param('blueprint') blueprint: string, @Param('identifier') identifier: string, @Body() body: unknown, @Query() query: QueryParams, @Req() request: AuthenticatedRequest): Promise<{ ok: true; entity: EntityView }> {
    if (!isObject(body)) throw CatalogError.invalid('body must be an object');
    const current = await this.require(blueprint, identifier);
    const merged = {
      identifier: body['identifier'] ?? identifier,
      ...pick(current, body, 'title'),
      ...pick(current, body, 'icon'),
      ...pick(current, body, 'team'),
      properties: { ...current.properties, ...(isObject(body['properties']) ? body['properties'] : {}) },
      relations: { ...current.relations, ...(isObject(body['relations']) ? body['relations'] : {}) },
    };
    for (const key of ['properties', 'relations'] as const) if (body[key] !== undefined && !isObject(body[key])) throw CatalogError.invalid(`body/${key} must be an object`);
    return { ok: true, entity: toView(await this.replaceWith(blueprint, identifier, merged, query, request)) };
  }

  @Put('blueprints/:blueprint/entities/:identifier')
  async put(@Param('blueprint') blueprint: string, @Param('identifier') identifier: string, @Body() body: unknown, @Query() query: QueryParams, @Req() request: AuthenticatedRequest): Promise<{ ok: true; entity: EntityView }> {
    if (!isObject(body)) throw CatalogError.invalid('body must be an object');
    await this.require(blueprint, identifier);
    return { ok: true, entity: toView(await this.replaceWith(blueprint, identifier, { ...body, identifier: body['identifier'] ?? identifier }, query, request)) };
  }

  @Delete('blueprints/:blueprint/entities/:identifier')
  async delete(@Param('blueprint') blueprint: string, @Param('identifier') identifier: string, @Query() query: QueryParams): Promise<{ ok: true }> {
    const deleted = await this.deleter.delete(blueprint, [identifier], booleanParam(query, 'delete_dependents'));
    if (deleted.length === 0) throw CatalogError.notFound(`Entity "${identifier}" of blueprint "${blueprint}" was not found`);
    return { ok: true };
  }

  @Post('blueprints/:blueprint/bulk/entities/delete')
  @HttpCode(200)
  async bulkDelete(@Param('blueprint') blueprint: string, @Body() body: unknown, @Query() query: QueryParams): Promise<{ ok: true; deletedEntities: string[] }> {
    if (!isObject(body) || !Array.isArray(body['entities']) || !body['entities'].every((id) => typeof id === 'string')) throw CatalogError.invalid('body must be {entities: ["<identifier>", ...]}');
    const ids = body['entities'] as string[];
    if (ids.length === 0) throw CatalogError.invalid('body/entities must NOT have fewer than 1 items');
    if (ids.length > MAX_BULK_DELETE) throw CatalogError.invalid(`body/entities must NOT have more than ${MAX_BULK_DELETE} items (it has ${ids.length})`);
    return { ok: true, deletedEntities: await this.deleter.delete(blueprint, ids, booleanParam(query, 'delete_dependents')) };
  }

  @Delete('blueprints/:blueprint/all-entities')
  async deleteAll(@Param('blueprint') blueprint: string, @Query() query: QueryParams): Promise<{ ok: true }> {
    await this.deleter.delete(blueprint, 'all', false);
    if (booleanParam(query, 'delete_blueprint')) await this.blueprints.delete(blueprint);
    return { ok: true };
  }

  @Post('entities/search')
  @HttpCode(200)
  async searchAll(@Body() body: unknown, @Query() query: QueryParams): Promise<{ ok: true; entities: Array<Partial<EntityView>>; matchingBlueprints: string[] }> {
    const result = await this.search.all(body, { include: listParam(query, 'include'), exclude: listParam(query, 'exclude') });
    return { ok: true, ...result };
  }

  private async require(blueprint: string, identifier: string): Promise<EntityRecord> {
    await this.blueprints.require(blueprint);
    const record = await this.store.get(blueprint, identifier);
    if (!record) throw CatalogError.notFound(`Entity "${identifier}" of blueprint "${blueprint}" was not found`);
    return record;
  }

  /** PUT and PATCH: validate the whole new entity, rename it when its identifier changes, then replace it. */
  private async replaceWith(blueprint: string, identifier: string, raw: Record<string, unknown>, query: QueryParams, request: AuthenticatedRequest): Promise<EntityRecord> {
    const context = writeContext(request);
    const options: WriteOptions = { upsert: true, merge: false, validationOnly: true, createMissingRelatedEntities: booleanParam(query, 'create_missing_related_entities') };
    const [checked] = await this.writer.write(blueprint, [raw], options, context);
    if (isFailure(checked)) throw new CatalogError(checked.statusCode, checked.error, checked.message);
    if (checked.identifier !== identifier) await this.rename(blueprint, identifier, checked.identifier);
    const [outcome] = await this.writer.write(blueprint, [raw], { ...options, validationOnly: false }, context);
    if (isFailure(outcome) || !outcome.record) throw new CatalogError(isFailure(outcome) ? outcome.statusCode : 500, isFailure(outcome) ? outcome.error : 'internal_error', isFailure(outcome) ? outcome.message : 'the entity was not written');
    return outcome.record;
  }

  private async rename(blueprint: string, from: string, to: string): Promise<void> {
    if (await this.store.get(blueprint, to)) throw CatalogError.conflict('identifier_taken', `Entity "${to}" already exists in blueprint "${blueprint}"`);
    const graph = await this.blueprints.graph();
    for (const { source, name, relation } of graph.incoming(blueprint)) {
      const referrers = await this.store.referrers(source, name, relation.many, [from]);
      if (referrers.length > 0) throw CatalogError.conflict('has_dependents', `Entity "${from}" cannot be renamed while "${referrers[0]}" (${source}.${name}) points at it`);
    }
    await this.store.transaction((manager) => this.store.rename(blueprint, from, to, manager));
  }
}

function writeOptions(query: QueryParams): WriteOptions {
  return {
    upsert: booleanParam(query, 'upsert'),
    merge: booleanParam(query, 'merge'),
    validationOnly: booleanParam(query, 'validation_only'),
    createMissingRelatedEntities: booleanParam(query, 'create_missing_related_entities'),
  };
}

function writeContext(request: AuthenticatedRequest): WriteContext {
  return { datasource: datasourceOf(request), actor: callerOf(request).clientId };
}

function pick(current: EntityRecord, body: Record<string, unknown>, key: 'title' | 'icon' | 'team'): Record<string, unknown> {
  if (key in body) return body[key] === null && key !== 'team' ? {} : { [key]: body[key] };
  return current[key] === null ? {} : { [key]: current[key] };
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw CatalogError.invalid(`body/${name} must be an array of strings`);
  return value as string[];
}
