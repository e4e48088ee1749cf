import type { GithubInstallation } from '@glint/github';
import { findInstallation } from './resync-command';
import { DEFAULT_RESYNC_REASON, parseResyncCommandLine, RESYNC_USAGE } from './resync-command-line';

describe('parseResyncCommandLine', () => {
  it('requests every installation with --all', () => {
    expect(parseResyncCommandLine(['--all'])).toEqual({ ok: true, value: { target: { all: true }, reason: DEFAULT_RESYNC_REASON } });
  });

  it('requests the named installations, each once, with the reason given', () => {
    expect(parseResyncCommandLine(['acme', '4242', 'acme', '--reason', 'mapping fixed'])).toEqual({ ok: true, value: { target: { all: false, installations: ['acme', '4242'] }, reason: 'mapping fixed' } });
    expect(parseResyncCommandLine(['--reason=after the outage', 'acme'])).toMatchObject({ ok: true, value: { reason: 'after the outage' } });
  });

  it.each([
    [[], 'name an installation (its id or account login) or pass --all'],
    [['--all', 'acme'], '--all cannot be combined with an installation (acme)'],
    [['acme', '--reason'], '--reason needs a text'],
    [['acme', '--reason', '--all'], '--reason needs a text'],
    [['acme', '--reason', 'a', '--reason', 'b'], '--reason is given twice'],
    [['acme', '--force'], 'unknown option "--force"'],
  ])('refuses %j: %s, with the usage', (args, message) => {
    expect(parseResyncCommandLine(args)).toEqual({ ok: false, message: `${message}\n${RESYNC_USAGE}` });
  });
});

describe('findInstallation', () => {
  const installations: GithubInstallation[] = [
    { id: 4242, accountLogin: 'Acme', accountType: 'Organization', suspended: false },
    { id: 7, accountLogin: '1234', accountType: 'User', suspended: false },
  ];

  it('finds an installation by id, or by login whatever its case', () => {
    expect(findInstallation(installations, '4242')?.accountLogin).toBe('Acme');
    expect(findInstallation(installations, 'acme')?.id).toBe(4242);
  });

  it('reads a number as an id, not a login, and finds nothing for an unknown name', () => {
    expect(findInstallation(installations, '1234')).toBeUndefined();
    expect(findInstallation(installations, 'globex')).toBeUndefined();
  });
});
