import { isServiceName, SERVICE_NAMES, ServiceName } from '@glint/config';
import { DLQ_USAGE } from './dlq/dlq-command-line';
import { RESYNC_USAGE } from './resync/resync-command-line';
import { STATUS_USAGE } from './status/status-command-line';

export const USAGE = `usage: glint <${[...SERVICE_NAMES, 'all'].join('|')}> [more services…] | glint <validate|status|resync|dlq> [options] | glint --help`;

export const OPERATOR_COMMANDS = ['validate', 'status', 'resync', 'dlq'] as const;
export type OperatorCommand = (typeof OPERATOR_COMMANDS)[number];

export const HELP = `glint: the Glint GitHub bridge's services, and the commands that operate it.

usage: glint <command> [options]

Services (run in the foreground until SIGTERM or SIGINT):
  ${SERVICE_NAMES.join(', ')}
           start the named services in one process, e.g. glint mapper publisher
  all      start every service

Commands:
  validate <file…>    check port-app-config.yml and port.yml files before committing them
  status              the bridge's state: each installation's resync with progress by kind, queues, dead letters
  resync              request a resync of one installation, several, or all of them
  dlq                 list, replay or drop dead letters
  help [command]      this text, or a command's

Run glint <command> --help for a command's options. Services and commands read their settings from the
environment (.env.example lists them); status, resync and dlq need REDIS_URL, the Redis the services use.`;

export const SERVICES_HELP = `usage: glint <${[...SERVICE_NAMES, 'all'].join('|')}> [more services…]

Starts the named services in one Node process (catalog first, gateway last), prints where each listens, and
stops them in reverse order on SIGTERM or SIGINT within SHUTDOWN_GRACE_SECONDS.
  gateway    receives and verifies GitHub webhooks, queues them by group key
  mapper     maps events and resyncs to catalog entities; GET /status
  publisher  writes entities to the catalog
  actions    runs self-service actions as GitHub workflows
  catalog    the embedded catalog, the default target when PORT_BASE_URL is not set
  all        every service
Exit 1 on an invalid configuration or a failed start, 2 on an unknown service name.`;

export const VALIDATE_USAGE = `usage: glint validate <port-app-config.yml | port.yml>…

Checks each file: its structure, the selector options, and every jq program compiled. Prints ok, or each
problem with file, line and path. Exit 1 on any problem, 2 without a file.`;

const COMMAND_HELP: Record<OperatorCommand, string> = { validate: VALIDATE_USAGE, status: STATUS_USAGE, resync: RESYNC_USAGE, dlq: DLQ_USAGE };

export type GlintCommand =
  | { command: 'help'; text: string }
  | { command: 'serve'; services: ServiceName[] }
  | { command: 'validate'; files: string[] }
  | { command: 'status' | 'resync' | 'dlq'; args: string[] };

export type ParsedGlintCommand = { ok: true; value: GlintCommand } | { ok: false; message: string };

const isHelpFlag = (arg: string) => arg === '--help' || arg === '-h';
const isOperatorCommand = (arg: string): arg is OperatorCommand => (OPERATOR_COMMANDS as readonly string[]).includes(arg);

/** The whole command line: `glint --help`, `glint help dlq`, `glint dlq list --help`, `glint validate a.yml`, `glint all`. */
export function parseGlintCommand(args: readonly string[]): ParsedGlintCommand {
  const [first, ...rest] = args;
  if (first === undefined) return { ok: false, message: `no command given\n${USAGE}` };
  if (isHelpFlag(first)) return { ok: true, value: { command: 'help', text: HELP } };
  if (first === 'help') return helpFor(rest);
  if (isOperatorCommand(first)) {
    if (rest.some(isHelpFlag)) return { ok: true, value: { command: 'help', text: COMMAND_HELP[first] } };
    if (first !== 'validate') return { ok: true, value: { command: first, args: rest } };
    const options = rest.filter((arg) => arg.startsWith('-'));
    if (options.length > 0) return { ok: false, message: `glint validate takes files, not ${JSON.stringify(options[0])}\n${VALIDATE_USAGE}` };
    if (rest.length === 0) return { ok: false, message: `no file named\n${VALIDATE_USAGE}` };
    return { ok: true, value: { command: 'validate', files: rest } };
  }
  if (args.some(isHelpFlag) && args.every((arg) => isHelpFlag(arg) || arg === 'all' || isServiceName(arg))) return { ok: true, value: { command: 'help', text: SERVICES_HELP } };
  const services = parseCommandLine(args);
  return services.ok ? { ok: true, value: { command: 'serve', services: services.services } } : services;
}

function helpFor(topics: readonly string[]): ParsedGlintCommand {
  const [topic, ...extra] = topics;
  if (topic === undefined) return { ok: true, value: { command: 'help', text: HELP } };
  if (extra.length > 0) return { ok: false, message: `glint help takes one command, not ${topics.length}\n${USAGE}` };
  if (isOperatorCommand(topic)) return { ok: true, value: { command: 'help', text: COMMAND_HELP[topic] } };
  if (topic === 'all' || isServiceName(topic)) return { ok: true, value: { command: 'help', text: SERVICES_HELP } };
  return { ok: false, message: `no command ${JSON.stringify(topic)}\n${USAGE}` };
}

export type ParsedCommandLine = { ok: true; services: ServiceName[] } | { ok: false; message: string };

/** `glint all`, `glint gateway`, or several names: `glint mapper publisher`. */
export function parseCommandLine(args: readonly string[]): ParsedCommandLine {
  if (args.length === 0) return { ok: false, message: `no service named\n${USAGE}` };
  if (args.includes('all')) return { ok: true, services: [...SERVICE_NAMES] };
  const unknown = args.filter((arg) => !isServiceName(arg));
  if (unknown.length > 0) return { ok: false, message: `unknown service ${unknown.map((name) => JSON.stringify(name)).join(', ')}\n${USAGE}` };
  return { ok: true, services: SERVICE_NAMES.filter((name) => args.includes(name)) };
}
