import { Redis, RedisOptions } from 'ioredis';
import type { DependencyProbe } from '@glint/observability';

/**
 * - `producer`: commands fail at once while Redis is unreachable (no offline queue), so a webhook can be
 *   answered 503 instead of hanging; BullMQ queues that only add jobs use it.
 * - `worker`: BullMQ workers block on Redis and must retry forever (`maxRetriesPerRequest: null`).
 */
export type RedisRole = 'producer' | 'worker';

export function createRedisConnection(url: string, role: RedisRole, name: string): Redis {
  const options: RedisOptions = {
    connectionName: `glint-${name}`,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...(role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1_500, commandTimeout: 1_500, enableAutoPipelining: true }
      : { maxRetriesPerRequest: null }),
  };
  const connection = new Redis(url, options);
  // Without a listener ioredis prints every reconnect attempt as an unhandled error event.
  connection.on('error', () => undefined);
  return connection;
}

export function redisProbe(connection: Redis): DependencyProbe {
  return {
    name: 'redis',
    async check() {
      const answer = await connection.ping();
      if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
    },
  };
}
