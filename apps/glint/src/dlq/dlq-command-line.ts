import { DEAD_LETTER_SOURCES, DeadLetterFilter, DeadLetterSource } from '@glint/queue';

export const DLQ_COMMANDS = ['list', 'replay', 'drop'] as const;
export type DlqCommandName = (typeof DLQ_COMMANDS)[number];

export const DLQ_USAGE =
  'usage: glint dlq <list|replay|drop> [--queue events|publish|jobs] [--event <name>] [--since <ISO time>] [--id <id>] [--limit N] [--all]\n' +
  '  --queue  events (webhook events, events-dlq), publish (entities the catalog refused and publish jobs that failed, publish-dlq)\n' +
  '           or jobs (resync, webhook upkeep, workflow-run and config-check jobs that failed, jobs-dlq); all three when absent\n' +
  '  --event  an event name (`issues`) or name.action (`issues.opened`); for publish, the entity blueprint; for a failed job, its name or queue\n' +
  '  --since  only dead letters that failed at or after this time, e.g. 2026-01-31T12:00:00Z\n' +
  '  --id     one dead letter: its id as listed, or an event\'s delivery id\n' +
  '  --limit  at most N dead letters, the oldest first\n' +
  '  --all    drop every dead letter of the queue(s) (drop refuses to run without a filter otherwise)';

export interface DlqCommand {
  command: DlqCommandName;
  sources: DeadLetterSource[];
  filter: DeadLetterFilter;
}

export type ParsedDlqCommand = { ok: true; value: DlqCommand } | { ok: false; message: string };

const VALUE_OPTIONS = ['--queue', '--event', '--since', '--id', '--limit'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** `glint dlq <command> [options]`: options as `--name value` or `--name=value`. */
export function parseDlqCommandLine(args: readonly string[]): ParsedDlqCommand {
  const fail = (message: string): ParsedDlqCommand => ({ ok: false, message: `${message}\n${DLQ_USAGE}` });
  const [command, ...rest] = args;
  if (command === undefined) return fail('no dlq command given');
  if (!(DLQ_COMMANDS as readonly string[]).includes(command)) return fail(`unknown dlq command ${JSON.stringify(command)}`);

  const values: Partial<Record<ValueOption, string>> = {};
  let all = false;
  for (let index = 0; index < rest.length; index += 1) {
    const arg = rest[index];
    if (arg === '--all') {
      all = true;
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!(VALUE_OPTIONS as readonly string[]).includes(name)) return fail(`unknown option ${JSON.stringify(arg)}`);
    const value = inline ?? rest[++index];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) return fail(`${name} needs a value`);
    if (values[name as ValueOption] !== undefined) return fail(`${name} is given twice`);
    values[name as ValueOption] = value;
  }

  let sources: DeadLetterSource[] = [...DEAD_LETTER_SOURCES];
  if (values['--queue'] !== undefined) {
    const queue = values['--queue'];
    if (!(DEAD_LETTER_SOURCES as readonly string[]).includes(queue)) return fail(`--queue must be events, publish or jobs, not ${JSON.stringify(queue)}`);
    sources = [queue as DeadLetterSource];
  }
  const filter: DeadLetterFilter = { event: values['--event'], id: values['--id'] };
  if (values['--since'] !== undefined) {
    const since = values['--since'];
    if (!ISO_TIME.test(since) || Number.isNaN(Date.parse(since))) return fail(`--since must be an ISO 8601 time such as 2026-01-31T12:00:00Z, not ${JSON.stringify(since)}`);
    filter.since = new Date(since);
  }
  if (values['--limit'] !== undefined) {
    const limit = values['--limit'];
    if (!/^\d+$/.test(limit) || Number(limit) < 1) return fail(`--limit must be a positive whole number, not ${JSON.stringify(limit)}`);
    filter.limit = Number(limit);
  }
  const filtered = filter.event !== undefined || filter.id !== undefined || filter.since !== undefined || filter.limit !== undefined;
  if (command === 'drop' && !filtered && !all) return fail('drop removes dead letters for good: choose them with --id, --event, --since or --limit, or pass --all');
  if (all && filtered) return fail('--all cannot be combined with a filter');
  return { ok: true, value: { command: command as DlqCommandName, sources, filter: stripUndefined(filter) } };
}

function stripUndefined(filter: DeadLetterFilter): DeadLetterFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as DeadLetterFilter;
}
