import { isMappingPath, selectConfigFiles } from './config-files';

describe('selectConfigFiles', () => {
  const changed = (...entries: Array<[string, string]>) => entries.map(([filename, status]) => ({ filename, status }));

  it('keeps a repository’s .github/port-app-config.yml and the port.yml files its globs match, in the order listed', () => {
    const files = changed(
      ['src/index.ts', 'modified'],
      ['.github/port-app-config.yml', 'modified'],
      ['port-app-config.yml', 'added'],
      ['services/api/port.yml', 'added'],
      ['port.yml', 'renamed'],
      ['docs/port.yaml', 'added'],
    );

    expect(selectConfigFiles('api', files, ['**/port.yml'])).toEqual([
      { path: '.github/port-app-config.yml', kind: 'port-app-config' },
      { path: 'services/api/port.yml', kind: 'port.yml' },
      { path: 'port.yml', kind: 'port.yml' },
    ]);
  });

  it('takes both the root and the .github/ mapping in .github-private', () => {
    const files = changed(['port-app-config.yml', 'modified'], ['.github/port-app-config.yml', 'added'], ['other/port-app-config.yml', 'added']);

    expect(selectConfigFiles('.github-private', files, ['**/port.yml']).map((file) => file.path)).toEqual(['port-app-config.yml', '.github/port-app-config.yml']);
  });

  it('skips removed files, since nothing is left to check', () => {
    expect(selectConfigFiles('api', changed(['.github/port-app-config.yml', 'removed'], ['port.yml', 'removed']), ['**/port.yml'])).toEqual([]);
  });

  it('follows the specPath globs (dot directories included), and matches nothing without any', () => {
    const files = changed(['catalog/api.yml', 'added'], ['.catalog/db.yml', 'added'], ['port.yml', 'added']);

    expect(selectConfigFiles('api', files, ['catalog/*.yml', '.catalog/*.yml']).map((file) => file.path)).toEqual(['catalog/api.yml', '.catalog/db.yml']);
    expect(selectConfigFiles('api', files, [])).toEqual([]);
  });

  it('reads a mapping as a mapping even when a glob matches it too', () => {
    expect(selectConfigFiles('api', changed(['.github/port-app-config.yml', 'added']), ['**/*.yml'])).toEqual([{ path: '.github/port-app-config.yml', kind: 'port-app-config' }]);
  });
});

describe('isMappingPath', () => {
  it.each([
    ['.github-private', 'port-app-config.yml', true],
    ['.GitHub-Private', '.github/port-app-config.yml', true],
    ['api', '.github/port-app-config.yml', true],
    ['api', 'port-app-config.yml', false],
    ['api', '.github/port-app-config.yaml', false],
  ])('in %s, %s is a mapping: %s', (repository, path, expected) => {
    expect(isMappingPath(repository, path)).toBe(expected);
  });
});
