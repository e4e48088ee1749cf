import { parseCommandLine } from './command-line';

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
