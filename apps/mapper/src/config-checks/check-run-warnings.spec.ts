import { annotationsFor } from './check-run-output';

describe('check run annotations of a mapping’s warnings', () => {
  it('annotates an unknown key as a warning on its line, after the failures', () => {
    const file = '.github/port-app-config.yml';
    const annotations = annotationsFor([
      {
        path: file,
        kind: 'port-app-config',
        found: true,
        problems: [{ file, path: 'resources[0].kind', message: 'unknown kind "repo"', line: 2 }],
        warnings: [{ file, path: 'resources[0].selector.includeSamlEmail', message: 'unknown option "includeSamlEmail" of the user kind, ignored', line: 5 }],
      },
    ]);

    expect(annotations.map((annotation) => [annotation.annotation_level, annotation.start_line, annotation.title])).toEqual([
      ['failure', 2, 'Invalid port-app-config.yml'],
      ['warning', 5, 'Ignored in port-app-config.yml'],
    ]);
  });
});
