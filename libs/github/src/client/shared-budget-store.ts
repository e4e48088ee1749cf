import type { RateLimitState } from './rate-limit-budget';
import type { LimitsRedis } from './shared-limits-store';

/** A scope's primary rate limit as one process learnt it, shared with the others through Redis. */
export interface SharedBudget {
  /** Merges what this process saw into the shared figure. */
  publish(state: RateLimitState): Promise<void>;
  /** The shared figure, or undefined when no pod has seen one. */
  read(): Promise<RateLimitState | undefined>;
}

/** GitHub's resources with a primary limit of their own: REST (`core`) and GraphQL. */
export type RateLimitResource = 'core' | 'graphql';

/** Figures of a window long over are forgotten with it (GitHub's windows last an hour). */
const BUDGET_TTL_MS = 2 * 60 * 60 * 1_000;

// Within one window the lowest remaining is the truest (answers of every pod arrive out of order); a later window
// replaces an earlier one, and an answer of an earlier window changes nothing.
const MERGE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local limit, remaining, resetAt = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if current then
  local l, r, t = string.match(current, '^(%d+):(%-?%d+):(%d+)$')
  l, r, t = tonumber(l), tonumber(r), tonumber(t)
  if t and (resetAt < t or (resetAt == t and limit == l and remaining >= r)) then return current end
end
local value = limit .. ':' .. remaining .. ':' .. resetAt
redis.call('HSET', KEYS[1], ARGV[1], value)
redis.call('PEXPIRE', KEYS[1], ${BUDGET_TTL_MS})
return value
`;

const READ_ALL = `return redis.call('HGETALL', KEYS[1])`;

/**
 * The primary rate limits of one scope (`installation:<id>`) in Redis, per resource, so every pod of an installation
 * sees the budget GitHub reported to any of them: a pod that has not yet sent a request still holds its resyncs back
 * at the reservation, and `GET /status` shows the same figures whichever pod answers.
 */
export class SharedBudgetStore {
  private readonly key: string;

  constructor(
    private readonly redis: LimitsRedis,
    scope: string,
    keyPrefix: string,
  ) {
    this.key = `${keyPrefix}${scope}:budget`;
  }

  /** The store's view of one resource, as the budget of that resource shares it. */
  forResource(resource: RateLimitResource): SharedBudget {
    return {
      publish: async (state) => {
        if (!Number.isFinite(state.resetAt)) return;
        await this.redis.eval(MERGE, 1, this.key, resource, state.limit, state.remaining, Math.round(state.resetAt));
      },
      read: async () => (await this.readAll())[resource],
    };
  }

  async readAll(): Promise<Partial<Record<RateLimitResource, RateLimitState>>> {
    const answer = await this.redis.eval(READ_ALL, 1, this.key);
    const budgets: Partial<Record<RateLimitResource, RateLimitState>> = {};
    if (!Array.isArray(answer)) return budgets;
    for (let index = 0; index + 1 < answer.length; index += 2) {
      const resource = String(answer[index]);
      const match = /^(\d+):(-?\d+):(\d+)$/.exec(String(answer[index + 1]));
      if (match && (resource === 'core' || resource === 'graphql')) budgets[resource] = { limit: Number(match[1]), remaining: Number(match[2]), resetAt: Number(match[3]) };
    }
    return budgets;
  }
}
