import { html, SafeHtml } from './html';

const STYLE = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
header { background: #24292f; color: #fff; padding: 12px 24px; display: flex; gap: 24px; align-items: baseline; }
header a { color: #fff; text-decoration: none; }
header .brand { font-weight: 600; font-size: 16px; }
main { padding: 16px 24px 48px; max-width: 1200px; }
h1 { font-size: 22px; margin: 8px 0 16px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; max-height: 240px; overflow: auto; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
.badge.IN_PROGRESS { background: #9a6700; }
.badge.SUCCESS { background: #1a7f37; }
.badge.FAILURE { background: #cf222e; }
form.filters { display: flex; gap: 8px; flex-wrap: wrap; margin-bottom: 12px; }
form.filters input, form.filters select { padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
form.filters button { padding: 4px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); font: inherit; cursor: pointer; }
.empty { color: var(--muted); padding: 12px 0; }
`;

export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Glint catalog</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<header><a class="brand" href="/">Glint catalog</a><a href="/">Blueprints</a><a href="/runs">Action runs</a></header>
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
