import { DeadLetter, DeadLetterQueues } from '@glint/queue';
import { CommandOutput, openCommandContext } from '../command-redis';
import { DlqCommand, parseDlqCommandLine } from './dlq-command-line';

/** `glint dlq …`: returns the exit code (0 done, 1 failed or something not replayable, 2 bad command line). */
export async function runDlqCommand(args: readonly string[], env: NodeJS.ProcessEnv, output: CommandOutput): Promise<number> {
  const parsed = parseDlqCommandLine(args);
  if (!parsed.ok) {
    output.err(`glint dlq: ${parsed.message}`);
    return 2;
  }
  const opened = await openCommandContext(env, 'dlq-command');
  if (!opened.ok) {
    output.err(`glint dlq: ${opened.message}`);
    return 1;
  }
  const { config, connection } = opened;
  try {
    const queues = new DeadLetterQueues(connection, { partitions: config.events.partitions });
    try {
      return await execute(parsed.value, queues, output);
    } finally {
      await queues.close();
    }
  } finally {
    connection.disconnect();
  }
}

async function execute({ command, sources, filter }: DlqCommand, queues: DeadLetterQueues, output: CommandOutput): Promise<number> {
  const letters = await queues.list(sources, filter);
  if (letters.length === 0) {
    output.err(`no dead letters in ${sources.length > 1 ? `${sources.slice(0, -1).join(', ')} or ${sources.at(-1)}` : sources.join('')} match`);
    return 0;
  }
  switch (command) {
    case 'list':
      for (const letter of letters) output.out(formatDeadLetter(letter));
      output.err(`${letters.length} dead letter${letters.length === 1 ? '' : 's'}`);
      return 0;
    case 'replay': {
      const results = await queues.replay(letters);
      for (const result of results) {
        if (result.outcome === 'replayed') output.out(`replayed  ${result.letter.source}  ${result.letter.id}  ${result.letter.subject}  as job ${result.jobId}`);
        else output.out(`skipped   ${result.letter.source}  ${result.letter.id}  ${result.letter.subject}: ${result.reason}`);
      }
      const skipped = results.filter((result) => result.outcome !== 'replayed').length;
      output.err(`${results.length - skipped} replayed, ${skipped} not replayable`);
      return skipped > 0 ? 1 : 0;
    }
    case 'drop': {
      const dropped = await queues.drop(letters);
      output.err(`${dropped} dead letter${dropped === 1 ? '' : 's'} dropped`);
      return 0;
    }
  }
}

/** One line, tab-separated: queue, id, what failed, the error (on one line), when it failed. */
export function formatDeadLetter(letter: DeadLetter): string {
  return [letter.source, letter.id, letter.subject, letter.error.replace(/\s*\n\s*/g, ' '), letter.failedAt].join('\t');
}
