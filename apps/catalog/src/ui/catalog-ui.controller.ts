import { Controller, Get, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { BlueprintStore } from '../blueprints/blueprint-store';
import type { StoredBlueprint } from '../blueprints/blueprint.types';
import { EntityStore } from '../entities/entity-store';
import type { EntityView } from '../entities/entity.types';
import { CatalogError } from '../http/catalog-error';
import { Query as QueryParams, stringParam } from '../http/query-params';
import { RunStore } from '../runs/run-store';
import { EntitySearch } from '../search/entity-search';
import { externalLink, html, SafeHtml } from './html';
import { blueprintHref, entityHref, page, runHref, statusBadge } from './layout';
import { UiAccessGuard } from './ui-access.guard';

const PAGE_SIZE = 50;
const TABLE_PROPERTIES = 4;

/** The browse UI: server-rendered HTML, no scripts, every value escaped. */
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
    const [blueprints, counts, runs] = await Promise.all([this.blueprints.list(), this.entities.countsByBlueprint(), this.runs.list({ limit: 10 })]);
    send(response, 200, page('Blueprints', html`
      <h1>Blueprints</h1>
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
      <h2>Recent action runs</h2>
      ${runsTable(runs)}
      <p><a href="/runs">All action runs</a></p>`));
  }

  @Get('blueprints/:blueprint')
  async blueprint(@Param('blueprint') identifier: string, @Query() query: QueryParams, @Res() response: Response): Promise<void> {
    const blueprint = await this.blueprints.find(identifier);
    if (!blueprint) return notFound(response, `There is no blueprint "${identifier}".`);
    const filters = {
      q: stringParam(query, 'q'),
      datasource: stringParam(query, 'datasource'),
      property: stringParam(query, 'property'),
      value: stringParam(query, 'value'),
    };
    let result: { entities: Array<Partial<EntityView>>; next?: string };
    let problem: string | undefined;
    try {
      result = await this.search.page(identifier, filterQuery(blueprint, filters), { limit: PAGE_SIZE, from: stringParam(query, 'from') });
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      result = { entities: [] };
      problem = error.message;
    }
    const shown = Object.keys(blueprint.schema.properties).slice(0, TABLE_PROPERTIES);
    const nextQuery = new URLSearchParams(Object.entries({ ...filters, from: result.next }).filter((entry): entry is [string, string] => entry[1] !== undefined));
    send(response, 200, page(blueprint.title, html`
      <h1>${blueprint.title} <span class="muted">(${identifier}) · ${await this.entities.count(identifier)} entities</span></h1>
      <form class="filters" method="get" action="${blueprintHref(identifier)}">
        <input type="search" name="q" placeholder="Identifier or title contains…" value="${filters.q ?? ''}">
        <select name="property"><option value="">Property…</option>${Object.keys(blueprint.schema.properties).map((name) => html`<option value="${name}"${name === filters.property ? new SafeHtml(' selected') : ''}>${name}</option>`)}</select>
        <input type="text" name="value" placeholder="equals…" value="${filters.value ?? ''}">
        <input type="text" name="datasource" placeholder="Datasource contains…" value="${filters.datasource ?? ''}">
        <button type="submit">Filter</button>
      </form>
      ${problem ? html`<p class="empty">${problem}</p>` : ''}
      <table id="entities">
        <thead><tr><th>Identifier</th><th>Title</th>${shown.map((name) => html`<th>${blueprint.schema.properties[name].title ?? name}</th>`)}<th>Updated</th></tr></thead>
        <tbody>${result.entities.map((entity) => html`<tr>
          <td><a href="${entityHref(identifier, entity.identifier ?? '')}">${entity.identifier}</a></td>
          <td>${entity.title ?? ''}</td>
          ${shown.map((name) => html`<td>${shortValue(entity.properties?.[name])}</td>`)}
          <td class="muted">${entity.updatedAt}</td>
        </tr>`)}</tbody>
      </table>
      ${result.entities.length === 0 && !problem ? html`<p class="empty">No entities match.</p>` : ''}
      ${result.next ? html`<p><a href="${blueprintHref(identifier)}?${nextQuery.toString()}">Next ${PAGE_SIZE} →</a></p>` : ''}`));
  }

  @Get('blueprints/:blueprint/entities/:identifier')
  async entity(@Param('blueprint') blueprintId: string, @Param('identifier') identifier: string, @Res() response: Response): Promise<void> {
    const [blueprint, record] = await Promise.all([this.blueprints.find(blueprintId), this.entities.get(blueprintId, identifier)]);
    if (!blueprint || !record) return notFound(response, `There is no entity "${identifier}" in blueprint "${blueprintId}".`);
    const referrers = await this.search.all(
      { combinator: 'and', rules: [{ operator: 'relatedTo', blueprint: blueprintId, value: identifier, direction: 'downstream' }] },
      { include: ['identifier', 'title', 'blueprint'] },
    );
    const relationLinks = (name: string, value: unknown): SafeHtml => {
      const target = blueprint.relations[name]?.target;
      const ids = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
      if (ids.length === 0) return html`<span class="muted">none</span>`;
      return html`${ids.map((id, index) => html`${index > 0 ? ', ' : ''}${target ? html`<a href="${entityHref(target, String(id))}">${String(id)}</a>` : String(id)}`)}`;
    };
    send(response, 200, page(record.title ?? identifier, html`
      <h1>${record.title ?? identifier} <span class="muted">· <a href="${blueprintHref(blueprintId)}">${blueprint.title}</a></span></h1>
      <table id="meta">
        <tr><th>Identifier</th><td><code>${identifier}</code></td></tr>
        <tr><th>Team</th><td>${(record.team ?? []).join(', ')}</td></tr>
        <tr><th>Datasource</th><td><code>${record.datasource ?? ''}</code></td></tr>
        <tr><th>Created</th><td>${record.createdAt.toISOString()} by ${record.createdBy}</td></tr>
        <tr><th>Updated</th><td>${record.updatedAt.toISOString()} by ${record.updatedBy}</td></tr>
      </table>
      <h2>Properties</h2>
      <table id="properties">${Object.entries(record.properties).map(([name, value]) => html`<tr><th>${blueprint.schema.properties[name]?.title ?? name}</th><td>${fullValue(value)}</td></tr>`)}</table>
      ${Object.keys(record.properties).length === 0 ? html`<p class="empty">No properties.</p>` : ''}
      <h2>Relations</h2>
      <table id="relations">${Object.keys(blueprint.relations).map((name) => html`<tr><th>${blueprint.relations[name].title ?? name}</th><td>${relationLinks(name, record.relations[name])}</td></tr>`)}</table>
      ${Object.keys(blueprint.relations).length === 0 ? html`<p class="empty">This blueprint has no relations.</p>` : ''}
      <h2>Related from</h2>
      ${referrers.entities.length === 0 ? html`<p class="empty">No entity points here.</p>` : html`<table id="referrers">${referrers.entities.map((entity) => html`<tr><td><a href="${entityHref(entity.blueprint ?? '', entity.identifier ?? '')}">${entity.title ?? entity.identifier}</a></td><td class="muted">${entity.blueprint}</td></tr>`)}</table>`}`));
  }

  @Get('runs')
  async runList(@Res() response: Response): Promise<void> {
    send(response, 200, page('Action runs', html`<h1>Action runs</h1>${runsTable(await this.runs.list({ limit: 100 }))}`));
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
    send(response, 200, page(`Run ${id}`, html`
      <h1>Run <code>${id}</code> ${statusBadge(run.status)}</h1>
      <table id="run">
        <tr><th>Action</th><td>${run.action.identifier}</td></tr>
        <tr><th>Entity</th><td>${run.entity ? (run.blueprint ? html`<a href="${entityHref(run.blueprint.identifier, run.entity.identifier)}">${run.entity.identifier}</a>` : run.entity.identifier) : ''}</td></tr>
        <tr><th>Status label</th><td>${run.statusLabel ?? ''}</td></tr>
        <tr><th>Summary</th><td>${run.summary ?? ''}</td></tr>
        <tr><th>Links</th><td>${(run.link ?? []).map((link) => html`<div>${externalLink(link)}</div>`)}</td></tr>
        <tr><th>External run id</th><td><code>${run.externalRunId ?? ''}</code></td></tr>
        <tr><th>Started</th><td>${run.createdAt}</td></tr>
        <tr><th>Ended</th><td>${run.endedAt ?? ''}</td></tr>
        <tr><th>Inputs</th><td><pre>${JSON.stringify(run.properties, null, 2)}</pre></td></tr>
      </table>
      <h2>Logs</h2>
      ${logs.length === 0 ? html`<p class="empty">No logs yet.</p>` : html`<table id="logs"><thead><tr><th>Time</th><th>Message</th><th>Status</th></tr></thead><tbody>${logs.map((log) => html`<tr><td class="muted">${log.createdAt}</td><td><pre>${log.message}</pre></td><td>${log.terminationStatus ? statusBadge(log.terminationStatus) : ''} ${log.statusLabel ?? ''}</td></tr>`)}</tbody></table>`}`));
  }
}

