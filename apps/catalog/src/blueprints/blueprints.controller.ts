import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, BearerAuthGuard, callerOf } from '../auth/bearer-auth.guard';
import { booleanParam, Query as QueryParams } from '../http/query-params';
import { BlueprintStore } from './blueprint-store';
import type { StoredBlueprint } from './blueprint.types';

@Controller('v1/blueprints')
@UseGuards(BearerAuthGuard)
export class BlueprintsController {
  constructor(@Inject(BlueprintStore) private readonly blueprints: BlueprintStore) {}

  @Get()
  async list(): Promise<{ ok: true; blueprints: StoredBlueprint[] }> {
    return { ok: true, blueprints: await this.blueprints.list() };
  }

  /** `create_catalog_page` is accepted and ignored: the embedded catalog has no pages. */
  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @Query() query: QueryParams, @Req() request: AuthenticatedRequest): Promise<{ ok: true; blueprint: StoredBlueprint }> {
    booleanParam(query, 'create_catalog_page', true);
    return { ok: true, blueprint: await this.blueprints.create(body, callerOf(request).clientId) };
  }

  @Get(':identifier')
  async get(@Param('identifier') identifier: string): Promise<{ ok: true; blueprint: StoredBlueprint }> {
    return { ok: true, blueprint: await this.blueprints.require(identifier) };
  }

  @Put(':identifier')
  async replace(@Param('identifier') identifier: string, @Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<{ ok: true; blueprint: StoredBlueprint }> {
    return { ok: true, blueprint: await this.blueprints.replace(identifier, body, callerOf(request).clientId) };
  }

  @Patch(':identifier')
  async patch(@Param('identifier') identifier: string, @Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<{ ok: true; blueprint: StoredBlueprint }> {
    return { ok: true, blueprint: await this.blueprints.patch(identifier, body, callerOf(request).clientId) };
  }

  /** `delete_actions` is accepted and ignored: actions are not stored here. */
  @Delete(':identifier')
  async delete(@Param('identifier') identifier: string, @Query() query: QueryParams): Promise<{ ok: true }> {
    booleanParam(query, 'delete_actions');
    await this.blueprints.delete(identifier);
    return { ok: true };
  }
}
