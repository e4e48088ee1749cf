import { HELP, parseCommandLine, parseGlintCommand, SERVICES_HELP, USAGE, VALIDATE_USAGE } from './command-line';
import { DLQ_USAGE } from './dlq/dlq-command-line';
import { RESYNC_USAGE } from './resync/resync-command-line';
import { STATUS_USAGE } from './status/status-command-line';

describe('parseCommandLine', () => {
  it('runs every service for "all"', () => {
    expect(parseCommandLine(['all'])).toEqual({ ok: true, services: ['gateway', 'mapper', 'publisher', 'actions', 'catalog'] });
  });

  it('runs the named services, each once', () => {
    expect(parseCommandLine(['publisher', 'gateway', 'gateway'])).toEqual({ ok: true, services: ['gateway', 'publisher'] });
  });

  it('rejects an unknown name with the usage line', () => {
    const parsed = parseCommandLine(['gatway']);

    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(/^unknown service "gatway"\nusage: glint <gateway\|mapper\|publisher\|actions\|catalog\|all>/);
  });

  it('rejects an empty command line', () => {
    expect(parseCommandLine([])).toMatchObject({ ok: false, message: expect.stringMatching(/^no service named/) });
  });
});

describe('parseGlintCommand', () => {
  it.each([['--help'], ['-h'], ['help']])('answers %s with the help, which names every service and command', (flag) => {
    const parsed = parseGlintCommand([flag]);

    expect(parsed).toEqual({ ok: true, value: { command: 'help', text: HELP } });
    for (const name of ['gateway', 'mapper', 'publisher', 'actions', 'catalog', 'all', 'validate', 'status', 'resync', 'dlq', 'help']) expect(HELP).toMatch(new RegExp(`^  .*\\b${name}\\b`, 'm'));
    expect(HELP).toContain('glint <command> --help');
  });

  it.each([
    ['validate', VALIDATE_USAGE, /^usage: glint validate /],
    ['status', STATUS_USAGE, /^usage: glint status .*--url.*--json/],
    ['resync', RESYNC_USAGE, /^usage: glint resync .*--all/],
    ['dlq', DLQ_USAGE, /^usage: glint dlq <list\|replay\|drop>/],
  ])('answers "%s --help" with that command\'s usage, wherever the flag stands', (command, usage, start) => {
    expect(parseGlintCommand([command, '--help'])).toEqual({ ok: true, value: { command: 'help', text: usage } });
    expect(parseGlintCommand([command, 'list', '-h'])).toEqual({ ok: true, value: { command: 'help', text: usage } });
    expect(parseGlintCommand(['help', command])).toEqual({ ok: true, value: { command: 'help', text: usage } });
    expect(usage).toMatch(start);
  });

  it('answers a service with --help with the services help, without starting anything', () => {
    expect(parseGlintCommand(['mapper', '--help'])).toEqual({ ok: true, value: { command: 'help', text: SERVICES_HELP } });
    expect(parseGlintCommand(['help', 'all'])).toEqual({ ok: true, value: { command: 'help', text: SERVICES_HELP } });
    for (const service of ['gateway', 'mapper', 'publisher', 'actions', 'catalog', 'all']) expect(SERVICES_HELP).toMatch(new RegExp(`^  ${service} `, 'm'));
  });

  it('starts the named services', () => {
    expect(parseGlintCommand(['mapper', 'publisher'])).toEqual({ ok: true, value: { command: 'serve', services: ['mapper', 'publisher'] } });
  });

  it('hands a command its own arguments', () => {
    expect(parseGlintCommand(['dlq', 'list', '--queue', 'events'])).toEqual({ ok: true, value: { command: 'dlq', args: ['list', '--queue', 'events'] } });
    expect(parseGlintCommand(['resync', '--all'])).toEqual({ ok: true, value: { command: 'resync', args: ['--all'] } });
    expect(parseGlintCommand(['status'])).toEqual({ ok: true, value: { command: 'status', args: [] } });
    expect(parseGlintCommand(['validate', 'a.yml', 'port.yml'])).toEqual({ ok: true, value: { command: 'validate', files: ['a.yml', 'port.yml'] } });
  });

  it('refuses validate without a file, or with an option, showing its usage', () => {
    expect(parseGlintCommand(['validate'])).toEqual({ ok: false, message: `no file named\n${VALIDATE_USAGE}` });
    expect(parseGlintCommand(['validate', '--strict', 'a.yml'])).toEqual({ ok: false, message: `glint validate takes files, not "--strict"\n${VALIDATE_USAGE}` });
  });

  it('refuses an empty command line, an unknown command and help on an unknown topic, with the usage line', () => {
    expect(parseGlintCommand([])).toEqual({ ok: false, message: `no command given\n${USAGE}` });
    expect(parseGlintCommand(['stauts'])).toEqual({ ok: false, message: `unknown service "stauts"\n${USAGE}` });
    expect(parseGlintCommand(['help', 'stauts'])).toEqual({ ok: false, message: `no command "stauts"\n${USAGE}` });
    expect(USAGE).toContain('glint --help');
  });
});