interface Filters {
  q?: string;
  datasource?: string;
  property?: string;
  value?: string;
}

/** The UI's filter form as a Port search query, so the table uses the same search as the API. */
export function filterQuery(blueprint: StoredBlueprint, filters: Filters): unknown {
  const rules: unknown[] = [];
  if (filters.q) rules.push({ combinator: 'or', rules: [{ property: '$identifier', operator: 'contains', value: filters.q }, { property: '$title', operator: 'contains', value: filters.q }] });
  if (filters.datasource) rules.push({ property: '$datasource', operator: 'contains', value: filters.datasource });
  if (filters.property && filters.value !== undefined) {
    const type = blueprint.schema.properties[filters.property]?.type;
    const value = type === 'number' && Number.isFinite(Number(filters.value)) ? Number(filters.value) : type === 'boolean' ? filters.value === 'true' : filters.value;
    rules.push({ property: filters.property, operator: '=', value });
  }
  return rules.length === 0 ? undefined : { combinator: 'and', rules };
}

function runsTable(runs: Awaited<ReturnType<RunStore['list']>>): SafeHtml {
  if (runs.length === 0) return html`<p class="empty">No action runs yet.</p>`;
  return html`<table id="runs"><thead><tr><th>Run</th><th>Action</th><th>Status</th><th>Label</th><th>Entity</th><th>Started</th></tr></thead><tbody>${runs.map(
    (run) => html`<tr><td><a href="${runHref(run.id)}"><code>${run.id}</code></a></td><td>${run.action.identifier}</td><td>${statusBadge(run.status)}</td><td>${run.statusLabel ?? ''}</td><td>${run.entity?.identifier ?? ''}</td><td class="muted">${run.createdAt}</td></tr>`,
  )}</tbody></table>`;
}

function shortValue(value: unknown): SafeHtml {
  if (value === undefined || value === null) return html``;
  if (typeof value === 'string') return value.length > 80 ? html`${value.slice(0, 80)}…` : externalLink(value);
  const text = JSON.stringify(value);
  return html`${text.length > 80 ? `${text.slice(0, 80)}…` : text}`;
}

function fullValue(value: unknown): SafeHtml {
  if (value === null || value === undefined) return html`<span class="muted">empty</span>`;
  if (typeof value === 'string') return value.includes('\n') ? html`<pre>${value}</pre>` : externalLink(value);
  if (typeof value === 'object') return html`<pre>${JSON.stringify(value, null, 2)}</pre>`;
  return html`${String(value)}`;
}

/** Scripts are off entirely: the pages need none, and a stored value can then never run as one. */
const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

function send(response: Response, status: number, body: string): void {
  response.status(status).set(SECURITY_HEADERS).send(body);
}

function notFound(response: Response, message: string): void {
  send(response, 404, page('Not found', html`<h1>Not found</h1><p>${message}</p><p><a href="/">Back to the blueprints</a></p>`));
}
