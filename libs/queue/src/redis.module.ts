import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { once } from 'node:events';
import { addressOf, DependencyUnreachableError } from '@glint/runtime';
import { createRedisConnection } from './redis-connection';

export const REDIS_CONNECTION = Symbol('REDIS_CONNECTION');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CONNECTION) private readonly connection: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

/** The service's fail-fast Redis connection (health probe, queue producers), closed on shutdown. */
@Module({})
export class RedisModule {
  static forService(url: string, service: string): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        { provide: REDIS_CONNECTION, useFactory: () => connectWithinGracePeriod(url, service) },
        RedisCloser,
      ],
      exports: [REDIS_CONNECTION],
    };
  }
}

const CONNECT_GRACE_MS = 5_000;

/**
 * Waits briefly for Redis so a healthy service does not report 503 in its first second. A Redis that refuses or
 * cannot be resolved at boot fails the boot with one line naming it and REDIS_URL; one that is merely slow does not
 * stop the service, which reports it on /health and reconnects when it is back.
 */
async function connectWithinGracePeriod(url: string, service: string): Promise<Redis> {
  const connection = createRedisConnection(url, 'producer', service);
  let timer: NodeJS.Timeout | undefined;
  try {
    const ready = await Promise.race([
      once(connection, 'ready').then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CONNECT_GRACE_MS).unref())),
    ]);
    if (!ready) new Logger(service).warn(`Redis at ${addressOf(url, 6379)} (REDIS_URL) is not reachable yet; /health reports it until it is`);
    return connection;
  } catch (error) {
    connection.disconnect();
    throw new DependencyUnreachableError('Redis', 'REDIS_URL', addressOf(url, 6379), error);
  } finally {
    clearTimeout(timer);
  }
}
