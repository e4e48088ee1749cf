import { diffGitops } from './gitops-diff';
import type { GitopsEntity } from './port-yml';
import { gitopsChangesForPush, GitopsFileError } from './gitops-push';
import { parsePortYml } from './port-yml';

/** Files per commit: commit sha → path → text. */
function repository(commits: Record<string, Record<string, string>>) {
  return async (path: string, sha: string) => commits[sha]?.[path] ?? null;
}

const options = { createMissingRelatedEntities: true };

describe('parsePortYml', () => {
  it('reads one entity, or a list of them, with literal values', () => {
    const one = parsePortYml('identifier: api\ntitle: API\nblueprint: service\nproperties:\n  tier: 1\n  url: https://x\nrelations:\n  owners: [a, b]\n  system: core\n');
    const many = parsePortYml('- identifier: a\n  blueprint: service\n- identifier: b\n  blueprint: service\n');

    expect(one).toEqual({
      ok: true,
      entities: [{ identifier: 'api', title: 'API', blueprint: 'service', properties: { tier: 1, url: 'https://x' }, relations: { owners: ['a', 'b'], system: 'core' } }],
    });
    expect(many.ok && many.entities.map((entity) => entity.identifier)).toEqual(['a', 'b']);
  });

  it('names the path and line of each problem', () => {
    expect(parsePortYml('- identifier: a\n  blueprint: service\n- title: no identifier\n  blueprint: 7\n  colour: red\n')).toEqual({
      ok: false,
      problems: [
        { path: '[1].colour', message: expect.stringMatching(/^unknown key/), line: 5 },
        { path: '[1].identifier', message: 'missing; every entity needs an identifier (a string)', line: 3 },
        { path: '[1].blueprint', message: 'missing; every entity needs a blueprint (a string)', line: 4 },
      ],
    });
    expect(parsePortYml('identifier: [unclosed\n')).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/^YAML syntax error/), line: expect.any(Number) }] });
  });

  it('reports an alias without its anchor with its line, instead of throwing', () => {
    expect(parsePortYml('identifier: api\nblueprint: service\nproperties:\n  owner: *team\n')).toEqual({
      ok: false,
      problems: [{ path: '', message: 'YAML alias error: Unresolved alias (the anchor must be set before the alias): team', line: 4 }],
    });
  });

  it('refuses property values that JSON cannot carry, naming the property and its line', () => {
    const parsed = parsePortYml('%YAML 1.1\n---\nidentifier: api\nblueprint: service\nproperties:\n  ratio: .nan\n  loop: &loop {self: *loop}\n  since: 2001-12-14\n  ok: 1\n');

    expect(parsed).toEqual({
      ok: false,
      problems: [
        { path: 'properties.ratio', message: 'expected a value the catalog can store (JSON); this one is NaN, a number JSON has no form for', line: 6 },
        { path: 'properties.loop', message: 'expected a value the catalog can store (JSON); this one is an alias inside its own anchor, a value that contains itself', line: 7 },
        { path: 'properties.since', message: expect.stringMatching(/this one is a YAML 1\.1 Date/), line: 8 },
      ],
    });
  });
});

