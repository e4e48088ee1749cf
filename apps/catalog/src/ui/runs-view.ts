import type { RunStore } from '../runs/run-store';
import { html, SafeHtml } from './html';
import { timeElement } from './humane-time';
import { runHref, statusBadge } from './layout';

export function runsTable(runs: Awaited<ReturnType<RunStore['list']>>, now: Date): SafeHtml {
  if (runs.length === 0) return html`<p class="empty">No action runs yet.</p>`;
  return html`<table id="runs"><thead><tr><th>Run</th><th>Action</th><th>Status</th><th>Label</th><th>Entity</th><th>Started</th></tr></thead><tbody>${runs.map(
    (run) => html`<tr><td><a href="${runHref(run.id)}"><code>${run.id}</code></a></td><td>${run.action.identifier}</td><td>${statusBadge(run.status)}</td><td>${run.statusLabel ?? ''}</td><td>${run.entity?.identifier ?? ''}</td><td class="muted">${timeElement(run.createdAt, now)}</td></tr>`,
  )}</tbody></table>`;
}
