import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatReport, validateFiles } from './validate';

/**
 * One mapping using every selector and port option the peer integration (Ocean GitHub 6.x) documents that teams
 * bring along, written from its docs: a config moved from the peer must validate unchanged.
 */
const PEER_CONFIG = `
deleteDependentEntities: true
createMissingRelatedEntities: true
enableMergeEntity: true
entityDeletionThreshold: 0.5
repositoryType: all
resources:
  - kind: repository
    selector:
      query: 'true'
      repoSearch:
        query: 'topic:payments archived:false'
      includedFiles: [README.md, CODEOWNERS]
      includedRelations:
        teams: true
        collaborators:
          affiliation: direct
        customProperties: true
        sbom: true
        pages: true
    port:
      entity:
        mappings:
          identifier: .name
          blueprint: '"githubRepository"'
          properties:
            readme: .__includedFiles["README.md"]
  - kind: repository
    selector:
      query: '.archived == false'
      include: [teams, collaborators, sbom]
    port:
      entity:
        mappings:
          identifier: .name
          blueprint: '"githubRepository"'
  - kind: pull-request
    selector:
      query: 'true'
      api: graphql
      states: [open, closed]
      since: 30
      maxResults: 200
      enrichWithFirstCommit: true
      excludeGraphqlFields: [reviewThreads, statusCheckRollup]
    port:
      entity:
        mappings:
          identifier: .head.repo.name + (.id|tostring)
          blueprint: '"githubPullRequest"'
  - kind: branch
    selector:
      query: 'true'
      detailed: true
      protectionRules: true
      branchNames: [main, release]
    port:
      entity:
        mappings:
          identifier: .__repository + "_" + .name
          blueprint: '"branch"'
  - kind: environment
    selector:
      query: 'true'
      includeVariables: true
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + .name
          blueprint: '"githubRepoEnvironment"'
  - kind: deployment
    selector:
      query: 'true'
      environment: production
      enrichWithFirstCommit: true
    port:
      entity:
        mappings:
          identifier: .__repository + "-" + (.id|tostring)
          blueprint: '"githubDeployment"'
  - kind: workflow-run
    selector:
      query: 'true'
      since_date: '2026-01-01'
    port:
      entity:
        mappings:
          identifier: .repository.name + (.id|tostring)
          blueprint: '"githubWorkflowRun"'
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
          identifier:
            combinator: and
            rules:
              - property: login
                operator: '='
                value: .item.login
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
  - kind: dependabot-alert
    selector:
      query: 'true'
      states: [open]
      severity: [high, critical]
      ecosystems: [npm, maven]
    port:
      entity:
        mappings:
          identifier: .__repository + (.number|tostring)
          blueprint: '"githubDependabotAlert"'
  - kind: code-scanning-alerts
    selector:
      query: 'true'
      state: open
      severity: high
    port:
      entity:
        mappings:
          identifier: .__repository + (.number|tostring)
          blueprint: '"githubCodeScanningAlert"'
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
          skipParsing: false
          validationCheck: true
    port:
      entity:
        mappings:
          identifier: .repository.name + "-" + .content.name
          blueprint: '"npmPackage"'
  - kind: folder
    selector:
      query: 'true'
      includedFiles: [CODEOWNERS]
      folders:
        - path: services/*
          organization: acme
          repos:
            - name: monorepo
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
    port:
      entity:
        mappings:
          identifier: .__repository.name + "-" + .skill.name
          blueprint: '"agentSkill"'
          properties:
            description: .skill.description
  - kind: plugin
    selector:
      query: 'true'
      providers: [claude, cursor, codex]
      paths:
        - organization: acme
          repos:
            - name: agent-plugins
    port:
      entity:
        mappings:
          identifier: .plugin.name
          blueprint: '"agentPlugin"'
`;

describe('glint validate with the peer’s options', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'glint-validate-peer-'));
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('accepts one config combining every option of the peer that teams bring, warning only of what has no effect here', async () => {
    const file = join(directory, 'port-app-config.yml');
    writeFileSync(file, PEER_CONFIG);

    const [report] = await validateFiles([file]);

    expect(report.problems).toEqual([]);
    expect(report.warnings.map((warning) => warning.path)).toEqual(['resources[11].selector.exportEnvVariables']);
    expect(formatReport(report)).toMatch(/\nok {6}.*port-app-config\.yml \(port-app-config, 1 warning\)$/);
  });

  it('prints a warning naming an unknown key and its line, and still reports the file ok', async () => {
    const file = join(directory, 'unknown-key-port-app-config.yml');
    writeFileSync(file, "resources:\n  - kind: user\n    selector:\n      query: 'true'\n      includeBots: true\n    port:\n      entity:\n        mappings:\n          identifier: .login\n          blueprint: '\"githubUser\"'\n");

    const [report] = await validateFiles([file]);

    expect(report.problems).toEqual([]);
    expect(formatReport(report).split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^warning ${file}:5: resources\\[0\\]\\.selector\\.includeBots: unknown option "includeBots" of the user kind, ignored`)),
      `ok      ${file} (port-app-config, 1 warning)`,
    ]);
  });
});
