import { parseDlqCommandLine } from './dlq-command-line';

describe('parseDlqCommandLine', () => {
  it('lists every dead-letter queue without options', () => {
    expect(parseDlqCommandLine(['list'])).toEqual({ ok: true, value: { command: 'list', sources: ['events', 'publish', 'jobs'], filter: {} } });
  });

  it('takes the failed jobs of the other queues as --queue jobs', () => {
    expect(parseDlqCommandLine(['replay', '--queue', 'jobs', '--event', 'resync'])).toEqual({ ok: true, value: { command: 'replay', sources: ['jobs'], filter: { event: 'resync' } } });
  });

  it('reads every filter, as --name value or --name=value', () => {
    const parsed = parseDlqCommandLine(['replay', '--queue', 'events', '--event=issues.opened', '--since', '2026-01-31T12:00:00Z', '--id', 'delivery-1', '--limit=5']);

    expect(parsed).toEqual({
      ok: true,
      value: { command: 'replay', sources: ['events'], filter: { event: 'issues.opened', since: new Date('2026-01-31T12:00:00Z'), id: 'delivery-1', limit: 5 } },
    });
  });

  it('drops everything only when told --all', () => {
    expect(parseDlqCommandLine(['drop', '--queue', 'publish', '--all'])).toEqual({ ok: true, value: { command: 'drop', sources: ['publish'], filter: {} } });
    expect(parseDlqCommandLine(['drop'])).toMatchObject({ ok: false, message: expect.stringMatching(/^drop removes dead letters for good/) });
  });

  it.each([
    [[], /^no dlq command given\nusage: glint dlq/],
    [['purge'], /^unknown dlq command "purge"/],
    [['list', '--queue', 'resync'], /^--queue must be events, publish or jobs, not "resync"/],
    [['list', '--since', 'yesterday'], /^--since must be an ISO 8601 time/],
    [['list', '--since', '2026-13-45'], /^--since must be an ISO 8601 time/],
    [['list', '--limit', '0'], /^--limit must be a positive whole number, not "0"/],
    [['list', '--limit'], /^--limit needs a value/],
    [['list', '--event', '--all'], /^--event needs a value/],
    [['list', '--verbose'], /^unknown option "--verbose"/],
    [['list', '--id', 'a', '--id', 'b'], /^--id is given twice/],
    [['drop', '--all', '--event', 'push'], /^--all cannot be combined with a filter/],
  ])('rejects %j with a clear message and the usage', (args, message) => {
    const parsed = parseDlqCommandLine(args);

    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
    expect(!parsed.ok && parsed.message).toContain('usage: glint dlq <list|replay|drop>');
  });
});