describe('gitops changes of a push', () => {
  const push = (changedPaths: string[]) => ({ before: 'b0', after: 'a1', changedPaths });

  it('upserts an added file’s entities', async () => {
    const read = repository({ a1: { 'services/api/port.yml': 'identifier: api\nblueprint: service\n' } });

    expect(await gitopsChangesForPush(push(['services/api/port.yml']), ['**/port.yml'], read, options)).toEqual({
      upserts: [{ identifier: 'api', blueprint: 'service', properties: {}, relations: {} }],
      deletes: [],
    });
  });

  it('upserts only what changed, and deletes what a file no longer declares', async () => {
    const before = '- identifier: api\n  blueprint: service\n  properties: {tier: 1}\n- identifier: web\n  blueprint: service\n- identifier: old\n  blueprint: service\n';
    const after = '- identifier: api\n  blueprint: service\n  properties: {tier: 2}\n- identifier: web\n  blueprint: service\n';
    const read = repository({ b0: { 'port.yml': before }, a1: { 'port.yml': after } });

    const diff = await gitopsChangesForPush(push(['port.yml', 'README.md']), ['**/port.yml'], read, options);

    expect(diff.upserts.map((entity) => [entity.identifier, entity.properties])).toEqual([['api', { tier: 2 }]]);
    expect(diff.deletes).toEqual([{ blueprint: 'service', identifier: 'old' }]);
  });

  it('deletes every entity of a removed file', async () => {
    const read = repository({ b0: { 'x/port.yml': '- identifier: a\n  blueprint: s\n- identifier: b\n  blueprint: s\n' } });

    expect((await gitopsChangesForPush(push(['x/port.yml']), ['**/port.yml'], read, options)).deletes).toEqual([
      { blueprint: 's', identifier: 'a' },
      { blueprint: 's', identifier: 'b' },
    ]);
  });

  it('reads file:// values relative to the repository root, or to the port.yml with ./ and ../', async () => {
    const spec = 'identifier: api\nblueprint: service\nproperties:\n  readme: file://./README.md\n  guide: file://../docs/guide.md\n  license: file://LICENSE\n';
    const read = repository({ a1: { 'services/api/port.yml': spec, 'services/api/README.md': '# API', 'services/docs/guide.md': 'guide', LICENSE: 'MIT' } });

    const diff = await gitopsChangesForPush(push(['services/api/port.yml']), ['**/port.yml'], read, options);

    expect(diff.upserts[0].properties).toEqual({ readme: '# API', guide: 'guide', license: 'MIT' });
  });

  it('passes an explicit null through, which clears the property in the catalog', async () => {
    const read = repository({
      b0: { 'port.yml': 'identifier: api\nblueprint: service\nproperties:\n  tier: 1\n' },
      a1: { 'port.yml': 'identifier: api\nblueprint: service\nproperties:\n  tier: null\n' },
    });

    expect((await gitopsChangesForPush(push(['port.yml']), ['**/port.yml'], read, options)).upserts[0].properties).toEqual({ tier: null });
  });

  it('ignores files outside specPath', async () => {
    const read = repository({ a1: { 'catalog/entity.yml': 'identifier: api\nblueprint: service\n' } });
    expect(await gitopsChangesForPush(push(['catalog/entity.yml']), ['**/port.yml'], read, options)).toEqual({ upserts: [], deletes: [] });
    expect((await gitopsChangesForPush(push(['catalog/entity.yml']), ['catalog/*.yml'], read, options)).upserts).toHaveLength(1);
  });

  it('stops on an invalid file or a missing referenced file, saying which', async () => {
    await expect(gitopsChangesForPush(push(['port.yml']), ['**/port.yml'], repository({ a1: { 'port.yml': 'identifier: api\n' } }), options)).rejects.toThrow(
      new GitopsFileError('port.yml at a1 is not a valid port.yml: blueprint (line 1): missing; every entity needs a blueprint (a string)'),
    );
    await expect(
      gitopsChangesForPush(push(['port.yml']), ['**/port.yml'], repository({ a1: { 'port.yml': 'identifier: api\nblueprint: s\nproperties:\n  readme: file://./NOPE.md\n' } }), options),
    ).rejects.toThrow('port.yml: properties.readme refers to NOPE.md, which does not exist');
  });
});

describe('diffGitops', () => {
  it('keeps a removed entity that a remaining one relates to when missing related entities are created', () => {
    const before: GitopsEntity[] = [
      { identifier: 'core', blueprint: 'system', properties: {}, relations: {} },
      { identifier: 'api', blueprint: 'service', properties: {}, relations: { system: 'core' } },
    ];
    const after = [before[1]];

    expect(diffGitops(before, after, { createMissingRelatedEntities: true }).deletes).toEqual([]);
    expect(diffGitops(before, after, { createMissingRelatedEntities: false }).deletes).toEqual([{ blueprint: 'system', identifier: 'core' }]);
  });

  it('does not count a different key order as a change', () => {
    const entity = { identifier: 'a', blueprint: 's', properties: { x: 1, y: 2 }, relations: {} };
    expect(diffGitops([entity], [{ ...entity, properties: { y: 2, x: 1 } }], options).upserts).toEqual([]);
  });
});
