import { ConfigError, GlintConfig, loadConfig, redactUrlCredentials } from '@glint/config';
import { createRedisConnection } from '@glint/queue';
import type { Redis } from 'ioredis';

const CONNECT_TIMEOUT_MS = 5_000;

/** Lines a command prints: results on stdout, messages on stderr. */
export interface CommandOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * The configuration and a ready Redis connection of an operator command (`glint status`, `resync`, `dlq`); otherwise
 * the message naming the invalid setting or REDIS_URL. The caller disconnects the connection.
 */
export async function openCommandContext(env: NodeJS.ProcessEnv, name: string): Promise<{ ok: true; config: GlintConfig; connection: Redis } | { ok: false; message: string }> {
  let config: GlintConfig;
  try {
    config = loadConfig(env, []);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ok: false, message: error.message };
  }
  const connection = createRedisConnection(config.redisUrl, 'worker', name);
  if (await connected(connection)) return { ok: true, config, connection };
  connection.disconnect();
  return { ok: false, message: `cannot reach Redis at ${redactUrlCredentials(config.redisUrl)} (REDIS_URL) within ${CONNECT_TIMEOUT_MS / 1000} s` };
}

async function connected(connection: Redis): Promise<boolean> {
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
