import type { BridgeRead } from '../bridge/bridge-client';
import type { BridgeState, BudgetView, DeadLetterView, KindView, ResyncView } from '../bridge/bridge-state';
import { html, SafeHtml } from './html';
import { timeElement } from './humane-time';

/** The bridge page's body: per installation the resync, its progress by kind and its budgets; events; dead letters. */
export function bridgeBody(read: BridgeRead, statusUrl: string, now: Date): SafeHtml {
  if (!read.ok) {
    return html`<h1>Bridge</h1><div id="bridge" data-live-region><p class="notice" id="bridge-problem">Bridge not reachable at <code>${statusUrl}</code> (MAPPER_STATUS_URL): ${read.problem}. This page tries again every few seconds.</p></div>`;
  }
  const { state } = read;
  return html`<h1>Bridge <span class="muted">· read from <code>${statusUrl}</code></span></h1>
    <div id="bridge" data-live-region>
      ${overview(state)}
      <h2>Installations</h2>
      ${state.resyncs.length === 0 ? html`<p class="empty">No resync yet: a mapper resyncs every installation when it starts.</p>` : state.resyncs.map((resync) => installation(resync, now))}
      ${deadLetters(state, now)}
    </div>`;
}

function overview(state: BridgeState): SafeHtml {
  const series = state.eventsPerMinute;
  return html`<table id="bridge-overview">
    <tr><th>Events per minute</th><td>${series ? html`<span id="events-per-minute">${series[1] ?? 0}</span> in the last full minute, ${series[0] ?? 0} so far this one ${sparkline(series)}` : html`<span class="muted">not reported by this mapper</span>`}</td></tr>
    <tr><th>Event backlog</th><td>${state.queuedEvents} queued, lag ${seconds(state.lagSeconds)}</td></tr>
    <tr><th>Publish backlog</th><td>${state.publishDepth} queued; catalog ${state.catalogState}</td></tr>
    <tr><th>Failed jobs</th><td>${state.failedJobs}${state.failedJobs > 0 ? ' not yet moved to a dead-letter queue' : ''}</td></tr>
  </table>`;
}

/** The last 15 minutes, oldest on the left, as bars (inline SVG: no script, no request). */
function sparkline(series: number[]): SafeHtml {
  const minutes = [...series].reverse();
  const highest = Math.max(1, ...minutes);
  const bars = minutes.map((count, index) => {
    const height = Math.round((count / highest) * 20);
    return `<rect x="${index * 6}" y="${20 - height}" width="4" height="${height}"><title>${count}</title></rect>`;
  });
  return new SafeHtml(`<svg class="spark" width="${minutes.length * 6}" height="20" role="img" aria-label="events per minute over the last ${minutes.length} minutes" fill="#0969da">${bars.join('')}</svg>`);
}

function installation(resync: ResyncView, now: Date): SafeHtml {
  const running = resync.state === 'running';
  const spent = resync.units ?? resync.kinds.reduce((sum, kind) => sum + (kind.units ?? 0), 0);
  return html`<section class="installation" data-installation="${resync.installationId}">
    <h3>${resync.organization} <span class="muted">(installation ${resync.installationId})</span></h3>
    <p>${running ? 'Current' : 'Last'} resync: <span class="badge ${resync.state}">${resync.state}</span> ${resync.mode ?? ''} ${resync.reason ? html`<span class="muted">(${resync.reason})</span>` : ''},
      started ${timeElement(resync.startedAt, now)}${resync.finishedAt ? html`, finished ${timeElement(resync.finishedAt, now)}` : ''}${resync.watermark && running ? html`; the last complete resync listed changes up to ${timeElement(resync.watermark, now)}` : ''}${!running && resync.watermark ? html`; the next incremental resync lists changes from ${timeElement(resync.watermark, now)}` : ''}.</p>
    ${running && resync.outlook ? html`<p>Rate-limit units: <progress value="${spent}" max="${spent + resync.outlook.unitsStillNeeded}"></progress> ${spent} spent, about ${resync.outlook.unitsStillNeeded} still needed${resync.outlook.message ? html` — ${resync.outlook.message}` : ''}</p>` : ''}
    ${budgets(resync.budgets, now)}
    ${resync.kinds.length === 0 ? html`<p class="empty">No kind listed yet.</p>` : kindsTable(resync.kinds, running)}
    ${resync.errors.map((error) => html`<p class="notice">${error}</p>`)}
    ${resync.previous ? previousResync(resync.previous, now) : ''}
  </section>`;
}

