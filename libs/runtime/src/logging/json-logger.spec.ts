import { Logger } from '@nestjs/common';
import { createJsonLogger } from './json-logger';
import { withLogContext, withServiceLogContext } from './log-context';

function capture(level: Parameters<typeof createJsonLogger>[1] = 'trace', secrets: string[] = []) {
  const lines: Array<Record<string, unknown>> = [];
  const sut = createJsonLogger('gateway', level, { secrets, destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  return { sut, lines };
}

describe('JsonLogger', () => {
  afterEach(() => Logger.overrideLogger(false));

  it("keeps Nest's report of a failed boot, which the launcher prints as one line, for debug", () => {
    const quiet = capture('info');
    const verbose = capture('debug');

    quiet.sut.error(new Error('cannot reach Redis'), 'ExceptionHandler');
    verbose.sut.error(new Error('cannot reach Redis'), 'ExceptionHandler');

    expect(quiet.lines).toEqual([]);
    expect(verbose.lines).toEqual([expect.objectContaining({ level: 'debug', context: 'ExceptionHandler', msg: 'cannot reach Redis' })]);
  });

  it('writes one JSON object per line with level, time, service, context and message', () => {
    const { sut, lines } = capture();

    sut.log('listening', 'webhook');

    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), pid: process.pid, service: 'gateway', context: 'webhook', msg: 'listening' }),
    ]);
  });

  it("serves Nest's Logger API, with the fields of the log context and the fields passed as an object", () => {
    const { sut, lines } = capture();
    Logger.overrideLogger(sut);

    withServiceLogContext('mapper', () =>
      withLogContext({ deliveryId: 'd-1', groupKey: 'repo-1/issue-2', installationId: 3 }, () => {
        new Logger('events').warn('attempt 1 failed', { attempt: 1 });
        new Logger('events').error('dead-lettered', new Error('boom').stack);
        new Logger('events').error(new Error('thrown'));
      }),
    );

    expect(lines[0]).toMatchObject({ level: 'warn', service: 'mapper', context: 'events', deliveryId: 'd-1', groupKey: 'repo-1/issue-2', installationId: 3, attempt: 1, msg: 'attempt 1 failed' });
    expect(lines[1]).toMatchObject({ level: 'error', context: 'events', msg: 'dead-lettered', stack: expect.stringContaining('Error: boom') });
    expect(lines[2]).toMatchObject({ level: 'error', msg: 'thrown', err: { type: 'Error', message: 'thrown' } });
  });

  it('writes nothing below its level, and maps Nest levels to pino levels', () => {
    const { sut, lines } = capture('warn');

    sut.log('info line');
    sut.debug('debug line');
    sut.verbose('trace line');
    sut.warn('warn line');
    sut.fatal('fatal line');

    expect(lines.map((line) => [line['level'], line['msg']])).toEqual([
      ['warn', 'warn line'],
      ['fatal', 'fatal line'],
    ]);
  });

  it('redacts secrets in the message, in fields and in credential-named fields', () => {
    const { sut, lines } = capture('info', ['webhook-secret-value']);

    sut.log('verifying with webhook-secret-value', { headers: { authorization: 'token ghs_abcdefghijklmnopqrstuvwxyz0123' }, body: 'secret=webhook-secret-value' }, 'webhook');

    const text = JSON.stringify(lines);
    expect(text).not.toContain('webhook-secret-value');
    expect(text).not.toContain('ghs_');
    expect(lines[0]).toMatchObject({ msg: 'verifying with [redacted]', headers: { authorization: '[redacted]' }, body: 'secret=[redacted]' });
  });
});
