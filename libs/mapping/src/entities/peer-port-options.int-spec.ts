import { loadConfig } from '@glint/config';
import { createGithubAccess, fetchTeams, FetchContext, GithubObject } from '@glint/github';
import { GithubSimulator } from '@glint/testing';
import { parseAppConfig } from '../config/parse-app-config';
import { formatProblem } from '../config/app-config.types';
import { JqEngine } from '../jq/jq-engine';
import { ResourceMapper } from './resource-mapper';

/** Team members as the peer's docs map them: one entity per member, related to its team through a search query. */
const teamMembersMapping = (transform: string) => `
resources:
  - kind: team
    selector:
      query: 'true'
    port:
      itemsToParse: .members.nodes
${transform}
      entity:
        mappings:
          identifier:
            combinator: and
            rules:
              - property: login
                operator: '='
                value: .item.login
              - combinator: or
                rules:
                  - property: organization
                    operator: '='
                    value: .__organization
                  - property: organization
                    operator: isEmpty
                    value: 'null'
          blueprint: '"githubTeamMember"'
          properties:
            teamSize: (.members.nodes // []) | length
          relations:
            team:
              combinator: and
              rules:
                - property: slug
                  operator: '='
                  value: .slug
`;

function membersOf(team: GithubObject): unknown[] {
  const members = team['members'];
  return typeof members === 'object' && members !== null && 'nodes' in members && Array.isArray(members.nodes) ? members.nodes : [];
}

describe('the peer’s port options, mapping teams the GitHub simulator lists', () => {
  let simulator: GithubSimulator;
  let context: FetchContext;
  let jq: JqEngine;
  let teams: GithubObject[];

  beforeAll(async () => {
    simulator = await GithubSimulator.start({ seed: 5, organizations: 1, reposPerOrg: 1, latencyMs: 50 });
    const config = loadConfig({ APP_ID: String(simulator.appId), PRIVATE_KEY: Buffer.from(simulator.appPrivateKeyPem).toString('base64'), GHE_HOST: new URL(simulator.url).host, GHE_PROTOCOL: 'http' }, ['mapper']);
    const access = createGithubAccess(config.github, { clock: { now: () => simulator.now() } });
    const [installation] = await access.installations();
    context = { client: access.clientFor(installation.id), organization: installation.accountLogin };
    jq = new JqEngine({ workers: 1 });
    teams = [];
    for await (const page of fetchTeams(context)) teams.push(...page);
  });

  afterAll(async () => {
    await simulator?.close();
    await jq?.close();
  });

  const mapWith = async (transform: string) => {
    const parsed = await parseAppConfig(teamMembersMapping(transform), jq);
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    return new ResourceMapper(parsed.config.resources[0], 0, jq).map(teams);
  };

  it('itemsToParseTopLevelTransform: true (the default) leaves the members list out of each member’s object; false keeps it', async () => {
    const team = teams.find((candidate) => membersOf(candidate).length > 0);
    if (!team) throw new Error('the simulator generated no team with members');
    const size = membersOf(team).length;
    const ofTeam = (entities: Awaited<ReturnType<typeof mapWith>>['entities']) => entities.filter((entity) => JSON.stringify(entity.relations['team']).includes(`"value":"${String(team['slug'])}"`));

    const byDefault = ofTeam((await mapWith('')).entities);
    const transformed = ofTeam((await mapWith('      itemsToParseTopLevelTransform: true')).entities);
    const kept = ofTeam((await mapWith('      itemsToParseTopLevelTransform: false')).entities);

    expect(byDefault.map((entity) => entity.properties['teamSize'])).toEqual(Array(size).fill(0));
    expect(transformed.map((entity) => entity.properties['teamSize'])).toEqual(Array(size).fill(0));
    expect(kept.map((entity) => entity.properties['teamSize'])).toEqual(Array(size).fill(size));
  });

  it('a search-query identifier and relation keep their nesting, every rule’s value evaluated, as the catalog resolves them', async () => {
    const { entities, skipped } = await mapWith('');
    const [member] = entities;

    expect(skipped).toEqual([]);
    expect(member.identifier).toEqual({
      combinator: 'and',
      rules: [
        { property: 'login', operator: '=', value: expect.any(String) },
        {
          combinator: 'or',
          rules: [
            { property: 'organization', operator: '=', value: context.organization },
            { property: 'organization', operator: 'isEmpty', value: null },
          ],
        },
      ],
    });
    expect(member.relations['team']).toEqual({ combinator: 'and', rules: [{ property: 'slug', operator: '=', value: expect.any(String) }] });
  });
});
