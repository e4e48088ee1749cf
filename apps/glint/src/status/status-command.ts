import { Queue } from 'bullmq';
import { ConfigError, GlintConfig, loadConfig } from '@glint/config';
import { SyncStatusStore } from '@glint/mapper';
import { DEFAULT_QUEUE_PREFIX, QueueName, QueueOverview } from '@glint/queue';
import { CommandOutput, openCommandRedis } from '../command-redis';
import { BridgeState, formatBridgeState, isBridgeState, needsAttention } from './bridge-state';
import { parseStatusCommandLine } from './status-command-line';

const HTTP_TIMEOUT_MS = 5_000;

/** `glint status …`: returns the exit code (0 all well, 1 needs attention or unreadable, 2 bad command line). */
export async function runStatusCommand(args: readonly string[], env: NodeJS.ProcessEnv, output: CommandOutput, now: () => Date = () => new Date()): Promise<number> {
  const parsed = parseStatusCommandLine(args);
  if (!parsed.ok) {
    output.err(`glint status: ${parsed.message}`);
    return 2;
  }
  const state = parsed.value.url ? await fromMapper(parsed.value.url) : await fromRedis(env);
  if (typeof state === 'string') {
    output.err(`glint status: ${state}`);
    return 1;
  }
  if (parsed.value.json) output.out(JSON.stringify(state, null, 2));
  else for (const line of formatBridgeState(state, now())) output.out(line);
  return needsAttention(state) ? 1 : 0;
}

async function fromMapper(base: URL): Promise<BridgeState | string> {
  const url = new URL(base);
  if (!url.pathname.endsWith('/status')) url.pathname = `${url.pathname.replace(/\/$/, '')}/status`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    return `cannot reach the mapper at ${url.origin} (--url): ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!response.ok) return `the mapper at ${url.origin} answered ${response.status} to GET ${url.pathname}: is --url a mapper (MAPPER_HTTP_PORT, 3001 by default)?`;
  const body: unknown = await response.json().catch(() => undefined);
  return isBridgeState(body) ? body : `GET ${url.href} did not answer a mapper's status: is --url a mapper (MAPPER_HTTP_PORT, 3001 by default)?`;
}

async function fromRedis(env: NodeJS.ProcessEnv): Promise<BridgeState | string> {
  let config: GlintConfig;
  try {
    config = loadConfig(env, []);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
  const redis = await openCommandRedis(config.redisUrl, 'status-command');
  if (!redis.ok) return redis.message;
  const overview = new QueueOverview(redis.connection, { partitions: config.events.partitions });
  // Not the delayed jobs: the schedule's next run always waits there.
  const resyncQueue = new Queue(QueueName.Resync, { connection: redis.connection, prefix: DEFAULT_QUEUE_PREFIX });
  try {
    const [resyncs, queues, counts] = await Promise.all([new SyncStatusStore(redis.connection).all(), overview.summary(), resyncQueue.getJobCounts('waiting', 'prioritized', 'active')]);
    return { resyncs, queues, resyncQueue: { waiting: counts['waiting'] + counts['prioritized'], running: counts['active'] } };
  } finally {
    await Promise.all([overview.close(), resyncQueue.close()]);
    redis.connection.disconnect();
  }
}
