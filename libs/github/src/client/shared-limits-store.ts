import { createHash } from 'node:crypto';

/** The Redis commands the shared limits use; an ioredis `Redis` fits. */
export interface LimitsRedis {
  evalsha(sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

/** What one request asks of its scope's limits. */
export interface LeaseRequest {
  leaseId: string;
  /** Resync requests have their own, adaptive, share of the requests in flight and of the points. */
  resync: boolean;
  /** The request's cost against the points a minute: 1 for a read, 5 for a write; 0 where no points limit applies. */
  points: number;
  /** Milliseconds since the epoch. */
  now: number;
}

export type LeaseAnswer =
  | { granted: true; /** The second (since the epoch) whose points the request was counted in. */ second: number }
  | { granted: false; reason: LimitReason; /** When asking again may succeed. */ retryInMs: number };

/** Why a request waits: too many in flight, the points of the last minute spent, or a secondary limit's pause. */
export type LimitReason = 'in-flight' | 'points' | 'paused';

export interface LimitsPolicy {
  /** Requests of every purpose in flight at once. */
  maxInFlight: number;
  /** Resync requests in flight at once: where the adaptive resync concurrency starts and the most it grows to. */
  maxResyncInFlight: number;
  /** Points every purpose together may spend in a minute. */
  pointsPerMinute: number;
  /** Points resync requests may have spent in the last minute and still go out. */
  resyncPointsPerMinute: number;
  /** How long a lease lasts when nobody releases it (a pod that died mid-request). */
  leaseTtlMs: number;
  /** How soon a request turned away for the requests in flight asks again (a release elsewhere frees a slot). */
  pollMs: number;
}

/**
 * Sliding minute of points, in one-second buckets. GitHub frees a point a minute after it was spent; a bucket is
 * kept until a minute after the end of its second, so nothing leaves the window here before it left GitHub's.
 */
const BUCKET_KEPT_SECONDS = 61;
/** The pause and the adaptive resync concurrency are forgotten an hour after the last secondary limit. */
const STATE_TTL_MS = 60 * 60 * 1_000;

const ACQUIRE = `
local now = tonumber(ARGV[1])
local pausedUntil = tonumber(redis.call('HGET', KEYS[4], 'pausedUntil') or '0')
if pausedUntil > now then return {0, 'paused', pausedUntil - now} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local resyncInFlight = redis.call('ZCARD', KEYS[1])
local inFlight = resyncInFlight + redis.call('ZCARD', KEYS[2])
local pollMs = tonumber(ARGV[10])
if inFlight >= tonumber(ARGV[5]) then return {0, 'in-flight', pollMs} end
local resync = ARGV[3] == '1'
if resync then
  local maxResync = tonumber(ARGV[6])
  local limit = math.min(tonumber(redis.call('HGET', KEYS[4], 'limit') or maxResync), maxResync)
  if resyncInFlight >= math.floor(limit) then return {0, 'in-flight', pollMs} end
end
local second = math.floor(now / 1000)
local points = tonumber(ARGV[7])
if points > 0 then
  local budget = tonumber(resync and ARGV[9] or ARGV[8])
  local buckets = redis.call('HGETALL', KEYS[3])
  local kept = {}
  local spent = 0
  for i = 1, #buckets, 2 do
    local bucket = tonumber(buckets[i])
    if bucket <= second - ${BUCKET_KEPT_SECONDS} then
      redis.call('HDEL', KEYS[3], buckets[i])
    else
      local value = tonumber(buckets[i + 1])
      spent = spent + value
      table.insert(kept, {bucket, value})
    end
  end
  if spent + points > budget then
    table.sort(kept, function(a, b) return a[1] < b[1] end)
    local freed = 0
    for _, entry in ipairs(kept) do
      freed = freed + entry[2]
      if spent - freed + points <= budget then return {0, 'points', (entry[1] + ${BUCKET_KEPT_SECONDS}) * 1000 - now} end
    end
    return {0, 'points', ${BUCKET_KEPT_SECONDS} * 1000}
  end
  redis.call('HINCRBY', KEYS[3], second, points)
  redis.call('PEXPIRE', KEYS[3], ${(BUCKET_KEPT_SECONDS + 1) * 1000})
end
local leases = resync and KEYS[1] or KEYS[2]
local ttl = tonumber(ARGV[4])
redis.call('ZADD', leases, now + ttl, ARGV[2])
redis.call('PEXPIRE', leases, ttl)
return {1, 'granted', second}
`;

const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
local points = tonumber(ARGV[4])
if ARGV[2] == 'not-modified' and points > 0 and redis.call('HEXISTS', KEYS[2], ARGV[3]) == 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[3], -points)
end
if ARGV[5] == '1' and (ARGV[2] == 'answered' or ARGV[2] == 'not-modified') then
  local maxResync = tonumber(ARGV[6])
  local limit = tonumber(redis.call('HGET', KEYS[3], 'limit') or maxResync)
  if limit < maxResync then
    local successes = redis.call('HINCRBY', KEYS[3], 'successes', 1)
    if successes >= limit then redis.call('HSET', KEYS[3], 'limit', math.min(maxResync, limit + 1), 'successes', 0) end
  end
end
return 1
`;

const SLOW_DOWN = `
local now = tonumber(ARGV[1])
local maxResync = tonumber(ARGV[3])
local pausedUntil = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0')
local limit = math.min(tonumber(redis.call('HGET', KEYS[1], 'limit') or maxResync), maxResync)
-- Once per pause: the refusals of requests already in flight when it began belong to the same breach.
if now >= pausedUntil then
  limit = math.max(1, math.floor(limit / 2))
  redis.call('HSET', KEYS[1], 'limit', limit, 'successes', 0)
end
local untilMs = now + tonumber(ARGV[2])
if untilMs > pausedUntil then redis.call('HSET', KEYS[1], 'pausedUntil', untilMs) end
redis.call('PEXPIRE', KEYS[1], ${STATE_TTL_MS})
return limit
`;

/** A Lua script run by its SHA, sent in full only when Redis does not know it yet. */
class Script {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: LimitsRedis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

const acquireScript = new Script(ACQUIRE);
const releaseScript = new Script(RELEASE);
const slowDownScript = new Script(SLOW_DOWN);

/**
 * GitHub's limits of one scope (`installation:<id>`, `pat`, `app`), kept in Redis so every pod of an installation
 * counts against the same ones: leases of the requests in flight (expiring, so a dead pod's free themselves), points
 * spent in the last minute, and the pause and adaptive resync concurrency a secondary limit sets. Each call is one
 * Lua script, atomic across pods. Times come from the callers' clock.
 */
export class SharedLimitsStore {
  private readonly keys: { resyncLeases: string; otherLeases: string; points: string; state: string };

  constructor(
    private readonly redis: LimitsRedis,
    scope: string,
    private readonly policy: LimitsPolicy,
    keyPrefix: string,
  ) {
    // The scope in braces keeps one scope's keys in one Redis Cluster slot, as a script needs.
    const base = `${keyPrefix}{${scope}}`;
    this.keys = { resyncLeases: `${base}:leases:resync`, otherLeases: `${base}:leases:other`, points: `${base}:points`, state: `${base}:state` };
  }

  async acquire(request: LeaseRequest): Promise<LeaseAnswer> {
    const { keys, policy } = this;
    const answer = await acquireScript.run(this.redis, [keys.resyncLeases, keys.otherLeases, keys.points, keys.state], [
      request.now,
      request.leaseId,
      request.resync ? 1 : 0,
      policy.leaseTtlMs,
      policy.maxInFlight,
      policy.maxResyncInFlight,
      request.points,
      policy.pointsPerMinute,
      policy.resyncPointsPerMinute,
      policy.pollMs,
    ]);
    const [granted, reason, value] = scriptAnswer(answer);
    if (granted === 1) return { granted: true, second: value };
    return { granted: false, reason: limitReason(reason), retryInMs: Math.max(1, value) };
  }

  /** The request is over; `not-modified` gives its points back (GitHub charges nothing for a 304). */
  async release(lease: { leaseId: string; resync: boolean; second: number; points: number }, outcome: 'answered' | 'not-modified' | 'refused' | 'failed'): Promise<void> {
    const { keys } = this;
    await releaseScript.run(this.redis, [lease.resync ? keys.resyncLeases : keys.otherLeases, keys.points, keys.state], [
      lease.leaseId,
      outcome,
      lease.second,
      lease.points,
      lease.resync ? 1 : 0,
      this.policy.maxResyncInFlight,
    ]);
  }

  /**
   * A secondary limit: no request of the scope goes out for `waitMs`, and the resync concurrency halves (once per
   * pause). Returns the resync concurrency now.
   */
  async slowDown(now: number, waitMs: number): Promise<number> {
    const answer = await slowDownScript.run(this.redis, [this.keys.state], [now, Math.ceil(waitMs), this.policy.maxResyncInFlight]);
    return typeof answer === 'number' ? answer : Number(answer);
  }
}

function scriptAnswer(answer: unknown): [number, string, number] {
  if (!Array.isArray(answer) || answer.length !== 3) throw new Error(`unexpected answer from the limits script: ${JSON.stringify(answer)}`);
  return [Number(answer[0]), String(answer[1]), Number(answer[2])];
}

function limitReason(reason: string): LimitReason {
  if (reason === 'in-flight' || reason === 'points' || reason === 'paused') return reason;
  throw new Error(`unexpected reason from the limits script: ${reason}`);
}
