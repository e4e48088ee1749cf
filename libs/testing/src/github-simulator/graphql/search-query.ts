/** A date qualifier (`updated:>=2024-05-01T10:00:00Z`, `created:2024-05-01..2024-05-31`) as an instant range. */
export interface DateRange {
  /** Inclusive lower bound, epoch ms. */
  fromMs?: number;
  /** Exclusive upper bound, epoch ms. */
  untilMs?: number;
}

export interface SearchQuery {
  orgs: string[];
  /** `owner/name`, lower case. */
  repos: string[];
  /** From `is:pr`/`type:pr` and `is:issue`/`type:issue`; absent when neither is given. */
  kind?: 'pr' | 'issue';
  /** `is:open`, `is:closed`, `is:merged` (also `state:`), `is:unmerged`. */
  state?: 'open' | 'closed' | 'merged' | 'unmerged';
  /** `is:public`, `is:private`, `is:internal`. */
  visibility?: 'public' | 'private' | 'internal';
  archived?: boolean;
  /** Repository search leaves forks out unless `fork:true` (`'include'`) or `fork:only`. */
  fork?: 'include' | 'only';
  draft?: boolean;
  author?: string;
  labels: string[];
  created?: DateRange;
  updated?: DateRange;
  closed?: DateRange;
  merged?: DateRange;
  pushed?: DateRange;
  sort?: { field: 'created' | 'updated' | 'comments'; direction: 'asc' | 'desc' };
  /** Free text, matched case-insensitively in titles and bodies (issues) or names and descriptions (repositories). */
  terms: string[];
}

export class SearchQueryError extends Error {}

const DAY_MS = 86_400_000;
const DATE_QUALIFIERS = ['created', 'updated', 'closed', 'merged', 'pushed'] as const;
type DateQualifier = (typeof DATE_QUALIFIERS)[number];

/** Splits on spaces outside double quotes; quotes are removed. */
function tokens(query: string): string[] {
  const found: string[] = [];
  const pattern = /(?:[^\s"]+|"[^"]*")+/g;
  for (const match of query.matchAll(pattern)) found.push(match[0].replace(/"/g, ''));
  return found;
}

/** One end of a date qualifier: a day (`2024-05-01`) spans the whole UTC day, a time (`…T10:00:00Z`) is an instant. */
function parseInstant(text: string, qualifier: string): { startMs: number; endMs: number } {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dayOnly ? `${text}T00:00:00Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) {
    throw new SearchQueryError(`Invalid date "${text}" in the ${qualifier}: qualifier: use YYYY-MM-DD or an ISO 8601 time such as 2024-05-01T10:00:00Z`);
  }
  return { startMs: ms, endMs: dayOnly ? ms + DAY_MS : ms + 1 };
}

export function parseDateRange(value: string, qualifier: string): DateRange {
  const range = /^(.+)\.\.(.+)$/.exec(value);
  if (range) {
    const from = range[1] === '*' ? undefined : parseInstant(range[1], qualifier).startMs;
    const until = range[2] === '*' ? undefined : parseInstant(range[2], qualifier).endMs;
    return { fromMs: from, untilMs: until };
  }
  const comparison = /^(>=|<=|>|<)?(.+)$/.exec(value);
  const operator = comparison?.[1];
  const instant = parseInstant(comparison?.[2] ?? value, qualifier);
  switch (operator) {
    case '>=':
      return { fromMs: instant.startMs };
    case '>':
      return { fromMs: instant.endMs };
    case '<=':
      return { untilMs: instant.endMs };
    case '<':
      return { untilMs: instant.startMs };
    default:
      return { fromMs: instant.startMs, untilMs: instant.endMs };
  }
}

export function inRange(iso: string | null, range: DateRange | undefined): boolean {
  if (!range) return true;
  if (iso === null) return false;
  const ms = Date.parse(iso);
  return (range.fromMs === undefined || ms >= range.fromMs) && (range.untilMs === undefined || ms < range.untilMs);
}

function booleanOf(value: string, qualifier: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  throw new SearchQueryError(`Invalid value "${value}" for the ${qualifier}: qualifier: use true or false`);
}

/** Parses the search syntax GitHub's `search(query:)` takes, for the qualifiers the simulator filters by. */
export function parseSearchQuery(query: string): SearchQuery {
  const parsed: SearchQuery = { orgs: [], repos: [], labels: [], terms: [] };
  for (const token of tokens(query)) {
    const separator = token.indexOf(':');
    const qualifier = separator > 0 ? token.slice(0, separator).toLowerCase() : '';
    const value = separator > 0 ? token.slice(separator + 1) : token;
    if ((DATE_QUALIFIERS as readonly string[]).includes(qualifier)) {
      parsed[qualifier as DateQualifier] = parseDateRange(value, qualifier);
      continue;
    }
    switch (qualifier) {
      case 'org':
      case 'user':
        parsed.orgs.push(value.toLowerCase());
        break;
      case 'repo':
        if (!/^[^/]+\/[^/]+$/.test(value)) throw new SearchQueryError(`Invalid repo: qualifier "${value}": use repo:OWNER/NAME`);
        parsed.repos.push(value.toLowerCase());
        break;
      case 'is':
      case 'type':
      case 'state':
        applyIs(parsed, value.toLowerCase(), qualifier);
        break;
      case 'archived':
        parsed.archived = booleanOf(value, qualifier);
        break;
      case 'fork':
        parsed.fork = value === 'only' ? 'only' : booleanOf(value, qualifier) ? 'include' : undefined;
        break;
      case 'draft':
        parsed.draft = booleanOf(value, qualifier);
        break;
      case 'author':
        parsed.author = value.toLowerCase();
        break;
      case 'label':
        parsed.labels.push(value.toLowerCase());
        break;
      case 'sort':
        parsed.sort = parseSort(value);
        break;
      default:
        parsed.terms.push(token.toLowerCase());
    }
  }
  return parsed;
}

function applyIs(parsed: SearchQuery, value: string, qualifier: string): void {
  switch (value) {
    case 'pr':
    case 'issue':
      parsed.kind = value;
      return;
    case 'open':
    case 'closed':
      parsed.state = value;
      return;
    case 'merged':
    case 'unmerged':
      parsed.state = value;
      parsed.kind = 'pr';
      return;
    case 'public':
    case 'private':
    case 'internal':
      parsed.visibility = value;
      return;
    case 'archived':
      parsed.archived = true;
      return;
    case 'draft':
      parsed.draft = true;
      return;
    default:
      throw new SearchQueryError(`Unsupported ${qualifier}:${value}: the simulator knows is:pr, is:issue, is:open, is:closed, is:merged, is:unmerged, is:public, is:private, is:internal, is:archived, is:draft`);
  }
}

function parseSort(value: string): SearchQuery['sort'] {
  const match = /^(created|updated|comments)(?:-(asc|desc))?$/.exec(value.toLowerCase());
  if (!match) throw new SearchQueryError(`Unsupported sort:${value}: use created, updated or comments, with -asc or -desc`);
  return { field: match[1] as 'created' | 'updated' | 'comments', direction: (match[2] as 'asc' | 'desc' | undefined) ?? 'desc' };
}
