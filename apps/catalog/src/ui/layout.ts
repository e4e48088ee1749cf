import { html, SafeHtml } from './html';
import { LIVE_SCRIPT_PATH } from './live-script';
import { STYLE } from './style';

/**
 * What keeps a page current: `topics` it refreshes on when the catalog changes (`*` for any change, `blueprint:<id>`
 * for one blueprint's entities), or a poll interval for state the catalog is not told about (the bridge page).
 * Only the elements marked `data-live-region` are replaced, so a half-typed filter stays as it is.
 */
export interface LiveOptions {
  topics?: string[];
  pollSeconds?: number;
}

export function page(title: string, body: SafeHtml, live: LiveOptions = {}): string {
  const topics = live.topics ?? [];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Glint catalog</title>
<style>${new SafeHtml(STYLE)}</style>
<script src="${LIVE_SCRIPT_PATH}" defer></script>
</head>
<body data-live="${topics.join(' ')}" data-live-poll="${live.pollSeconds ?? 0}">
<header><a class="brand" href="/">Glint catalog</a><a href="/">Blueprints</a><a href="/runs">Action runs</a><a href="/bridge">Bridge</a>${topics.length > 0 ? html`<span id="live-indicator" title="This page updates itself when the catalog changes">live</span>` : ''}</header>
<main>
${body}
</main>
</body>
</html>`.value;
}

export function statusBadge(status: string): SafeHtml {
  return html`<span class="badge ${status}">${status}</span>`;
}

export function entityHref(blueprint: string, identifier: string): string {
  return `/blueprints/${encodeURIComponent(blueprint)}/entities/${encodeURIComponent(identifier)}`;
}

export function blueprintHref(blueprint: string): string {
  return `/blueprints/${encodeURIComponent(blueprint)}`;
}

export function runHref(id: string): string {
  return `/runs/${encodeURIComponent(id)}`;
}
