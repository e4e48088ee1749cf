import { JqEngine } from '../jq/jq-engine';
import { ResourceMapper } from '../entities/resource-mapper';
import { formatProblem } from './app-config.types';
import { parseAppConfig } from './parse-app-config';

/** Options of the peer integration's selectors and `port` blocks, as its docs show them. */
const PEER_OPTIONS_CONFIG = `
resources:
  - kind: user
    selector:
      query: 'true'
      includeSAMLEmail: true
    port:
      entity:
        mappings:
          identifier: .login
          blueprint: '"githubUser"'
          properties:
            email: .__SAMLEmail // .email
  - kind: team
    selector:
      query: 'true'
      members: true
      includeSAMLEmail: true
      include_external_group: true
    port:
      itemsToParse: .members.nodes
      itemsToParseTopLevelTransform: false
      entity:
        mappings:
          identifier: .item.login
          blueprint: '"githubTeamMember"'
          relations:
            team:
              combinator: and
              rules:
                - property: '$identifier'
                  operator: '='
                  value: .slug
                - combinator: or
                  rules:
                    - property: idpGroup
                      operator: '='
                      value: .__external_group.group_name
                    - property: '$title'
                      operator: '='
                      value: .name
  - kind: file
    selector:
      query: 'true'
      includedFiles: [CODEOWNERS]
      exportEnvVariables: [CLUSTER_NAME]
      files:
        - path: '**/package.json'
          organization: acme
          repos:
            - name: api
              branch: main
          validationCheck: true
    port:
      entity:
        mappings:
          identifier: .repository.name + "-" + .content.name
          blueprint: '"npmPackage"'
          properties:
            owners: .__includedFiles["CODEOWNERS"]
  - kind: folder
    selector:
      query: 'true'
      includedFiles: [README.md]
      folders:
        - path: services/*
          organization: acme
          includedFiles: [service.yaml]
    port:
      entity:
        mappings:
          identifier: .folder.name
          blueprint: '"service"'
  - kind: skill
    selector:
      query: 'true'
      paths:
        - path: .claude/skills/**/SKILL.md
          organization: acme
          repos: [{ name: agents }]
    port:
      entity:
        mappings:
          identifier: .__repository.name + "-" + .skill.name
          blueprint: '"agentSkill"'
  - kind: plugin
    selector:
      query: 'true'
      providers: [claude, cursor]
      paths:
        - organization: acme
    port:
      entity:
        mappings:
          identifier: .plugin.name
          blueprint: '"agentPlugin"'
  - kind: dependabot-alert
    selector:
      query: 'true'
      states: [open, dismissed]
      severity: [high, critical]
      ecosystems: [npm, pip]
    port:
      entity:
        mappings:
          identifier: .__repository + (.number|tostring)
          blueprint: '"githubDependabotAlert"'
  - kind: code-scanning-alerts
    selector:
      query: 'true'
      state: open
      severity: error
    port:
      entity:
        mappings:
          identifier: .__repository + (.number|tostring)
          blueprint: '"githubCodeScanningAlert"'
`;

