import { Queue } from 'bullmq';
import type { GlintConfig } from '@glint/config';
import { createGithubAccess, GithubInstallation } from '@glint/github';
import { ALL_INSTALLATIONS_JOB, AllInstallationsJob, deduplicationIdOf, RESYNC_JOB, ResyncJob } from '@glint/mapper';
import { DEFAULT_QUEUE_PREFIX, QueueName } from '@glint/queue';
import { errorMessage } from '@glint/runtime';
import { CommandOutput, openCommandContext } from '../command-redis';
import { parseResyncCommandLine, ResyncRequest } from './resync-command-line';

/** The options the mapper's resync queue gives its own jobs: completed ones are trimmed, failed ones kept. */
const RESYNC_JOB_OPTIONS = { removeOnComplete: { count: 100 }, removeOnFail: false };

export interface ResyncCommandDependencies {
  /** The app's installations, as the mapper lists them (GitHub, with the configured credentials). */
  installations: (config: GlintConfig) => Promise<GithubInstallation[]>;
  prefix: string;
}

const fromGithub = (config: GlintConfig) => createGithubAccess(config.github).installations();

/** `glint resync …`: returns the exit code (0 requested, 1 unknown installation or Redis unreachable, 2 bad command line). */
export async function runResyncCommand(args: readonly string[], env: NodeJS.ProcessEnv, output: CommandOutput, dependencies: Partial<ResyncCommandDependencies> = {}): Promise<number> {
  const parsed = parseResyncCommandLine(args);
  if (!parsed.ok) {
    output.err(`glint resync: ${parsed.message}`);
    return 2;
  }
  const opened = await openCommandContext(env, 'resync-command');
  if (!opened.ok) {
    output.err(`glint resync: ${opened.message}`);
    return 1;
  }
  const { config, connection } = opened;
  const queue = new Queue<ResyncJob | AllInstallationsJob>(QueueName.Resync, { connection, prefix: dependencies.prefix ?? DEFAULT_QUEUE_PREFIX });
  try {
    const code = await request(parsed.value, queue, config, dependencies.installations ?? fromGithub, output);
    if (code === 0 && !(await mapperListens(queue))) output.err('no mapper is connected to the resync queue now: the resync runs when one starts');
    return code;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

async function request(
  { target, reason }: ResyncRequest,
  queue: Queue<ResyncJob | AllInstallationsJob>,
  config: GlintConfig,
  installations: (config: GlintConfig) => Promise<GithubInstallation[]>,
  output: CommandOutput,
): Promise<number> {
  if (target.all) {
    const job = await queue.add(ALL_INSTALLATIONS_JOB, { reason }, RESYNC_JOB_OPTIONS);
    output.out(`requested a resync of every installation (job ${job.id}): the mapper lists them and queues each one not already due or running`);
    return 0;
  }
  let known: GithubInstallation[];
  try {
    known = await installations(config);
  } catch (error) {
    output.err(`glint resync: cannot list the app's installations from GitHub: ${errorMessage(error)}`);
    return 1;
  }
  const chosen = target.installations.map((name) => ({ name, installation: findInstallation(known, name) }));
  const unknown = chosen.filter((choice) => choice.installation === undefined).map((choice) => JSON.stringify(choice.name));
  if (unknown.length > 0) {
    const listed =
      known.length > 0
        ? `the installations are ${known.map(labelOf).join(', ')}`
        : config.github.auth.kind === 'none'
          ? 'without GitHub credentials (GITHUB_APP_ID and GITHUB_PRIVATE_KEY, or GITHUB_TOKEN) only GITHUB_ORGANIZATION is known, and it is not set'
          : 'GitHub lists none for the configured credentials';
    output.err(`glint resync: no installation ${unknown.join(', ')}: ${listed}; nothing requested`);
    return 1;
  }
  for (const { installation } of chosen) {
    if (!installation) continue;
    const pendingJobId = await queue.getDeduplicationJobId(deduplicationIdOf(installation));
    if (pendingJobId) {
      const state = await queue.getJobState(pendingJobId);
      output.out(`${labelOf(installation)}: a resync is already ${state === 'active' ? 'running' : 'due'} (job ${pendingJobId}), not requested again`);
      continue;
    }
    const job = await queue.add(RESYNC_JOB, { installation, reason }, { ...RESYNC_JOB_OPTIONS, deduplication: { id: deduplicationIdOf(installation) } });
    output.out(`${labelOf(installation)}: resync requested (job ${job.id})`);
  }
  return 0;
}

/** By installation id, or by account login as GitHub compares logins: without regard to case. */
export function findInstallation(installations: readonly GithubInstallation[], name: string): GithubInstallation | undefined {
  if (/^\d+$/.test(name)) return installations.find((installation) => installation.id === Number(name));
  return installations.find((installation) => installation.accountLogin.toLowerCase() === name.toLowerCase());
}

const labelOf = (installation: GithubInstallation) => `${installation.accountLogin} (${installation.id})`;

/** Whether a mapper's resync worker is connected; unknown (true) where the Redis refuses CLIENT LIST. */
async function mapperListens(queue: Queue<ResyncJob | AllInstallationsJob>): Promise<boolean> {
  try {
    return (await queue.getWorkersCount()) > 0;
  } catch {
    return true;
  }
}
