import { Controller, Get, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { BlueprintStore } from '../blueprints/blueprint-store';
import type { StoredBlueprint } from '../blueprints/blueprint.types';
import { EntityStore } from '../entities/entity-store';
import type { EntityRecord } from '../entities/entity.types';
import { CatalogError } from '../http/catalog-error';
import type { Query as QueryParams } from '../http/query-params';
import { RunStore } from '../runs/run-store';
import { EntitySearch } from '../search/entity-search';
import { entityTable, relationLinks } from './entity-table';
import { countedProperties, filterCounts, MAX_VALUES } from './filter-counts';
import { externalLink, html, SafeHtml } from './html';
import { timeElement } from './humane-time';
import { blueprintHref, entityHref, page, statusBadge } from './layout';
import { propertyValue } from './property-value';
import { notFound, send } from './respond';
import { runsTable } from './runs-view';
import { filterQuery, isFiltered, orderOf, readTableQuery, TableQuery, tableSearch } from './table-query';
import { UiAccessGuard } from './ui-access.guard';

const PAGE_SIZE = 50;

/**
 * The browse UI: server-rendered HTML, every value escaped. Pages that show entities name the blueprints they depend
 * on, and the live script refreshes their `data-live-region` parts when those change.
 */
@Controller()
@UseGuards(UiAccessGuard)
export class CatalogUiController {
  constructor(
    @Inject(BlueprintStore) private readonly blueprints: BlueprintStore,
    @Inject(EntityStore) private readonly entities: EntityStore,
    @Inject(EntitySearch) private readonly search: EntitySearch,
    @Inject(RunStore) private readonly runs: RunStore,
  ) {}

  @Get()
  async home(@Res() response: Response): Promise<void> {
    const now = new Date();
    const [blueprints, counts, runs] = await Promise.all([this.blueprints.list(), this.entities.countsByBlueprint(), this.runs.list({ limit: 10 })]);
    const body = html`
      <h1>Blueprints</h1>
      <div id="blueprints" data-live-region>
      <table>
        <thead><tr><th>Blueprint</th><th>Identifier</th><th>Relations</th><th class="num">Entities</th></tr></thead>
        <tbody>${blueprints.map((blueprint) => html`<tr>
          <td><a href="${blueprintHref(blueprint.identifier)}">${blueprint.title}</a></td>
          <td><code>${blueprint.identifier}</code></td>
          <td>${Object.entries(blueprint.relations).map(([name, relation]) => html`<div>${name} → <a href="${blueprintHref(relation.target)}">${relation.target}</a>${relation.many ? ' (many)' : ''}${relation.required ? ' (required)' : ''}</div>`)}</td>
          <td class="num" data-count="${blueprint.identifier}">${counts.get(blueprint.identifier) ?? 0}</td>
        </tr>`)}</tbody>
      </table>
      ${blueprints.length === 0 ? html`<p class="empty">No blueprints yet.</p>` : ''}
      </div>
      <h2>Recent action runs</h2>
      ${runsTable(runs, now)}
      <p><a href="/runs">All action runs</a></p>`;
    send(response, 200, page('Blueprints', body, { topics: ['*'] }));
  }

  @Get('blueprints/:blueprint')
  async blueprint(@Param('blueprint') identifier: string, @Query() query: QueryParams, @Res() response: Response): Promise<void> {
    const blueprint = await this.blueprints.find(identifier);
    if (!blueprint) return notFound(response, `There is no blueprint "${identifier}".`);
    const table = readTableQuery(query);
    let result: { records: EntityRecord[]; total: number };
    let counts = new Map<string, Array<{ value: string; count: number }>>();
    let problem: string | undefined;
    try {
      const query = filterQuery(blueprint, table.filters);
      [result, counts] = await Promise.all([
        this.search.sorted(identifier, query, { order: orderOf(blueprint, table), offset: (table.page - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
        this.search.valueCounts(identifier, query, countedProperties(blueprint), MAX_VALUES),
      ]);
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      result = { records: [], total: 0 };
      problem = error.message;
    }
    const all = isFiltered(table.filters) ? await this.entities.count(identifier) : result.total;
    const { filters } = table;
    const body = html`
      <h1>${blueprint.title} <span class="muted">(${identifier})</span></h1>
      <p id="summary" data-live-region>${isFiltered(filters) ? html`<strong id="match-count">${result.total}</strong> of ${all} entities match the filter` : html`<strong id="match-count">${all}</strong> entities`}</p>
      <form class="filters" method="get" action="${blueprintHref(identifier)}">
        <input type="search" name="q" placeholder="Identifier or title contains…" value="${filters.q ?? ''}">
        <select name="property"><option value="">Property…</option>${Object.keys(blueprint.schema.properties).map((name) => html`<option value="${name}"${name === filters.property ? new SafeHtml(' selected') : ''}>${name}</option>`)}</select>
        <input type="text" name="value" placeholder="equals…" value="${filters.value ?? ''}">
        <input type="text" name="datasource" placeholder="Datasource contains…" value="${filters.datasource ?? ''}">
        ${table.sort !== '$identifier' ? html`<input type="hidden" name="sort" value="${table.sort}">` : ''}
        ${table.descending ? html`<input type="hidden" name="order" value="desc">` : ''}
        <button type="submit">Filter</button>
        ${isFiltered(filters) ? html`<a href="${blueprintHref(identifier)}${tableSearch(table, { filters: {}, page: 1 })}">Clear</a>` : ''}
      </form>
      ${filterCounts(blueprint, counts, table)}
      <div id="table-region" data-live-region>
        ${problem ? html`<p class="empty">${problem}</p>` : ''}
        ${entityTable(blueprint, result.records, table, new Date())}
        ${result.records.length === 0 && !problem ? html`<p class="empty">No entities match.</p>` : ''}
        ${pager(identifier, table, result.total)}
      </div>`;
    send(response, 200, page(blueprint.title, body, { topics: [`blueprint:${identifier}`] }));
  }

  @Get('blueprints/:blueprint/entities/:identifier')
  async entity(@Param('blueprint') blueprintId: string, @Param('identifier') identifier: string, @Res() response: Response): Promise<void> {
    const [blueprint, record] = await Promise.all([this.blueprints.find(blueprintId), this.entities.get(blueprintId, identifier)]);
    if (!blueprint || !record) return notFound(response, `There is no entity "${identifier}" in blueprint "${blueprintId}".`);
    const [referrers, topics] = await Promise.all([
      this.search.all(
        { combinator: 'and', rules: [{ operator: 'relatedTo', blueprint: blueprintId, value: identifier, direction: 'downstream' }] },
        { include: ['identifier', 'title', 'blueprint'] },
      ),
      this.neighbourTopics(blueprint),
    ]);
    const now = new Date();
    const names = [...new Set([...Object.keys(blueprint.schema.properties), ...Object.keys(record.properties)])];
    const body = html`<div id="entity" data-live-region>
      <h1>${record.title ?? identifier} <span class="muted">· <a href="${blueprintHref(blueprintId)}">${blueprint.title}</a></span></h1>
      <table id="meta">
        <tr><th>Identifier</th><td><code>${identifier}</code></td></tr>
        <tr><th>Team</th><td>${(record.team ?? []).join(', ')}</td></tr>
        <tr><th>Datasource</th><td><code>${record.datasource ?? ''}</code></td></tr>
        <tr><th>Created</th><td>${timeElement(record.createdAt, now)} by ${record.createdBy}</td></tr>
        <tr><th>Updated</th><td>${timeElement(record.updatedAt, now)} by ${record.updatedBy}</td></tr>
      </table>
      <h2>Properties</h2>
      <table id="properties">${names.map((name) => html`<tr data-property="${name}"><th>${blueprint.schema.properties[name]?.title ?? name}</th><td>${propertyValue(record.properties[name], blueprint.schema.properties[name], 'full', now)}</td></tr>`)}</table>
      ${names.length === 0 ? html`<p class="empty">No properties.</p>` : ''}
      <h2>Relations</h2>
      <table id="relations">${Object.entries(blueprint.relations).map(([name, relation]) => html`<tr><th>${relation.title ?? name}</th><td>${relationLinks(relation.target, record.relations[name])}</td></tr>`)}</table>
      ${Object.keys(blueprint.relations).length === 0 ? html`<p class="empty">This blueprint has no relations.</p>` : ''}
      <h2>Related from</h2>
      ${referrers.entities.length === 0 ? html`<p class="empty">No entity points here.</p>` : html`<table id="referrers">${referrers.entities.map((entity) => html`<tr><td><a href="${entityHref(entity.blueprint ?? '', entity.identifier ?? '')}">${entity.title ?? entity.identifier}</a></td><td class="muted">${entity.blueprint}</td></tr>`)}</table>`}
    </div>`;
    send(response, 200, page(record.title ?? identifier, body, { topics }));
  }

  @Get('runs')
  async runList(@Res() response: Response): Promise<void> {
    send(response, 200, page('Action runs', html`<h1>Action runs</h1>${runsTable(await this.runs.list({ limit: 100 }), new Date())}`));
  }

  @Get('runs/:id')
  async run(@Param('id') id: string, @Res() response: Response): Promise<void> {
    let run;
    try {
      run = await this.runs.get(id);
    } catch (error) {
      if (error instanceof CatalogError && error.status === 404) return notFound(response, `There is no action run "${id}".`);
      throw error;
    }
    const logs = await this.runs.logs(id, 1000, 0);
    const now = new Date();
    send(response, 200, page(`Run ${id}`, html`
      <h1>Run <code>${id}</code> ${statusBadge(run.status)}</h1>
      <table id="run">
        <tr><th>Action</th><td>${run.action.identifier}</td></tr>
        <tr><th>Entity</th><td>${run.entity ? (run.blueprint ? html`<a href="${entityHref(run.blueprint.identifier, run.entity.identifier)}">${run.entity.identifier}</a>` : run.entity.identifier) : ''}</td></tr>
        <tr><th>Status label</th><td>${run.statusLabel ?? ''}</td></tr>
        <tr><th>Summary</th><td>${run.summary ?? ''}</td></tr>
        <tr><th>Links</th><td>${(run.link ?? []).map((link) => html`<div>${externalLink(link)}</div>`)}</td></tr>
        <tr><th>External run id</th><td><code>${run.externalRunId ?? ''}</code></td></tr>
        <tr><th>Started</th><td>${timeElement(run.createdAt, now)}</td></tr>
        <tr><th>Ended</th><td>${run.endedAt ? timeElement(run.endedAt, now) : ''}</td></tr>
        <tr><th>Inputs</th><td>${propertyValue(run.properties, undefined, 'full', now)}</td></tr>
      </table>
      <h2>Logs</h2>
      ${logs.length === 0 ? html`<p class="empty">No logs yet.</p>` : html`<table id="logs"><thead><tr><th>Time</th><th>Message</th><th>Status</th></tr></thead><tbody>${logs.map((log) => html`<tr><td class="muted">${timeElement(log.createdAt, now)}</td><td><pre>${log.message}</pre></td><td>${log.terminationStatus ? statusBadge(log.terminationStatus) : ''} ${log.statusLabel ?? ''}</td></tr>`)}</tbody></table>`}`));
  }

  /** An entity page shows its own blueprint, the blueprints it points at and those that point at it. */
  private async neighbourTopics(blueprint: StoredBlueprint): Promise<string[]> {
    const graph = await this.blueprints.graph();
    const related = [blueprint.identifier, ...graph.outgoing(blueprint.identifier).map(({ relation }) => relation.target), ...graph.incoming(blueprint.identifier).map(({ source }) => source)];
    return [...new Set(related)].map((identifier) => `blueprint:${identifier}`);
  }
}

function pager(blueprint: string, table: TableQuery, total: number): SafeHtml {
  if (total <= PAGE_SIZE) return html``;
  const first = (table.page - 1) * PAGE_SIZE + 1;
  const last = Math.min(total, table.page * PAGE_SIZE);
  const href = (page: number): string => `${blueprintHref(blueprint)}${tableSearch(table, { page })}`;
  return html`<p class="pager">${table.page > 1 ? html`<a href="${href(table.page - 1)}">← Previous</a> · ` : ''}${first}–${last} of ${total}${last < total ? html` · <a href="${href(table.page + 1)}">Next ${PAGE_SIZE} →</a>` : ''}</p>`;
}
