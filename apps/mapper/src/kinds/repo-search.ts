import { FetchContext, RepoSearch } from '@glint/github';
import type { Selector } from './kind-module';

/** The selector's `repoSearch`, when it has one with a query. */
export function repoSearchOf(selector: Selector): RepoSearch | undefined {
  const search = selector['repoSearch'];
  if (typeof search !== 'object' || search === null) return undefined;
  const query = (search as Record<string, unknown>)['query'];
  return typeof query === 'string' ? { query } : undefined;
}

interface RepositoryNamed {
  id?: number;
  name: string;
}

interface Entry {
  found: Promise<boolean>;
  expiresAtMs: number;
}

/**
 * Whether a resource's `repoSearch` finds a live event's repository, as its resync listing would: GitHub's search for
 * `org:{org} {query} {name} in:name`, the repository among the results. Answers are kept `ttlMs`, since GitHub allows
 * 30 searches a minute; a `repository` event (a topic, visibility or archive change) asks again.
 */
export class RepoSearchMatches {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly capacity = 5_000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  finds(context: FetchContext, repository: RepositoryNamed, search: RepoSearch, fresh = false): Promise<boolean> {
    const key = `${context.organization}/${repository.name} ${search.query}`.toLowerCase();
    const cached = this.entries.get(key);
    if (!fresh && cached && cached.expiresAtMs > this.nowMs()) return cached.found;
    const found = searchFor(context, repository, search);
    this.entries.delete(key);
    this.entries.set(key, { found, expiresAtMs: this.nowMs() + this.ttlMs });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    // A failed search is not kept: the next event asks again.
    found.catch(() => this.entries.delete(key));
    return found;
  }
}

async function searchFor(context: FetchContext, repository: RepositoryNamed, search: RepoSearch): Promise<boolean> {
  const q = `org:${context.organization} ${search.query.trim()} ${repository.name} in:name`;
  const answer = await context.client.request<{ items: Array<{ id: number; name: string }> }>('GET /search/repositories', { q, per_page: 100 });
  return answer.items.some((item) => (repository.id !== undefined ? item.id === repository.id : item.name.toLowerCase() === repository.name.toLowerCase()));
}
