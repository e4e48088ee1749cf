import { Queue } from 'bullmq';
import { SyncStatusStore } from '@glint/mapper';
import { DEFAULT_QUEUE_PREFIX, QueueName, QueueOverview } from '@glint/queue';
import { errorMessage } from '@glint/runtime';
import { CommandOutput, openCommandContext } from '../command-redis';
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
    return `cannot reach the mapper at ${url.origin} (--url): ${errorMessage(error)}`;
  }
  if (!response.ok) return `the mapper at ${url.origin} answered ${response.status} to GET ${url.pathname}: is --url a mapper (MAPPER_HTTP_PORT, 3001 by default)?`;
  const body: unknown = await response.json().catch(() => undefined);
  return isBridgeState(body) ? body : `GET ${url.href} did not answer a mapper's status: is --url a mapper (MAPPER_HTTP_PORT, 3001 by default)?`;
}

async function fromRedis(env: NodeJS.ProcessEnv): Promise<BridgeState | string> {
  const opened = await openCommandContext(env, 'status-command');
  if (!opened.ok) return opened.message;
  const { config, connection } = opened;
  const overview = new QueueOverview(connection, { partitions: config.events.partitions });
  // Not the delayed jobs: the schedule's next run always waits there.
  const resyncQueue = new Queue(QueueName.Resync, { connection, prefix: DEFAULT_QUEUE_PREFIX });
  try {
    const [resyncs, queues, counts] = await Promise.all([new SyncStatusStore(connection).all(), overview.summary(), resyncQueue.getJobCounts('waiting', 'prioritized', 'active')]);
    return { resyncs, queues, resyncQueue: { waiting: counts['waiting'] + counts['prioritized'], running: counts['active'] } };
  } finally {
    await Promise.all([overview.close(), resyncQueue.close()]);
    connection.disconnect();
  }
}
