import { JqEngine } from '../jq/jq-engine';
import { formatProblem } from './app-config.types';
import { parseAppConfig } from './parse-app-config';

/**
 * A mapping as a team running the peer integration writes it, with the repository-scoped options its documentation
 * describes (repository search, repository relations, branch, environment, deployment, pull request and workflow run
 * options): it must validate unchanged.
 */
const mapping = (kind: string, selector: string) => `resources:
  - kind: ${kind}
    selector:
      query: 'true'
${selector
  .trim()
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
    port:
      entity:
        mappings:
          identifier: .name
          blueprint: '"service"'
`;

describe('repository-scoped selector options in a port-app-config', () => {
  let jq: JqEngine;

  beforeAll(() => {
    jq = new JqEngine({ workers: 1 });
  });

  afterAll(() => jq.close());

  const selectorOf = async (kind: string, selector: string) => {
    const parsed = await parseAppConfig(mapping(kind, selector), jq);
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    return parsed.config.resources[0].selector;
  };
  const problemsOf = async (kind: string, selector: string) => {
    const parsed = await parseAppConfig(mapping(kind, selector), jq);
    return parsed.ok ? [] : parsed.problems.map(formatProblem);
  };

  it.each(['organization', 'repository', 'pull-request', 'issue', 'branch', 'workflow', 'workflow-run', 'release', 'tag', 'environment', 'deployment', 'deployment-status', 'dependabot-alert', 'code-scanning-alerts', 'secret-scanning-alerts', 'collaborator'])(
    'accepts repoSearch on the %s kind',
    async (kind) => {
      expect(await selectorOf(kind, `repoSearch:\n  query: "topic:payments language:go archived:false"`)).toMatchObject({ repoSearch: { query: 'topic:payments language:go archived:false' } });
    },
  );

  it('refuses a repoSearch without a query, or with options it does not have, naming the fix', async () => {
    expect(await problemsOf('issue', 'repoSearch: "topic:payments"')).toEqual([expect.stringMatching(/selector\.repoSearch.*expected \{query: .*\}/)]);
    expect(await problemsOf('issue', 'repoSearch:\n  query: topic:x\n  sort: updated')).toEqual([expect.stringMatching(/repoSearch.*sort: not a repoSearch option; its only option is query/)]);
  });

  it('accepts the repository relations in the peer’s object form, its list form and the older include list', async () => {
    const objectForm = await selectorOf(
      'repository',
      `includedRelations:
  collaborators:
    affiliation: outside
  teams: true
  customProperties: true
  sbom: true
  pages: false`,
    );
    expect(objectForm['includedRelations']).toEqual({ collaborators: { affiliation: 'outside' }, teams: true, customProperties: true, sbom: true, pages: false });
    expect(await selectorOf('repository', 'includedRelations: [teams, collaborators, sbom, pages]')).toMatchObject({ includedRelations: ['teams', 'collaborators', 'sbom', 'pages'] });
    expect(await selectorOf('repository', 'include: [collaborators, teams, sbom]')).toMatchObject({ include: ['collaborators', 'teams', 'sbom'] });
  });

  it('refuses unknown relations, a wrong affiliation, and include beside includedRelations', async () => {
    expect(await problemsOf('repository', 'includedRelations:\n  owners: true')).toEqual([expect.stringMatching(/includedRelations.*owners: not a relation; expected one of teams, collaborators, customProperties, sbom, pages/)]);
    expect(await problemsOf('repository', 'includedRelations:\n  collaborators:\n    affiliation: everyone')).toEqual([expect.stringMatching(/collaborators: affiliation: expected one of all, direct, outside/)]);
    expect(await problemsOf('repository', 'include: [pages]')).toEqual([expect.stringMatching(/selector\.include.*expected a list of collaborators, teams, sbom/)]);
    expect(await problemsOf('repository', 'include: [teams]\nincludedRelations:\n  teams: true')).toEqual([expect.stringMatching(/selector\.include.*either include .* or includedRelations, not both/)]);
  });

  it('accepts the branch, environment, deployment, pull request and workflow run options', async () => {
    expect(await selectorOf('branch', 'detailed: true\nprotectionRules: true\nbranchNames: [main, develop]')).toMatchObject({ detailed: true, branchNames: ['main', 'develop'] });
    expect(await selectorOf('environment', 'includeVariables: true')).toMatchObject({ includeVariables: true });
    expect(await selectorOf('deployment', 'environment: production\nenrichWithFirstCommit: true')).toMatchObject({ enrichWithFirstCommit: true });
    expect(await selectorOf('pull-request', 'states: [open, closed]\nenrichWithFirstCommit: true')).toMatchObject({ enrichWithFirstCommit: true });
    expect(await selectorOf('workflow-run', 'statuses: [completed]\nsince_date: "2025-01-01"')).toMatchObject({ since_date: '2025-01-01' });
  });

  it('refuses values of the wrong type, naming the option', async () => {
    expect(await problemsOf('branch', 'branchNames: main')).toEqual([expect.stringMatching(/selector\.branchNames.*expected a list of strings/)]);
    expect(await problemsOf('branch', 'detailed: "yes"')).toEqual([expect.stringMatching(/selector\.detailed.*expected true or false/)]);
    expect(await problemsOf('workflow-run', 'since_date: last week')).toEqual([expect.stringMatching(/selector\.since_date.*expected an ISO date/)]);
    expect(await problemsOf('environment', 'includeVariables: 1')).toEqual([expect.stringMatching(/selector\.includeVariables.*expected true or false/)]);
  });
});
