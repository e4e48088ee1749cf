import { loadConfig } from '@glint/config';
import { GithubSimulator, linkExternalGroup, setSamlIdentity } from '@glint/testing';
import { createGithubAccess } from '../client';
import { fetchPlugins, fetchSkills } from './agent-packages';
import type { FetchContext, GithubObject } from './fetch-context';
import { fetchFiles, fetchFolders } from './files';
import { fetchTeams, fetchUsers } from './organization-kinds';

async function all(pages: AsyncIterable<GithubObject[]>): Promise<GithubObject[]> {
  const items: GithubObject[] = [];
  for await (const page of pages) items.push(...page);
  return items;
}

/** The peer's selector options, each changing what is fetched, against the simulator at a realistic latency. */
describe('the peer’s user, team, file, folder, skill and plugin options against the GitHub simulator', () => {
  let simulator: GithubSimulator;
  let context: FetchContext;
  let organization: string;
  let other: string;
  let repository: string;

  beforeAll(async () => {
    simulator = await GithubSimulator.start({ seed: 7, organizations: 2, reposPerOrg: 2, latencyMs: 50 });
    const config = loadConfig(
      { APP_ID: String(simulator.appId), PRIVATE_KEY: Buffer.from(simulator.appPrivateKeyPem).toString('base64'), GHE_HOST: new URL(simulator.url).host, GHE_PROTOCOL: 'http' },
      ['mapper'],
    );
    const access = createGithubAccess(config.github, { clock: { now: () => simulator.now() } });
    const [installation] = await access.installations();
    organization = installation.accountLogin;
    other = simulator.state.organizations.map((org) => org.login).find((login) => login !== organization) ?? '';
    repository = simulator.state.organization(organization)?.repos[0].name ?? '';
    context = { client: access.clientFor(installation.id), graphql: access.graphqlFor?.(installation.id), organization };
  });

  afterAll(async () => {
    await simulator?.close();
  });

  it('includeSAMLEmail adds each user’s SAML nameId as __SAMLEmail (null without one), read through GraphQL', async () => {
    const [first, second] = simulator.state.organization(organization)?.memberLogins ?? [];
    setSamlIdentity(simulator.state, organization, first, `${first}@idp.example`);
    const queriesBefore = simulator.stats().graphql.queries;

    const plain = await all(fetchUsers(context));
    const withSaml = await all(fetchUsers(context, { includeSAMLEmail: true }));

    expect(plain.every((user) => !('__SAMLEmail' in user))).toBe(true);
    expect(withSaml.find((user) => user['login'] === first)).toMatchObject({ __SAMLEmail: `${first}@idp.example`, email: `${first}@idp.example` });
    expect(withSaml.find((user) => user['login'] === second)).toMatchObject({ __SAMLEmail: null });
    expect(simulator.stats().graphql.queries).toBe(queriesBefore + 1);
  });

  it('includeSAMLEmail on teams adds __SAMLEmail to each member', async () => {
    const team = simulator.createTeam(organization, { name: 'Identity' });
    const [member] = simulator.state.organization(organization)?.memberLogins ?? [];
    simulator.addMember(organization, member, { teams: [team.slug] });
    setSamlIdentity(simulator.state, organization, member, 'member@idp.example');

    const teams = await all(fetchTeams(context, { includeSAMLEmail: true }));

    expect(teams.find((candidate) => candidate['slug'] === team.slug)).toMatchObject({ members: { nodes: [{ login: member, __SAMLEmail: 'member@idp.example' }] } });
  });

  it('include_external_group adds the team’s identity-provider group as __external_group, null when none is linked', async () => {
    const slugs = simulator.state.organization(organization)?.teams.map((team) => team.slug) ?? [];
    const before = await all(fetchTeams(context, { members: false, include_external_group: true }));
    linkExternalGroup(simulator.state, organization, slugs[0], { group_id: 41, group_name: 'okta-platform', updated_at: '2026-01-01T00:00:00Z' });

    const without = await all(fetchTeams(context, { members: false }));
    const linked = await all(fetchTeams(context, { members: false, include_external_group: true }));

    expect(before.every((team) => team['__external_group'] === null)).toBe(true);
    expect(without.every((team) => !('__external_group' in team))).toBe(true);
    expect(linked.find((team) => team['slug'] === slugs[0])).toMatchObject({ __external_group: { group_id: 41, group_name: 'okta-platform' } });
    expect(linked.filter((team) => team['slug'] !== slugs[0]).every((team) => team['__external_group'] === null)).toBe(true);
  });

  it('a file pattern’s organization limits it to that organization, and includedFiles attaches files beside each match', async () => {
    simulator.push(organization, repository, { branch: simulator.state.repo(organization, repository)?.defaultBranch ?? 'main', files: { 'services/api/package.json': '{"name":"api"}', 'services/api/OWNERS': 'team-api' } });
    const repos = [{ name: repository }];

    const files = await all(fetchFiles(context, { files: [{ path: 'services/*/package.json', organization: organization.toUpperCase(), repos }], includedFiles: ['OWNERS', 'MISSING'] }));
    const elsewhere = await all(fetchFiles(context, { files: [{ path: 'services/*/package.json', organization: other, repos }] }));

    expect(files).toEqual([expect.objectContaining({ path: 'services/api/package.json', content: { name: 'api' }, __includedFiles: { OWNERS: 'team-api', MISSING: null } })]);
    expect(elsewhere).toEqual([]);
  });

  it('folder includedFiles attach files from the repository’s root and, per folder pattern, from inside each folder', async () => {
    simulator.push(organization, repository, { branch: simulator.state.repo(organization, repository)?.defaultBranch ?? 'main', files: { 'services/api/service.yaml': 'tier: gold', 'CODEOWNERS': '* @acme/platform' } });

    const folders = await all(fetchFolders(context, { folders: [{ path: 'services/*', repos: [{ name: repository }], includedFiles: ['service.yaml'] }], includedFiles: ['CODEOWNERS'] }));

    expect(folders).toEqual([
      expect.objectContaining({ folder: expect.objectContaining({ path: 'services/api', __includedFiles: { 'service.yaml': 'tier: gold' } }), __includedFiles: { CODEOWNERS: '* @acme/platform' } }),
    ]);
  });

  it('skill lists each SKILL.md under the configured paths with its front matter', async () => {
    const skill = ['---', 'name: release-notes', 'description: Drafts release notes', '---', '', 'Read the merged pull requests.'].join('\n');
    simulator.push(organization, repository, { branch: simulator.state.repo(organization, repository)?.defaultBranch ?? 'main', files: { '.claude/skills/release/SKILL.md': skill, 'docs/skills/SKILL.md': 'not configured' } });

    const skills = await all(fetchSkills(context, { paths: [{ path: '.claude/skills/**/SKILL.md', repos: [{ name: repository }] }] }));

    expect(skills).toEqual([
      expect.objectContaining({
        skill: expect.objectContaining({ name: 'release-notes', description: 'Drafts release notes', instructions: 'Read the merged pull requests.', path: '.claude/skills/release', skillMdPath: '.claude/skills/release/SKILL.md', root: '.claude/skills', blob_sha: expect.any(String) }),
        __branch: expect.any(String),
        __organization: organization,
        __repository: expect.objectContaining({ name: repository }),
      }),
    ]);
  });

  it('plugin makes one plugin of a repository’s provider manifests, for the providers selected', async () => {
    simulator.push(organization, repository, {
      branch: simulator.state.repo(organization, repository)?.defaultBranch ?? 'main',
      files: { '.claude-plugin/plugin.json': '{"name":"deploy-kit","description":"Deploy helpers","version":"1.2.0"}', '.cursor-plugin/plugin.json': '{"name":"deploy-kit-cursor","displayName":"Deploy Kit"}' },
    });
    const repos = [{ name: repository }];

    const [both] = await all(fetchPlugins(context, { paths: [{ repos }] }));
    const claudeOnly = await all(fetchPlugins(context, { providers: ['claude'], paths: [{ repos }] }));
    const kimiOnly = await all(fetchPlugins(context, { providers: ['kimi'], paths: [{ repos }] }));

    expect(both['plugin']).toMatchObject({ name: 'deploy-kit-cursor', displayName: 'Deploy Kit', description: 'Deploy helpers', version: '1.2.0', supports: { claude: true, cursor: true, kimi: false } });
    expect(claudeOnly.map((item) => item['plugin'])).toEqual([expect.objectContaining({ name: 'deploy-kit', displayName: 'deploy-kit', supports: expect.objectContaining({ cursor: false, claude: true }) })]);
    expect(kimiOnly).toEqual([]);
  });
});
