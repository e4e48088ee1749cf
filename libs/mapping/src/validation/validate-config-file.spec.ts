import type { JqCheck } from '../jq/jq-engine';
import { configFileKind, jqStringLiteral, validateConfigFile } from './validate-config-file';

/** Compiles everything except programs ending in a pipe, as jq would refuse those. */
const jq = { check: async (program: string): Promise<JqCheck> => (program.trim().endsWith('|') ? { ok: false, error: `syntax error, unexpected end of file in: ${program}` } : { ok: true }) };

const mapping = (blueprint: string, identifier = '.name') =>
  `resources:\n  - kind: repository\n    selector:\n      query: 'true'\n    port:\n      entity:\n        mappings:\n          identifier: ${identifier}\n          blueprint: ${blueprint}\n`;

describe('validateConfigFile', () => {
  it('passes a valid mapping and returns the blueprints it names as string literals, with their lines', async () => {
    const result = await validateConfigFile('.github/port-app-config.yml', `${mapping(`'"service"'`)}  - kind: pull-request\n    selector:\n      query: 'true'\n    port:\n      entity:\n        mappings:\n          identifier: .id | tostring\n          blueprint: '.kind'\n`, jq);

    expect(result).toEqual({ kind: 'port-app-config', problems: [], warnings: [], blueprints: [{ blueprint: 'service', path: 'resources[0].port.entity.mappings.blueprint', line: 9 }] });
  });

  it('reports a mapping’s jq compile errors with path and line, and no blueprints then', async () => {
    const result = await validateConfigFile('port-app-config.yml', mapping(`'"service"'`, '.name |'), jq);

    expect(result.blueprints).toEqual([]);
    expect(result.problems).toEqual([{ path: 'resources[0].port.entity.mappings.identifier', line: 8, message: expect.stringMatching(/^jq compile error: syntax error/) }]);
  });

  it('reports YAML syntax errors with their line', async () => {
    const result = await validateConfigFile('services/port.yml', 'identifier: api\nblueprint: [service\n', jq);

    expect(result.kind).toBe('port.yml');
    expect(result.problems).toEqual([expect.objectContaining({ path: '', message: expect.stringMatching(/^YAML syntax error/), line: expect.any(Number) })]);
  });

  it('checks port.yml identifiers against the catalog’s rules and returns each entity’s blueprint', async () => {
    const result = await validateConfigFile('port.yml', '- identifier: good-one\n  blueprint: service\n- identifier: bad id!\n  blueprint: team\n', jq);

    expect(result.problems).toEqual([{ path: '[1].identifier', line: 3, message: expect.stringContaining('contains " "') }]);
    expect(result.blueprints).toEqual([
      { blueprint: 'service', path: '[0].blueprint', line: 2 },
      { blueprint: 'team', path: '[1].blueprint', line: 4 },
    ]);
  });

  it('names the paths of a single-entity port.yml without an index', async () => {
    const result = await validateConfigFile('port.yml', 'identifier: ..\nblueprint: service\n', jq);

    expect(result.problems).toEqual([{ path: 'identifier', line: 1, message: 'the identifier may not be "." or ".."' }]);
    expect(result.blueprints).toEqual([{ blueprint: 'service', path: 'blueprint', line: 2 }]);
  });
});

describe('configFileKind', () => {
  it.each([
    ['.github/port-app-config.yml', 'anything: 1', 'port-app-config'],
    ['mapping.yml', 'resources: []', 'port-app-config'],
    ['services/port.yml', 'identifier: api', 'port.yml'],
    ['broken.yml', 'resources: [', 'port.yml'],
  ] as const)('takes %s to be a %s file', (path, text, kind) => {
    expect(configFileKind(path, text)).toBe(kind);
  });
});

describe('jqStringLiteral', () => {
  it.each([
    ['"service"', 'service'],
    [' "a \\"b\\"" ', 'a "b"'],
    ['.kind', undefined],
    ['"a" + "b"', undefined],
    ['"\\(.kind)"', undefined],
  ])('reads %s as %s', (program, literal) => {
    expect(jqStringLiteral(program)).toBe(literal);
  });
});
