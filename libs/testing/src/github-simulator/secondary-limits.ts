import { SimulatedClock } from './clock';

/** GitHub.com's secondary limits for REST (docs.github.com, "About secondary rate limits"). */
export const GITHUB_COM_SECONDARY_LIMITS = {
  maxConcurrentRequests: 100,
  pointsPerMinute: 900,
  readPoints: 1,
  writePoints: 5,
  /** GraphQL's own points a minute: 1 per query without mutations, 5 with. */
  graphqlPointsPerMinute: 2_000,
  graphqlQueryPoints: 1,
  graphqlMutationPoints: 5,
} as const;

export const SECONDARY_LIMIT_MESSAGE = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

const WINDOW_MS = 60_000;
/**
 * GitHub names no wait for the concurrency limit; requests in flight finish within the simulator's latency, so one
 * second is enough and keeps a client's retries few.
 */
export const CONCURRENCY_RETRY_AFTER_SECONDS = 1;

/** What a REST request costs against the points limit: GET, HEAD and OPTIONS are reads, everything else a write. */
export function pointsOf(method: string): number {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? GITHUB_COM_SECONDARY_LIMITS.readPoints : GITHUB_COM_SECONDARY_LIMITS.writePoints;
}

/** How many requests of each key are in flight, refusing one more once `max` are. */
export class ConcurrencyLimit {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly max: number = GITHUB_COM_SECONDARY_LIMITS.maxConcurrentRequests) {}

  /** Counts the request in and answers true, or answers false (and counts nothing) when `max` are in flight. */
  tryEnter(key: string): boolean {
    const current = this.inFlight.get(key) ?? 0;
    if (current >= this.max) return false;
    this.inFlight.set(key, current + 1);
    return true;
  }

  leave(key: string): void {
    const remaining = (this.inFlight.get(key) ?? 0) - 1;
    if (remaining > 0) this.inFlight.set(key, remaining);
    else this.inFlight.delete(key);
  }

  count(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }
}

interface Spending {
  entries: Array<{ atMs: number; points: number }>;
  /** Index of the oldest entry still in the window (older ones are dropped in batches). */
  first: number;
  total: number;
}

/** Points each key spent in the last minute, a sliding window: each spending frees up a minute after it was spent. */
export class PointsWindow {
  private readonly spendings = new Map<string, Spending>();

  constructor(
    private readonly clock: SimulatedClock,
    private readonly budget: number = GITHUB_COM_SECONDARY_LIMITS.pointsPerMinute,
  ) {}

  /** Points the key spent in the last minute. */
  spent(key: string): number {
    return this.current(key)?.total ?? 0;
  }

  /** Milliseconds until `points` more fit in the key's minute; 0 when they fit now. */
  waitFor(key: string, points: number): number {
    const spending = this.current(key);
    if (!spending || spending.total + points <= this.budget) return 0;
    const now = this.clock.now();
    let freed = 0;
    for (let index = spending.first; index < spending.entries.length; index += 1) {
      const entry = spending.entries[index];
      freed += entry.points;
      if (spending.total - freed + points <= this.budget) return entry.atMs + WINDOW_MS - now;
    }
    return WINDOW_MS;
  }

  spend(key: string, points: number): void {
    let spending = this.current(key);
    if (!spending) {
      spending = { entries: [], first: 0, total: 0 };
      this.spendings.set(key, spending);
    }
    spending.entries.push({ atMs: this.clock.now(), points });
    spending.total += points;
  }

  /** The key's spending with what left the window dropped. */
  private current(key: string): Spending | undefined {
    const spending = this.spendings.get(key);
    if (!spending) return undefined;
    const now = this.clock.now();
    while (spending.first < spending.entries.length && spending.entries[spending.first].atMs + WINDOW_MS <= now) {
      spending.total -= spending.entries[spending.first].points;
      spending.first += 1;
    }
    if (spending.first > 1024 && spending.first * 2 > spending.entries.length) {
      spending.entries = spending.entries.slice(spending.first);
      spending.first = 0;
    }
    return spending;
  }
}
