import { defaultMappingYaml } from '@glint/mapping';

/**
 * The shipped mapping plus one resource for every other kind the simulator can change, so the end-to-end storm
 * covers issues, releases, branches, tags, teams, members, workflows and workflow runs too. No relations: a repository
 * deleted or archived mid-storm must not decide whether these entities can be written.
 */
export function stormMappingYaml(): string {
  return `${defaultMappingYaml().trimEnd()}\n${EXTRA_RESOURCES}`;
}

const EXTRA_RESOURCES = `
  - kind: issue
    selector:
      query: 'true'
      state: open
    port:
      entity:
        mappings:
          identifier: .__repository + "-issue-" + (.number | tostring)
          title: .title
          blueprint: '"githubIssue"'
          properties:
            state: .state
            labels: '[.labels[].name] | sort | join(",")'
  - kind: release
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-release-" + (.id | tostring)
          title: .name
          blueprint: '"githubRelease"'
          properties:
            tag: .tag_name
  - kind: branch
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-branch-" + .name
          title: .name
          blueprint: '"githubBranch"'
          properties:
            sha: .commit.sha
  - kind: tag
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-tag-" + .name
          title: .name
          blueprint: '"githubTag"'
          properties:
            sha: .commit.sha
  - kind: team
    selector:
      query: 'true'
      members: false
    port:
      entity:
        mappings:
          identifier: .slug
          title: .name
          blueprint: '"githubTeam"'
          properties:
            description: if .description then .description else "" end
  - kind: user
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .login
          title: .login
          blueprint: '"githubUser"'
          properties:
            login: .login
  - kind: workflow
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-workflow-" + (.id | tostring)
          title: .name
          blueprint: '"githubWorkflow"'
          properties:
            path: .path
  - kind: workflow-run
    selector:
      query: 'true'
      maxRunsPerWorkflow: 1000
    port:
      entity:
        mappings:
          identifier: .__repository + "-run-" + (.id | tostring)
          title: .name
          blueprint: '"githubWorkflowRun"'
          properties:
            status: .status
            conclusion: if .conclusion then .conclusion else "" end
`;

/** Blueprints for the extra resources: string properties only. */
export const STORM_BLUEPRINTS: ReadonlyArray<{ identifier: string; properties: readonly string[] }> = [
  { identifier: 'githubIssue', properties: ['state', 'labels'] },
  { identifier: 'githubRelease', properties: ['tag'] },
  { identifier: 'githubBranch', properties: ['sha'] },
  { identifier: 'githubTag', properties: ['sha'] },
  { identifier: 'githubTeam', properties: ['description'] },
  { identifier: 'githubUser', properties: ['login'] },
  { identifier: 'githubWorkflow', properties: ['path'] },
  { identifier: 'githubWorkflowRun', properties: ['status', 'conclusion'] },
];

/** Creates the storm's extra blueprints in the catalog at `catalogUrl` (Port's API: a token, then POST /v1/blueprints). */
export async function createStormBlueprints(catalogUrl: string, clientId: string, clientSecret: string): Promise<void> {
  const auth = await fetch(`${catalogUrl}/v1/auth/access_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId, clientSecret }) });
  const { accessToken } = (await auth.json()) as { accessToken: string };
  for (const blueprint of STORM_BLUEPRINTS) {
    const answer = await fetch(`${catalogUrl}/v1/blueprints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        identifier: blueprint.identifier,
        title: blueprint.identifier,
        schema: { properties: Object.fromEntries(blueprint.properties.map((name) => [name, { type: 'string', title: name }])), required: [] },
        relations: {},
      }),
    });
    if (!answer.ok) throw new Error(`creating blueprint ${blueprint.identifier} answered ${answer.status}: ${await answer.text()}`);
  }
}
