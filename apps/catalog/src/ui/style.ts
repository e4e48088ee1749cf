/** The UI's one stylesheet, inline in every page (no request for it, and nothing from elsewhere). */
export const STYLE = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
header { background: #24292f; color: #fff; padding: 12px 24px; display: flex; gap: 24px; align-items: baseline; }
header a { color: #fff; text-decoration: none; }
header .brand { font-weight: 600; font-size: 16px; }
#live-indicator { margin-left: auto; font-size: 12px; color: #8c959f; }
#live-indicator::before { content: "● "; }
body[data-live-state="open"] #live-indicator { color: #4ac26b; }
body[data-live-state="reconnecting"] #live-indicator { color: #d4a72c; }
main { padding: 16px 24px 48px; max-width: 1400px; }
h1 { font-size: 22px; margin: 8px 0 16px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--bg); font-weight: 600; white-space: nowrap; }
th a { color: inherit; text-decoration: none; }
th[aria-sort] a { color: var(--accent); }
td.num, span.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; max-height: 240px; overflow: auto; }
time { border-bottom: 1px dotted var(--muted); cursor: help; white-space: nowrap; }
ul.values { margin: 0; padding-left: 16px; }
dl.kv { margin: 0; display: grid; grid-template-columns: max-content auto; column-gap: 8px; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; }
.clip { max-height: 6em; overflow: hidden; max-width: 360px; }
.markdown h3, .markdown h4, .markdown h5, .markdown h6 { margin: 4px 0; font-size: 14px; }
.markdown p { margin: 0 0 6px; }
.markdown ul, .markdown ol { margin: 0 0 6px; padding-left: 20px; }
.markdown code { background: var(--bg); padding: 0 3px; border-radius: 4px; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: #6e7781; }
.badge.IN_PROGRESS, .badge.running { background: #9a6700; }
.badge.SUCCESS, .badge.completed { background: #1a7f37; }
.badge.FAILURE, .badge.failed { background: #cf222e; }
.badge.enum-none { background: #eaeef2; color: var(--fg); }
.enum-blue { background: #0969da; } .enum-turquoise { background: #1b7c83; } .enum-orange { background: #bc4c00; }
.enum-purple { background: #8250df; } .enum-lightGray { background: #d0d7de; color: var(--fg); } .enum-pink { background: #bf3989; }
.enum-yellow { background: #d4a72c; color: var(--fg); } .enum-green { background: #1a7f37; } .enum-red { background: #cf222e; }
.enum-darkGray { background: #57606a; } .enum-bronze { background: #a0522d; } .enum-gold { background: #c9a227; color: var(--fg); }
.enum-silver { background: #afb8c1; color: var(--fg); } .enum-paleBlue { background: #b6e3ff; color: var(--fg); } .enum-lime { background: #9be9a8; color: var(--fg); }
.enum-olive { background: #6b7d2a; } .enum-brown { background: #7a4e2d; }
.notice { padding: 8px 12px; border: 1px solid #d4a72c; background: #fff8c5; border-radius: 6px; }
form.filters { display: flex; gap: 8px; flex-wrap: wrap; margin-bottom: 12px; }
form.filters input, form.filters select { padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
form.filters button { padding: 4px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); font: inherit; cursor: pointer; }
.filter-counts { display: flex; flex-wrap: wrap; gap: 4px 24px; margin-bottom: 12px; font-size: 13px; }
.filter-counts a { text-decoration: none; color: inherit; margin-right: 6px; }
.filter-counts a[aria-current] { outline: 2px solid var(--accent); border-radius: 10px; }
.filter-counts .count { color: var(--muted); font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); padding: 12px 0; }
`;