/** The finished resync before the current or last one, folded away. */
function previousResync(previous: ResyncView, now: Date): SafeHtml {
  return html`<details class="previous-resync"><summary>Previous resync: <span class="badge ${previous.state}">${previous.state}</span> ${previous.mode ?? ''}, started ${timeElement(previous.startedAt, now)}${previous.finishedAt ? html`, finished ${timeElement(previous.finishedAt, now)}` : ''}${previous.units !== undefined ? `, ${previous.units} units` : ''}</summary>
    ${previous.kinds.length === 0 ? '' : kindsTable(previous.kinds, false)}
    ${previous.errors.map((error) => html`<p class="notice">${error}</p>`)}
  </details>`;
}

function budgets(views: ResyncView['budgets'], now: Date): SafeHtml {
  const rows = (['core', 'graphql'] as const).flatMap((name) => {
    const budget: BudgetView | undefined = views[name];
    return budget ? [html`<tr><th>${name === 'core' ? 'REST' : 'GraphQL'}</th><td><meter min="0" max="${budget.limit}" low="${budget.limit * 0.2}" optimum="${budget.limit}" value="${budget.remaining}"></meter> ${budget.remaining} of ${budget.limit} left, resets ${timeElement(budget.resetAt, now)}</td></tr>`] : [];
  });
  return rows.length === 0 ? html`<p class="muted">Rate-limit budget not known yet.</p>` : html`<table class="budgets"><thead><tr><th>Rate-limit budget</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

function kindsTable(kinds: KindView[], running: boolean): SafeHtml {
  const state = (kind: KindView): string => (kind.error ? 'failed' : kind.done === false && running ? 'listing…' : 'done');
  return html`<table class="kinds"><thead><tr><th>Kind</th><th>State</th><th class="num">Pages</th><th class="num">Objects</th><th class="num">Entities</th><th class="num">Filtered</th><th class="num">Skipped</th><th class="num">Mapping issues</th><th class="num">Failed repositories</th><th class="num">Units</th></tr></thead><tbody>${kinds.map(
    (kind) => html`<tr data-kind="${kind.kind}"><td>${kind.kind}${kind.repository ? html` <span class="muted">(${kind.repository}'s mapping)</span>` : ''}</td><td>${state(kind)}${kind.error ? html`: ${kind.error}` : ''}</td><td class="num">${kind.pages}</td><td class="num">${kind.objects}</td><td class="num">${kind.entities}</td><td class="num">${kind.filtered}</td><td class="num">${kind.skipped}</td><td class="num">${kind.mappingIssues}</td><td class="num">${kind.repositoriesFailed}</td><td class="num">${kind.units ?? ''}</td></tr>`,
  )}</tbody></table>`;
}

function deadLetters(state: BridgeState, now: Date): SafeHtml {
  const { events, publish, jobs } = state.deadLetterCounts;
  const letters: DeadLetterView[] = state.deadLetters ?? [];
  return html`<h2>Dead letters</h2>
    <p id="dead-letter-counts">events ${events}, publish ${publish}, jobs ${jobs}${events + publish + jobs > 0 ? html` <span class="muted">(<code>glint dlq list</code>, <code>replay</code> and <code>drop</code> act on them)</span>` : ''}</p>
    ${letters.length === 0 ? '' : html`<table id="dead-letters"><thead><tr><th>Queue</th><th>What failed</th><th>Reason</th><th>When</th></tr></thead><tbody>${letters.map(
      (letter) => html`<tr><td>${letter.source}</td><td>${letter.subject} <span class="muted">${letter.id}</span></td><td><pre>${letter.error}</pre></td><td>${timeElement(letter.failedAt, now)}</td></tr>`,
    )}</tbody></table>`}`;
}

function seconds(value: number): string {
  const rounded = Math.max(0, Math.round(value));
  return rounded < 120 ? `${rounded} s` : rounded < 7200 ? `${Math.round(rounded / 60)} min` : `${Math.round(rounded / 3600)} h`;
}
