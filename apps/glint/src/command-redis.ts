import { redactUrlCredentials } from '@glint/config';
import { createRedisConnection } from '@glint/queue';
import type { Redis } from 'ioredis';

export const CONNECT_TIMEOUT_MS = 5_000;

/** Lines a command prints: results on stdout, messages on stderr. */
export interface CommandOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** A Redis connection for a command, once ready; otherwise the message that names REDIS_URL. */
export async function openCommandRedis(redisUrl: string, name: string): Promise<{ ok: true; connection: Redis } | { ok: false; message: string }> {
  const connection = createRedisConnection(redisUrl, 'worker', name);
  if (await connected(connection)) return { ok: true, connection };
  connection.disconnect();
  return { ok: false, message: `cannot reach Redis at ${redactUrlCredentials(redisUrl)} (REDIS_URL) within ${CONNECT_TIMEOUT_MS / 1000} s` };
}

export async function connected(connection: Redis): Promise<boolean> {
  if (connection.status === 'ready') return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CONNECT_TIMEOUT_MS)));
  // Not events.once: it would reject on the first connection error, while ioredis keeps retrying until the timeout.
  const ready = new Promise<true>((resolve) => connection.once('ready', () => resolve(true)));
  try {
    return await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
