export { partitionQueueName, QueueName } from './queue-name';
export { createRedisConnection, redisProbe } from './redis-connection';
export type { RedisRole } from './redis-connection';
export { REDIS_CONNECTION, RedisModule } from './redis.module';
