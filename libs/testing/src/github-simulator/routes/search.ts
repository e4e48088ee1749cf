import { canSeeOrg, errorResult, RouteContext, RouteDefinition, RouteResult, validationFailed } from '../context';
import { linkHeader, pageOf } from '../pagination';
import { RepoRecord, SimulatorState } from '../state';

/** GitHub's search answers the first 1,000 results of a query, whatever its `total_count`. */
export const SEARCH_RESULT_CAP = 1_000;
/** Search requests a minute per token on GitHub.com (authenticated). */
export const SEARCH_REQUESTS_PER_MINUTE = 30;

type Test = (repo: RepoRecord) => boolean;

interface ParsedQuery {
  tests: Test[];
  words: string[];
  /** `in:` — where free words are looked for (name, description, topics when absent). */
  within: Set<string>;
  forks: 'exclude' | 'include' | 'only';
}

function tokens(q: string): string[] {
  return [...q.matchAll(/-?[\w.-]+:"[^"]*"|"[^"]*"|\S+/g)].map((match) => match[0].replace(/"/g, ''));
}

function yes(value: string): boolean {
  return value.toLowerCase() === 'true';
}

/** The qualifiers the simulator knows (the ones the peer's documentation uses); others are refused, so a test notices. */
function parse(q: string): ParsedQuery | string {
  const parsed: ParsedQuery = { tests: [], words: [], within: new Set(), forks: 'exclude' };
  for (const token of tokens(q)) {
    const match = /^(-?)([a-z-]+):(.+)$/i.exec(token);
    if (!match) {
      parsed.words.push(token.toLowerCase());
      continue;
    }
    const [, negated, key, raw] = match;
    const value = raw.toLowerCase();
    let test: Test | undefined;
    switch (key.toLowerCase()) {
      case 'org':
      case 'user':
        test = (repo) => repo.ownerLogin.toLowerCase() === value;
        break;
      case 'repo':
        test = (repo) => repo.fullName.toLowerCase() === value;
        break;
      case 'topic':
        test = (repo) => repo.topics.some((topic) => topic.toLowerCase() === value);
        break;
      case 'language':
        test = (repo) => (repo.language ?? '').toLowerCase() === value;
        break;
      case 'archived':
        test = (repo) => repo.archived === yes(value);
        break;
      case 'is':
        if (value === 'public' || value === 'private' || value === 'internal') test = (repo) => repo.visibility === value || (value === 'private' && repo.visibility === 'internal');
        else if (value === 'archived') test = (repo) => repo.archived;
        else if (value === 'fork') test = (repo) => repo.fork;
        else return `is:${raw} is not a qualifier the simulator knows`;
        break;
      case 'fork':
        parsed.forks = value === 'only' ? 'only' : yes(value) ? 'include' : 'exclude';
        continue;
      case 'in':
        for (const place of value.split(',')) parsed.within.add(place);
        continue;
      default:
        return `${key}: is not a qualifier the simulator knows`;
    }
    const positive = test;
    parsed.tests.push(negated ? (repo) => !positive(repo) : positive);
  }
  return parsed;
}

function matches(query: ParsedQuery, repo: RepoRecord): boolean {
  if (query.forks === 'exclude' && repo.fork) return false;
  if (query.forks === 'only' && !repo.fork) return false;
  if (!query.tests.every((test) => test(repo))) return false;
  const within = query.within.size > 0 ? query.within : new Set(['name', 'description', 'topics']);
  const text = [
    within.has('name') ? repo.name : '',
    within.has('description') ? repo.description : '',
    within.has('topics') ? repo.topics.join(' ') : '',
  ]
    .join(' ')
    .toLowerCase();
  return query.words.every((word) => text.includes(word));
}

/** Each token's search requests in the last minute, per simulator. */
const searchesByState = new WeakMap<SimulatorState, Map<string, number[]>>();

/** GitHub.com's search limit (`limits: 'github.com'`): 30 a minute per token, with the search resource's headers. */
function searchLimit(ctx: RouteContext): { refused?: RouteResult; headers: Record<string, string> } {
  if (!ctx.options.limits.secondary) return { headers: {} };
  const who = ctx.principal.kind === 'pat' ? `pat ${ctx.principal.user.login}` : ctx.principal.kind === 'installation' ? `installation ${ctx.principal.installationId}` : 'app';
  const perToken = searchesByState.get(ctx.state) ?? new Map<string, number[]>();
  searchesByState.set(ctx.state, perToken);
  const now = ctx.clock.now();
  const recent = (perToken.get(who) ?? []).filter((at) => at > now - 60_000);
  perToken.set(who, recent);
  const reset = Math.ceil(((recent[0] ?? now) + 60_000) / 1000);
  const headers = (used: number): Record<string, string> => ({
    'x-ratelimit-limit': String(SEARCH_REQUESTS_PER_MINUTE),
    'x-ratelimit-remaining': String(Math.max(0, SEARCH_REQUESTS_PER_MINUTE - used)),
    'x-ratelimit-used': String(used),
    'x-ratelimit-reset': String(reset),
    'x-ratelimit-resource': 'search',
  });
  if (recent.length >= SEARCH_REQUESTS_PER_MINUTE) {
    return { refused: { ...errorResult(403, 'API rate limit exceeded for search.'), headers: headers(recent.length) }, headers: {} };
  }
  recent.push(now);
  return { headers: headers(recent.length) };
}

export const searchRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/search/repositories',
    auth: 'token',
    handler: (ctx) => {
      const q = ctx.query.get('q');
      if (!q || !q.trim()) return validationFailed('Validation Failed: q is missing');
      const query = parse(q);
      if (typeof query === 'string') return validationFailed(`Validation Failed: ${query}`);
      const limit = searchLimit(ctx);
      if (limit.refused) return limit.refused;
      const found = ctx.state.organizations
        .filter((org) => canSeeOrg(ctx.principal, org.login))
        .flatMap((org) => org.repos)
        .filter((repo) => matches(query, repo));
      const order = ctx.query.get('order') === 'asc' ? 1 : -1;
      if (ctx.query.get('sort') === 'updated') found.sort((a, b) => order * (Date.parse(a.updatedAt) - Date.parse(b.updatedAt)));
      else if (ctx.query.get('sort') === 'stars') found.sort((a, b) => order * (a.stars - b.stars));
      const page = pageOf(found.slice(0, SEARCH_RESULT_CAP), ctx.query);
      if ((page.page - 1) * page.perPage >= SEARCH_RESULT_CAP && found.length > 0) return { ...validationFailed('Only the first 1000 search results are available'), headers: limit.headers };
      const link = linkHeader(ctx.requestUrl, page);
      return {
        status: 200,
        body: { total_count: found.length, incomplete_results: false, items: page.items.map((repo) => ({ ...ctx.render.repo(repo), score: 1 })) },
        headers: { ...limit.headers, ...(link ? { link } : {}) },
      };
    },
  },
];
