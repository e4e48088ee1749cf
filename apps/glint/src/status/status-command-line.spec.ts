import { parseStatusCommandLine, STATUS_USAGE } from './status-command-line';

describe('parseStatusCommandLine', () => {
  it('reads Redis, as text, without options', () => {
    expect(parseStatusCommandLine([])).toEqual({ ok: true, value: { json: false } });
  });

  it('asks a mapper with --url, as JSON with --json', () => {
    expect(parseStatusCommandLine(['--url', 'http://mapper:3001', '--json'])).toEqual({ ok: true, value: { url: new URL('http://mapper:3001'), json: true } });
    expect(parseStatusCommandLine(['--url=https://glint.example.com/mapper'])).toEqual({ ok: true, value: { url: new URL('https://glint.example.com/mapper'), json: false } });
  });

  it.each([
    [['--url'], "--url needs the mapper's address, e.g. http://mapper:3001"],
    [['--url', 'mapper:3001'], '--url must be an http(s) address such as http://mapper:3001, not "mapper:3001"'],
    [['--url', 'http://a', '--url', 'http://b'], '--url is given twice'],
    [['--watch'], 'unknown option "--watch"'],
    [['acme'], 'unknown argument "acme"'],
  ])('refuses %j: %s, with the usage', (args, message) => {
    expect(parseStatusCommandLine(args)).toEqual({ ok: false, message: `${message}\n${STATUS_USAGE}` });
  });
});