describe('the peer’s selector and port options', () => {
  let jq: JqEngine;

  beforeAll(() => {
    jq = new JqEngine({ workers: 1 });
  });

  afterAll(() => jq.close());

  it('accepts a config using them and keeps them for the fetchers; exportEnvVariables, which feeds the peer’s lakehouse, is a warning', async () => {
    const parsed = await parseAppConfig(PEER_OPTIONS_CONFIG, jq);

    expect(parsed.warnings.map(formatProblem)).toEqual([
      expect.stringMatching(/^resources\[2\]\.selector\.exportEnvVariables \(line 46\): exportEnvVariables is accepted but has no effect here: in the peer it adds the named environment variables' values to Port's lakehouse/),
    ]);
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    const [user, team, file, folder, skill, plugin] = parsed.config.resources;
    expect(user.selector).toMatchObject({ includeSAMLEmail: true });
    expect(team.selector).toMatchObject({ includeSAMLEmail: true, include_external_group: true });
    expect(team.port.itemsToParseTopLevelTransform).toBe(false);
    expect(file.selector).toMatchObject({ includedFiles: ['CODEOWNERS'], exportEnvVariables: ['CLUSTER_NAME'], files: [{ organization: 'acme', validationCheck: true }] });
    expect(folder.selector).toMatchObject({ includedFiles: ['README.md'], folders: [{ organization: 'acme', includedFiles: ['service.yaml'] }] });
    expect(skill.kind).toBe('skill');
    expect(plugin.selector).toMatchObject({ providers: ['claude', 'cursor'], paths: [{ organization: 'acme' }] });
    expect(parsed.config.resources[0].port.itemsToParseTopLevelTransform).toBe(true);
  });

  it('refuses enum values GitHub does not have, naming the ones it does', async () => {
    const config = PEER_OPTIONS_CONFIG.replace('severity: [high, critical]', 'severity: [severe]')
      .replace('ecosystems: [npm, pip]', 'ecosystems: [npm, cargo]')
      .replace('severity: error', 'severity: blocker')
      .replace('providers: [claude, cursor]', 'providers: [claude, copilot]');

    const parsed = await parseAppConfig(config, jq);

    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^resources\[5\]\.selector\.providers \(line \d+\): expected a list of claude, cursor, codex, agents, kimi, opencode, pi, antigravity$/),
      expect.stringMatching(/^resources\[6\]\.selector\.severity \(line \d+\): expected a list of low, medium, high, critical$/),
      expect.stringMatching(/^resources\[6\]\.selector\.ecosystems \(line \d+\): expected a list of composer, go, maven, npm, nuget, pip, pub, rubygems, rust$/),
      expect.stringMatching(/^resources\[7\]\.selector\.severity \(line \d+\): expected one of critical, high, medium, low, warning, note, error$/),
    ]);
  });

  it('refuses a malformed source entry or environment variable list, naming the field', async () => {
    const config = PEER_OPTIONS_CONFIG.replace('validationCheck: true', 'validationCheck: "yes"').replace('exportEnvVariables: [CLUSTER_NAME]', 'exportEnvVariables: [CLUSTER NAME]');

    const parsed = await parseAppConfig(config, jq);

    expect(parsed.ok ? [] : parsed.problems.map((problem) => `${problem.path}: ${problem.message}`)).toEqual([
      'resources[2].selector.exportEnvVariables: expected a list of environment variable names',
      'resources[2].selector.files: files[0].validationCheck: expected true or false',
    ]);
  });

  it('warns of each unknown key with where it is and its line, and still accepts the config', async () => {
    const config = [
      'deleteDependentEntities: true',
      'enableMergeEntitiy: true',
      'resources:',
      '  - kind: team',
      '    selecter: {}',
      '    selector:',
      "      query: 'true'",
      '      includeSamlEmail: true',
      '    port:',
      '      itemsToParseTopLevel: false',
      '      entity:',
      '        mappings:',
      '          identifier: .slug',
      "          blueprint: '\"githubTeam\"'",
      '          propreties:',
      '            name: .name',
      '  - kind: file',
      '    selector:',
      "      query: 'true'",
      '      files:',
      "        - path: '**/package.json'",
      '          skipParsin: true',
      '    port:',
      '      entity:',
      '        mappings:',
      '          identifier: .path',
      "          blueprint: '\"file\"'",
    ].join('\n');

    const parsed = await parseAppConfig(config, jq);

    expect(parsed.ok).toBe(true);
    expect(parsed.warnings.map(formatProblem)).toEqual([
      expect.stringMatching(/^enableMergeEntitiy \(line 2\): unknown key "enableMergeEntitiy", ignored/),
      expect.stringMatching(/^resources\[0\]\.selecter \(line 5\): unknown key "selecter", ignored: not a key of a resource block/),
      expect.stringMatching(/^resources\[0\]\.selector\.includeSamlEmail \(line 8\): unknown option "includeSamlEmail" of the team kind, ignored; its options are query, members, includeSAMLEmail, include_external_group/),
      expect.stringMatching(/^resources\[0\]\.port\.itemsToParseTopLevel \(line 10\): unknown key "itemsToParseTopLevel", ignored/),
      expect.stringMatching(/^resources\[0\]\.port\.entity\.mappings\.propreties \(line 15\): unknown key "propreties", ignored: not an entity mapping/),
      expect.stringMatching(/^resources\[1\]\.selector\.files\[0\]\.skipParsin \(line 22\): unknown key "skipParsin", ignored: not a field of a files entry \(known: path, organization, repos, skipParsing, validationCheck\)$/),
    ]);
  });
});

describe('mapping with the peer’s port options', () => {
  let jq: JqEngine;

  beforeAll(() => {
    jq = new JqEngine({ workers: 1 });
  });

  afterAll(() => jq.close());

  const team = { slug: 'core', name: 'Core', __external_group: { group_name: 'idp-core' }, members: { nodes: [{ login: 'ada' }, { login: 'linus' }] } };

  const mapperFor = async (transform: string) => {
    const parsed = await parseAppConfig(PEER_OPTIONS_CONFIG.replace('itemsToParseTopLevelTransform: false', transform).replace('identifier: .item.login', 'identifier: .item.login + "-" + ((.members.nodes // []) | length | tostring)'), jq);
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    return new ResourceMapper(parsed.config.resources[1], 1, jq);
  };

  it('leaves the parsed list out of each item’s object by default, and keeps it with itemsToParseTopLevelTransform: false', async () => {
    const withoutList = await (await mapperFor('itemsToParseTopLevelTransform: true')).map([team]);
    const byDefault = await (await mapperFor('')).map([team]);
    const withList = await (await mapperFor('itemsToParseTopLevelTransform: false')).map([team]);

    expect(withoutList.entities.map((entity) => entity.identifier)).toEqual(['ada-0', 'linus-0']);
    expect(byDefault.entities.map((entity) => entity.identifier)).toEqual(['ada-0', 'linus-0']);
    expect(withList.entities.map((entity) => entity.identifier)).toEqual(['ada-2', 'linus-2']);
  });

  it('evaluates the jq of every rule of a nested search-query relation', async () => {
    const { entities } = await (await mapperFor('itemsToParseTopLevelTransform: false')).map([team]);

    expect(entities[0].relations['team']).toEqual({
      combinator: 'and',
      rules: [
        { property: '$identifier', operator: '=', value: 'core' },
        {
          combinator: 'or',
          rules: [
            { property: 'idpGroup', operator: '=', value: 'idp-core' },
            { property: '$title', operator: '=', value: 'Core' },
          ],
        },
      ],
    });
  });
});
