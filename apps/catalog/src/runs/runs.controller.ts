import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { AuthenticatedRequest, BearerAuthGuard, callerOf } from '../auth/bearer-auth.guard';
import { booleanParam, integerParam, Query as QueryParams, stringParam } from '../http/query-params';
import { RunLogView, RunStore, RunView } from './run-store';

@Controller('v1/actions')
@UseGuards(BearerAuthGuard)
export class RunsController {
  constructor(@Inject(RunStore) private readonly runs: RunStore) {}

  /** Creates a run of any action (actions themselves are not stored): how tests and the UI get runs to report on. */
  @Post(':action/runs')
  @HttpCode(202)
  async create(@Param('action') action: string, @Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<{ ok: true; run: RunView }> {
    return { ok: true, run: await this.runs.create(action, body, callerOf(request).clientId) };
  }

  @Get('runs')
  async list(@Query() query: QueryParams): Promise<{ ok: true; runs: RunView[] }> {
    const active = stringParam(query, 'active') === undefined ? undefined : booleanParam(query, 'active');
    const runs = await this.runs.list({
      externalRunId: stringParam(query, 'external_run_id'),
      entity: stringParam(query, 'entity'),
      blueprint: stringParam(query, 'blueprint'),
      action: stringParam(query, 'action'),
      active,
      limit: integerParam(query, 'limit', 1000, 1, 1000),
    });
    return { ok: true, runs };
  }

  @Get('runs/:runId')
  async get(@Param('runId') runId: string): Promise<{ ok: true; run: RunView }> {
    return { ok: true, run: await this.runs.get(runId) };
  }

  @Patch('runs/:runId')
  async patch(@Param('runId') runId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<{ ok: true; run: RunView }> {
    return { ok: true, run: await this.runs.patch(runId, body, callerOf(request).clientId) };
  }

  @Post('runs/:runId/logs')
  @HttpCode(201)
  async addLog(@Param('runId') runId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest): Promise<{ ok: true; runLog: RunLogView }> {
    return { ok: true, runLog: await this.runs.addLog(runId, body, callerOf(request).clientId) };
  }

  @Get('runs/:runId/logs')
  async logs(@Param('runId') runId: string, @Query() query: QueryParams): Promise<{ ok: true; runLogs: RunLogView[] }> {
    return { ok: true, runLogs: await this.runs.logs(runId, integerParam(query, 'limit', 50, 1, 50), integerParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER)) };
  }
}
