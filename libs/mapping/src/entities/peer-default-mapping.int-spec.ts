import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@glint/config';
import { createGithubAccess, fetchOrganization, fetchPullRequests, fetchRepositories } from '@glint/github';
import { GithubSimulator } from '@glint/testing';
import type { PortAppConfig, ResourceConfig } from '../config/app-config.types';
import { parseAppConfig } from '../config/parse-app-config';
import { JqEngine } from '../jq/jq-engine';
import { ResourceMapper } from './resource-mapper';

interface WebhookExample {
  name: string;
  examples: Array<Record<string, unknown>>;
}
const webhookExamples: WebhookExample[] = require('@octokit/webhooks-examples/api.github.com/index.json');

/** Objects of one kind found inside the api.github.com webhook examples, one per distinct id. */
function fromExamples(key: 'organization' | 'repository' | 'pull_request'): Array<Record<string, unknown>> {
  const byId = new Map<unknown, Record<string, unknown>>();
  for (const { examples } of webhookExamples) {
    for (const example of examples) {
      const object = example[key];
      if (typeof object === 'object' && object !== null && !byId.has((object as { id?: unknown }).id)) byId.set((object as { id?: unknown }).id, object as Record<string, unknown>);
    }
  }
  return [...byId.values()];
}

/**
 * What Debian's jq CLI computes for one expression over many objects: one process per expression, the objects as a
 * stream, the first output of each (null when none), as the mapping takes them.
 */
function jqCli(expression: string, objects: readonly unknown[]): unknown[] {
  const stdout = execFileSync('jq', ['-c', `[(${expression})] | .[0]`], { input: objects.map((object) => JSON.stringify(object)).join('\n') });
  return stdout
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function expectedEntities(resource: ResourceConfig, objects: readonly unknown[]): unknown[] {
  const mappings = resource.port.entity.mappings;
  const column = (expression: unknown) => jqCli(expression as string, objects);
  const identifiers = column(mappings.identifier);
  const titles = mappings.title ? column(mappings.title) : [];
  const blueprints = column(mappings.blueprint);
  const properties = Object.entries(mappings.properties).map(([name, expression]) => [name, column(expression)] as const);
  const relations = Object.entries(mappings.relations).map(([name, expression]) => [name, column(expression)] as const);
  return objects.map((_, index) => ({
    identifier: identifiers[index],
    ...(mappings.title ? { title: titles[index] } : {}),
    blueprint: blueprints[index],
    properties: Object.fromEntries(properties.map(([name, values]) => [name, values[index]])),
    relations: Object.fromEntries(relations.map(([name, values]) => [name, values[index]])),
  }));
}

describe('the peer’s default mapping, against the jq CLI', () => {
  let jq: JqEngine;
  let config: PortAppConfig;
  let simulator: GithubSimulator;

  beforeAll(async () => {
    jq = new JqEngine({ workers: 2 });
    const parsed = await parseAppConfig(readFileSync(join(__dirname, '../defaults/port-app-config.yml'), 'utf8'), jq);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    config = parsed.config;
    simulator = await GithubSimulator.start({ seed: 5, reposPerOrg: 12, pullRequestsPerRepo: 6 });
  });

  afterAll(async () => {
    await jq.close();
    await simulator.close();
  });

  async function simulatorObjects(kind: string): Promise<unknown[]> {
    const github = loadConfig({ GITHUB_TOKEN: simulator.createPersonalAccessToken(), GHE_HOST: new URL(simulator.url).host, GHE_PROTOCOL: 'http' }, ['mapper']).github;
    const access = createGithubAccess(github);
    const context = { client: access.clientFor(0), organization: simulator.state.organizations[0].login };
    const pages =
      kind === 'organization'
        ? fetchOrganization(context)
        : kind === 'repository'
          ? fetchRepositories(context, { includedFiles: ['README.md', 'CODEOWNERS'] })
          : fetchPullRequests(context, { states: ['open', 'closed'], since: 3650 });
    const objects: unknown[] = [];
    for await (const page of pages) objects.push(...page);
    return objects;
  }

  it.each([
    ['organization', 'organization'],
    ['repository', 'repository'],
    ['pull-request', 'pull_request'],
  ] as const)('maps %s objects from the webhook examples and the simulator exactly as jq computes them', async (kind, exampleKey) => {
    const resource = config.resources.find((candidate) => candidate.kind === kind);
    if (!resource) throw new Error(`the default mapping has no ${kind} resource`);
    const objects = [...fromExamples(exampleKey), ...(await simulatorObjects(kind))];
    expect(objects.length).toBeGreaterThan(5);

    const result = await new ResourceMapper(resource, config.resources.indexOf(resource), jq).map(objects);
    const expected = expectedEntities(resource, objects).filter((entity) => typeof (entity as { identifier: unknown }).identifier === 'string');

    expect(result.fieldErrors).toEqual([]);
    expect(result.entities.length).toBeGreaterThan(objects.length / 2);
    expect(result.entities).toEqual(expected);
  });
});
