import { readFileSync } from 'node:fs';

/**
 * Object shapes copied from the webhook examples GitHub publishes (@octokit/webhooks-examples), so rendered
 * objects carry the same top-level fields as real ones. Each template's example values (hosts, names, ids) are
 * replaced by placeholders; nested objects that point at github.com are dropped and rendered by the caller.
 */
export type TemplateVars = Record<string, string>;
export type JsonObject = Record<string, unknown>;

type Field = { key: string; value: unknown } | { key: string; parts: string[] };

const MARK = '\u0001';

export class Template {
  private readonly fields: Field[] = [];

  constructor(example: JsonObject, replacements: ReadonlyArray<readonly [string, string]>) {
    const ordered = [...replacements, ['https://api.github.com', 'api'] as const, ['https://github.com', 'web'] as const].sort((a, b) => b[0].length - a[0].length);
    for (const [key, value] of Object.entries(example)) {
      if (typeof value === 'string' && value.includes('github.com')) {
        let text = value;
        for (const [literal, name] of ordered) text = text.split(literal).join(name.includes(MARK) ? name : `${MARK}${name}${MARK}`);
        if (!text.includes('github.com')) this.fields.push({ key, parts: text.split(MARK) });
      } else if (!(value !== null && typeof value === 'object' && JSON.stringify(value).includes('github.com'))) {
        this.fields.push({ key, value });
      }
    }
  }

  /** A new object with the template's fields (placeholders filled from `vars`), then `overrides`. */
  render(vars: TemplateVars, overrides: JsonObject): JsonObject {
    const out: JsonObject = {};
    for (const field of this.fields) {
      if ('value' in field) {
        out[field.key] = field.value !== null && typeof field.value === 'object' ? structuredClone(field.value) : field.value;
      } else {
        let text = '';
        for (let i = 0; i < field.parts.length; i++) text += i % 2 === 1 ? (vars[field.parts[i]] ?? '') : field.parts[i];
        out[field.key] = text;
      }
    }
    return Object.assign(out, overrides);
  }
}

interface ExampleGroup {
  name: string;
  examples: JsonObject[];
}

let examples: Map<string, JsonObject[]> | undefined;

function example(event: string, key: string): JsonObject {
  if (!examples) {
    const groups = JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as ExampleGroup[];
    examples = new Map(groups.map((group) => [group.name, group.examples]));
  }
  const found = examples.get(event)?.find((candidate) => candidate[key] !== null && typeof candidate[key] === 'object');
  if (!found) throw new Error(`No ${event}.${key} in @octokit/webhooks-examples`);
  return found[key] as JsonObject;
}

export interface Templates {
  user: Template;
  organization: Template;
  repository: Template;
  pullRequest: Template;
  issue: Template;
  release: Template;
  workflowRun: Template;
  workflow: Template;
  deployment: Template;
  deploymentStatus: Template;
  team: Template;
  installation: Template;
  dependabotAlert: Template;
  codeScanningAlert: Template;
}

let cached: Templates | undefined;

export function templates(): Templates {
  cached ??= {
    user: new Template(example('push', 'sender'), [['Codertocat', 'login']]),
    organization: new Template(example('organization', 'organization'), [['Octocoders', 'login']]),
    repository: new Template(example('repository', 'repository'), [['Codertocat/Hello-World', 'full']]),
    pullRequest: new Template(example('pull_request', 'pull_request'), [
      ['Codertocat/Hello-World', 'full'],
      ['/pulls/2', '/pulls/\u0001n\u0001'],
      ['/issues/2', '/issues/\u0001n\u0001'],
      ['/pull/2', '/pull/\u0001n\u0001'],
      ['ec26c3e57ca3a959ca5aad62de7213c562f8c821', 'sha'],
    ]),
    issue: new Template(example('issues', 'issue'), [['Codertocat/Hello-World', 'full'], ['/issues/1', '/issues/\u0001n\u0001']]),
    release: new Template(example('release', 'release'), [['Codertocat/Hello-World', 'full'], ['/releases/17372790', '/releases/\u0001id\u0001'], ['0.0.1', 'tag']]),
    workflowRun: new Template(example('workflow_run', 'workflow_run'), [['octo-org/octo-repo', 'full'], ['1589141559', 'id'], ['16340987', 'workflowId'], ['4683454167', 'checkSuiteId']]),
    workflow: new Template(example('workflow_run', 'workflow'), [['octo-org/octo-repo', 'full'], ['16340987', 'id'], ['.github/workflows/syntax.yml', 'path']]),
    deployment: new Template(example('deployment', 'deployment'), [['Codertocat/Hello-World', 'full'], ['145988746', 'id']]),
    deploymentStatus: new Template(example('deployment_status', 'deployment_status'), [['Codertocat/Hello-World', 'full'], ['145988746', 'deploymentId'], ['147006887', 'id']]),
    team: new Template(example('team', 'team'), [['Octocoders', 'org'], ['/teams/3253328', '/teams/\u0001id\u0001'], ['/teams/github', '/teams/\u0001slug\u0001']]),
    installation: new Template(example('installation', 'installation'), [['/installations/2', '/installations/\u0001id\u0001']]),
    dependabotAlert: new Template(example('dependabot_alert', 'alert'), [['octocat/hello-world', 'full'], ['/alerts/1', '/alerts/\u0001n\u0001'], ['/dependabot/1', '/dependabot/\u0001n\u0001']]),
    codeScanningAlert: new Template(example('code_scanning_alert', 'alert'), [['Codertocat/Hello-World', 'full'], ['/alerts/10', '/alerts/\u0001n\u0001'], ['/code-scanning/10', '/code-scanning/\u0001n\u0001']]),
  };
  return cached;
}
