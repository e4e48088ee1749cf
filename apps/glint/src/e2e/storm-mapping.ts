import { defaultMappingYaml } from '@glint/mapping';

/**
 * The shipped mapping plus one resource for every other kind the simulator can change, so the end-to-end storm
 * covers issues, releases, branches, tags, teams, members, workflows, workflow runs, deployments and their statuses,
 * environments, Dependabot, code scanning and secret scanning alerts and collaborators too. Selectors leave some
 * objects out (`task`, alert states), so live events must delete what leaves them. No relations: a repository deleted
 * or archived mid-storm must not decide whether these entities can be written.
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
  - kind: deployment
    selector:
      query: 'true'
      task: deploy
    port:
      entity:
        mappings:
          identifier: .__repository + "-deployment-" + (.id | tostring)
          title: .description
          blueprint: '"githubDeployment"'
          properties:
            environment: .environment
            ref: .ref
            updatedAt: .updated_at
  - kind: deployment-status
    selector:
      query: 'true'
      task: deploy
    port:
      entity:
        mappings:
          identifier: .__repository + "-deployment-status-" + (.id | tostring)
          title: .state
          blueprint: '"githubDeploymentStatus"'
          properties:
            state: .state
            deployment: .__deployment_id | tostring
  - kind: environment
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-environment-" + .name
          title: .name
          blueprint: '"githubEnvironment"'
          properties:
            url: .url
  - kind: dependabot-alert
    selector:
      query: 'true'
      states: [open, dismissed]
    port:
      entity:
        mappings:
          identifier: .__repository + "-dependabot-" + (.number | tostring)
          title: .security_advisory.summary
          blueprint: '"githubDependabotAlert"'
          properties:
            state: .state
            package: .dependency.package.name
            severity: .security_advisory.severity
  - kind: code-scanning-alerts
    selector:
      query: 'true'
      state: open
    port:
      entity:
        mappings:
          identifier: .__repository + "-code-scanning-" + (.number | tostring)
          title: .rule.description
          blueprint: '"githubCodeScanningAlert"'
          properties:
            state: .state
            rule: .rule.id
            securitySeverity: .rule.security_severity_level
  - kind: secret-scanning-alerts
    selector:
      query: 'true'
      state: open
    port:
      entity:
        mappings:
          identifier: .__repository + "-secret-scanning-" + (.number | tostring)
          title: .secret_type_display_name
          blueprint: '"githubSecretScanningAlert"'
          properties:
            state: .state
            secretType: .secret_type
  - kind: collaborator
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .__repository + "-collaborator-" + .login
          title: .login
          blueprint: '"githubCollaborator"'
          properties:
            role: .role_name
  - kind: collaborator
    selector:
      query: 'true'
      affiliation: outside
    port:
      entity:
        mappings:
          identifier: .__repository + "-outside-collaborator-" + .login
          title: .login
          blueprint: '"githubOutsideCollaborator"'
          properties:
            role: .role_name
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
  { identifier: 'githubDeployment', properties: ['environment', 'ref', 'updatedAt'] },
  { identifier: 'githubDeploymentStatus', properties: ['state', 'deployment'] },
  { identifier: 'githubEnvironment', properties: ['url'] },
  { identifier: 'githubDependabotAlert', properties: ['state', 'package', 'severity'] },
  { identifier: 'githubCodeScanningAlert', properties: ['state', 'rule', 'securitySeverity'] },
  { identifier: 'githubSecretScanningAlert', properties: ['state', 'secretType'] },
  { identifier: 'githubCollaborator', properties: ['role'] },
  { identifier: 'githubOutsideCollaborator', properties: ['role'] },
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
