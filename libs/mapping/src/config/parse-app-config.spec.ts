import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JqEngine } from '../jq/jq-engine';
import { formatProblem, ResourceConfig } from './app-config.types';
import { referencedFilesOf } from './file-references';
import { parseAppConfig } from './parse-app-config';

const peerDefault = readFileSync(join(__dirname, '../defaults/port-app-config.yml'), 'utf8');

describe('parseAppConfig', () => {
  let jq: JqEngine;

  beforeAll(() => {
    jq = new JqEngine({ workers: 2 });
  });

  afterAll(() => jq.close());

  const problemsOf = async (source: string | unknown) => {
    const parsed = await parseAppConfig(source, jq);
    if (parsed.ok) throw new Error('expected the config to be refused');
    return parsed.problems.map(formatProblem);
  };

  it('accepts the peer’s default mapping and fills in the defaults', async () => {
    const parsed = await parseAppConfig(peerDefault, jq);

    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config).toMatchObject({
      deleteDependentEntities: true,
      createMissingRelatedEntities: true,
      enableMergeEntity: true,
      entityDeletionThreshold: 0.9,
      repositoryType: 'all',
      specPath: ['**/port.yml'],
    });
    expect(parsed.config.resources.map((resource) => resource.kind)).toEqual(['organization', 'repository', 'pull-request']);
    expect(parsed.config.resources[1]).toMatchObject({
      selector: { query: 'true', includedFiles: ['README.md', 'CODEOWNERS'] },
      port: { itemsToParseName: 'item', entity: { mappings: { identifier: '.name', blueprint: '"githubRepository"', relations: { organization: '.owner.login' } } } },
    });
  });

  it('reads file:// property values as files of the object\'s repository, and refuses paths outside it', async () => {
    const mapping = (readme: string) =>
      `resources:\n  - kind: repository\n    selector:\n      query: 'true'\n    port:\n      entity:\n        mappings:\n          identifier: .name\n          blueprint: '"service"'\n          properties:\n            readme: ${readme}\n`;

    const parsed = await parseAppConfig(mapping('file://README.md'), jq);

    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(referencedFilesOf(parsed.config.resources[0] as ResourceConfig)).toEqual(['README.md']);
    expect(await problemsOf(mapping('file://../secrets.txt'))).toEqual([expect.stringMatching(/properties\.readme \(line 11\): expected file:\/\/<path in the repository>/)]);
  });

  it('names the path and the jq compile error of a broken expression, with its line', async () => {
    const source = `resources:
  - kind: repository
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .name
          blueprint: '"githubRepository"'
          properties:
            url: .html_url |||
`;
    expect(await problemsOf(source)).toEqual([
      expect.stringMatching(/^resources\[0\]\.port\.entity\.mappings\.properties\.url \(line 11\): jq compile error: syntax error, unexpected '\|'/),
    ]);
  });

  it('reports YAML syntax errors with their line', async () => {
    expect(await problemsOf('resources:\n  - kind: repository\n    selector: [unclosed\n')).toEqual([expect.stringMatching(/^\(file\) \(line \d\): YAML syntax error/)]);
  });

  it('reports an alias without its anchor, and aliases that would blow the value up, with their line instead of throwing', async () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'resources: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'];

    expect(await problemsOf('deleteDependentEntities: true\nresources: *missing\n')).toEqual(['(file) (line 2): YAML alias error: Unresolved alias (the anchor must be set before the alias): missing']);
    expect(await problemsOf(laughs.join('\n'))).toEqual([expect.stringMatching(/^\(file\) \(line 2\): YAML alias error: Excessive alias count/)]);
  });

  it('takes no Object.prototype member for a selector option: each is an unknown option', async () => {
    const mappings = { identifier: '.id', blueprint: '"b"' };
    const parsed = await parseAppConfig({ resources: [{ kind: 'pull-request', selector: { query: 'true', hasOwnProperty: true, constructor: 1 }, port: { entity: { mappings } } }] }, jq);

    expect(parsed.warnings.map(formatProblem)).toEqual([
      expect.stringMatching(/^resources\[0\]\.selector\.hasOwnProperty: unknown option "hasOwnProperty" of the pull-request kind/),
      expect.stringMatching(/^resources\[0\]\.selector\.constructor: unknown option "constructor" of the pull-request kind/),
    ]);
  });

  it('reports every structural problem at once, each with its path', async () => {
    const problems = await problemsOf({
      entityDeletionThreshold: 2,
      resources: [
        { kind: 'repo', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.name', blueprint: '"b"' } } } },
        { kind: 'pull-request', selector: { query: 'true', states: ['merged'], sinze: 3 }, port: { entity: { mappings: { blueprint: '"b"', properties: { n: 5 } } } } },
        { kind: 'issue', port: { entity: { mappings: { identifier: '.id', blueprint: '"b"' } } } },
      ],
    });

    expect(problems).toEqual([
      'entityDeletionThreshold: expected a number from 0 to 1',
      expect.stringMatching(/^resources\[0\]\.kind: unknown kind "repo"; expected one of organization, repository/),
      'resources[1].selector.states: expected a list of open, closed',
      'resources[1].port.entity.mappings.identifier: missing; expected a jq expression',
      'resources[1].port.entity.mappings.properties.n: expected a jq expression (a string), got number 5',
      'resources[2].selector: expected `selector:` with a `query` (jq that yields true or false)',
    ]);
  });

  it('accepts a search query as identifier, team or relation, and checks the jq in its rules', async () => {
    const mappings = {
      identifier: { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: '.login' }] },
      blueprint: '"githubUser"',
      relations: { team: { combinator: 'or', rules: [{ property: 'slug', operator: 'in', value: '[.teams[] |' }] } },
    };
    expect(await problemsOf({ resources: [{ kind: 'user', selector: { query: 'true' }, port: { entity: { mappings } } }] })).toEqual([
      expect.stringMatching(/^resources\[0\]\.port\.entity\.mappings\.relations\.team\.rules\[0\]\.value: jq compile error/),
    ]);
  });

  it('checks file and folder patterns', async () => {
    const resource = (kind: string, selector: Record<string, unknown>) => ({ kind, selector: { query: 'true', ...selector }, port: { entity: { mappings: { identifier: '.path', blueprint: '"f"' } } } });
    expect(
      await problemsOf({ resources: [resource('file', { files: [{ path: '**/port.yml', repos: [{ name: 'api' }] }, { repos: [] }] }), resource('folder', { folders: 'services/*' })] }),
    ).toEqual([
      'resources[0].selector.files: files[1].path: missing; expected {path, organization?, repos?, skipParsing?, validationCheck?}',
      'resources[1].selector.folders: expected a list of {path, organization?, repos?, includedFiles?}',
    ]);
  });
});
