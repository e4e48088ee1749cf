import { escapeHtml, html, SafeHtml } from './html';

/**
 * A small, safe Markdown subset for markdown properties: headings, paragraphs, emphasis (`**strong**`, `*em*`,
 * `_em_`, `~~deleted~~`), inline code and fenced code blocks, bullet and numbered lists, and links to http(s) URLs.
 * Everything is escaped first and only these fixed tags are added, so no HTML in the source ever reaches the page,
 * and a link with any other scheme (`javascript:`, `data:`) stays plain text.
 */
export function renderMarkdown(source: string, limit = MAX_SOURCE): SafeHtml {
  const blocks: string[] = [];
  const shown = source.length > limit ? source.slice(0, limit) : source;
  const lines = shown.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  const flush = (): void => {
    if (paragraph.length > 0) blocks.push(`<p>${paragraph.map(inline).join('<br>')}</p>`);
    paragraph = [];
    if (list) blocks.push(`<${list.ordered ? 'ol' : 'ul'}>${list.items.map((item) => `<li>${inline(item)}</li>`).join('')}</${list.ordered ? 'ol' : 'ul'}>`);
    list = undefined;
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    if (/^\s*```/.test(line)) {
      flush();
      const code: string[] = [];
      for (index += 1; index < lines.length && !/^\s*```/.test(lines[index]); index += 1) code.push(lines[index]);
      blocks.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d{1,9}[.)]\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      // Level 1 becomes <h3>: the page has its own h1 and h2.
      const level = Math.min(heading[1].length + 2, 6);
      blocks.push(`<h${level}>${inline(withoutClosingHashes(heading[2]))}</h${level}>`);
    } else if (bullet || numbered) {
      const ordered = !bullet;
      if (paragraph.length > 0 || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push((bullet ?? numbered)?.[1] ?? '');
    } else if (line.trim() === '') {
      flush();
    } else {
      if (list) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  if (shown !== source) blocks.push(`<p class="muted">… ${source.length - limit} more characters not shown</p>`);
  return new SafeHtml(`<div class="markdown">${blocks.join('')}</div>`);
}

/** What is rendered of a long value: enough for any README, few enough to render at once. */
const MAX_SOURCE = 100_000;

/** `## Title ##` → `Title` (closing hashes count after a space), without a pattern that backtracks over spaces. */
function withoutClosingHashes(text: string): string {
  const trimmed = text.trimEnd();
  let end = trimmed.length;
  while (end > 0 && trimmed[end - 1] === '#') end -= 1;
  if (end === 0) return '';
  return end < trimmed.length && /\s/.test(trimmed[end - 1]) ? trimmed.slice(0, end).trimEnd() : trimmed;
}

const CODE_SPAN = /`([^`\n]{1,1000})`/g;
const LINK = /\[([^\]\n]{1,500})\]\(((?:[^()\s]|\([^()\s]{0,200}\)){1,2000})\)/g;

/** One line's inline markup: code spans first (nothing inside them is markup), then links, then emphasis. */
function inline(text: string): string {
  return splitBy(text, CODE_SPAN, (match) => `<code>${escapeHtml(match[1])}</code>`, (rest) => splitBy(rest, LINK, link, (plain) => emphasis(escapeHtml(plain))));
}

function link(match: RegExpMatchArray): string {
  const label = emphasis(escapeHtml(match[1]));
  const url = URL.canParse(match[2]) ? new URL(match[2]) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return `${label} (${escapeHtml(match[2])})`;
  return html`<a href="${url.href}" rel="noopener noreferrer nofollow">${new SafeHtml(label)}</a>`.value;
}

/** Emphasis over text that is already escaped (so it holds no markup to break). */
function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)([^*]{1,500}?)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([^_]{1,500}?)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/\*(?=\S)([^*]{1,500}?)\*/g, '<em>$1</em>')
    .replace(/(^|[^\w])_(?=\S)([^_]{1,500}?)_(?!\w)/g, '$1<em>$2</em>')
    .replace(/~~(?=\S)([^~]{1,500}?)~~/g, '<del>$1</del>');
}

function splitBy(text: string, pattern: RegExp, matched: (match: RegExpMatchArray) => string, between: (text: string) => string): string {
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.push(between(text.slice(last, match.index)), matched(match));
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(between(text.slice(last)));
  return parts.join('');
}
