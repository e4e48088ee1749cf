import { GithubRestClient, WebhookPayload } from '@glint/github';
import { JqEngine, MappingConfigSource } from '@glint/mapping';
import { GithubSimulator, WebhookReceiver } from '@glint/testing';
import { openPullRequest as openPullRequestIn, startCheckSimulator } from './check-simulator.spec-helper';
import { BlueprintLookup, CHECK_RUN_NAME, ConfigCheckRunner } from './index';

/** The blueprints the fake catalog has; `undefined` makes it one that cannot tell. */
class FakeCatalog implements BlueprintLookup {
  known: Set<string> | undefined = new Set(['service', 'githubRepository', 'githubPullRequest']);

  async missingBlueprints(ids: readonly string[]): Promise<string[] | undefined> {
    const known = this.known;
    return known ? ids.filter((id) => !known.has(id)) : undefined;
  }
}

interface CheckRunAnswer {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title: string; summary: string; annotations_count: number };
}

interface AnnotationAnswer {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: string;
  message: string;
}

const VALID_MAPPING = [
  'resources:',
  '  - kind: repository',
  '    selector:',
  "      query: 'true'",
  '    port:',
  '      entity:',
  '        mappings:',
  '          identifier: .name',
  "          blueprint: '\"githubRepository\"'",
  '',
].join('\n');

describe('ConfigCheckRunner against the GitHub simulator', () => {
  const org = 'acme';
  let sim: GithubSimulator;
  let receiver: WebhookReceiver;
  let client: GithubRestClient;
  let jq: JqEngine;
  let catalog: FakeCatalog;
  let sut: ConfigCheckRunner;
  let repoCount = 0;

  beforeAll(async () => {
    ({ sim, receiver, client } = await startCheckSimulator({ seed: 21, reposPerOrg: 2 }));
    jq = new JqEngine({ workers: 1 });
  });

  beforeEach(() => {
    catalog = new FakeCatalog();
    sut = new ConfigCheckRunner({ jq, mappings: new MappingConfigSource(jq), blueprints: catalog, logger: { log: () => undefined, warn: () => undefined } });
  });

  afterAll(async () => {
    await sim?.webhooksIdle();
    await sim?.close();
    await receiver?.close();
    await jq?.close();
  });

  /** A fresh repository, so one test's mapping (cached per repository) never meets another's. */
  const newRepository = (): string => sim.createRepository(org, { name: `checked-${++repoCount}` }).name;

  /** Opens a pull request changing `files` and answers the `pull_request` opened payload GitHub delivered. */
  const openPullRequest = (repo: string, files: Record<string, string | null>): Promise<WebhookPayload> => openPullRequestIn(sim, receiver, org, repo, files);

  const checkRun = (repo: string, id: number) => client.request<CheckRunAnswer>('GET /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner: org, repo, check_run_id: id });
  const annotations = async (repo: string, id: number): Promise<AnnotationAnswer[]> => {
    const all: AnnotationAnswer[] = [];
    for await (const page of client.paginate<AnnotationAnswer>('GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', { owner: org, repo, check_run_id: id })) all.push(...page);
    return all;
  };
  const checkRunId = (outcome: Awaited<ReturnType<ConfigCheckRunner['run']>>): number => {
    if (outcome.outcome !== 'checked') throw new Error(`expected a check, got ${JSON.stringify(outcome)}`);
    return outcome.checkRunId;
  };

  it('passes a pull request with a valid port-app-config.yml: a completed, successful check run at its head', async () => {
    const repo = newRepository();
    const payload = await openPullRequest(repo, { '.github/port-app-config.yml': VALID_MAPPING, 'src/index.ts': 'export {};\n' });

    const outcome = await sut.run(payload, client);

    expect(outcome).toMatchObject({ outcome: 'checked', conclusion: 'success', problems: [], blueprintsChecked: true });
    const run = await checkRun(repo, checkRunId(outcome));
    const head = (payload.pull_request as { head: { sha: string } }).head.sha;
    expect(run).toMatchObject({ name: CHECK_RUN_NAME, head_sha: head, status: 'completed', conclusion: 'success', output: { title: 'Config files are valid', annotations_count: 0 } });
    expect(run.output.summary).toContain('`.github/port-app-config.yml` (port-app-config): valid');
    await sim.webhooksIdle();
    const runHooks = receiver.received.filter((hook) => hook.event === 'check_run' && (hook.payload.check_run as { id: number }).id === run.id);
    expect(runHooks.map((hook) => [hook.action, (hook.payload.check_run as { status: string }).status])).toEqual([
      ['created', 'in_progress'],
      ['completed', 'completed'],
    ]);
  });

  it('fails a pull request whose port-app-config.yml is not YAML, on the line of the syntax error', async () => {
    const repo = newRepository();
    const payload = await openPullRequest(repo, { '.github/port-app-config.yml': 'resources:\n  - kind: repository: x\n    selector:\n      query: "true"\n' });

    const outcome = await sut.run(payload, client);

    expect(outcome).toMatchObject({ outcome: 'checked', conclusion: 'failure' });
    const id = checkRunId(outcome);
    expect(await checkRun(repo, id)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const [annotation, ...rest] = await annotations(repo, id);
    expect(rest).toEqual([]);
    expect(annotation).toMatchObject({ path: '.github/port-app-config.yml', start_line: 2, end_line: 2, annotation_level: 'failure', message: expect.stringMatching(/^YAML syntax error: Nested mappings/) });
  });

  it('reports a schema error and a jq compile error with their paths and lines', async () => {
    const repo = newRepository();
    const mapping = VALID_MAPPING.replace('kind: repository', 'kind: repositories').replace('identifier: .name', 'identifier: .name |');
    const payload = await openPullRequest(repo, { '.github/port-app-config.yml': mapping });

    const outcome = await sut.run(payload, client);

    const found = await annotations(repo, checkRunId(outcome));
    expect(found).toEqual([
      expect.objectContaining({ start_line: 2, end_line: 2, message: expect.stringMatching(/^resources\[0\]\.kind: unknown kind "repositories"/) }),
      expect.objectContaining({ start_line: 8, end_line: 8, message: expect.stringMatching(/^resources\[0\]\.port\.entity\.mappings\.identifier: jq compile error: /) }),
    ]);
  });

  it('fails a port.yml with a bad identifier and an entity of a blueprint the catalog lacks', async () => {
    const repo = newRepository();
    const payload = await openPullRequest(repo, { 'services/api/port.yml': '- identifier: api\n  blueprint: service\n- identifier: my db\n  blueprint: database\n' });

    const outcome = await sut.run(payload, client);

    expect(outcome).toMatchObject({ outcome: 'checked', conclusion: 'failure' });
    expect((await annotations(repo, checkRunId(outcome))).map((annotation) => [annotation.path, annotation.start_line, annotation.message])).toEqual([
      ['services/api/port.yml', 3, expect.stringMatching(/^\[1\]\.identifier: the identifier "my db" contains " "/)],
      ['services/api/port.yml', 4, '[1].blueprint: the catalog has no blueprint "database"'],
    ]);
  });

  it('fails a mapping whose literal blueprint the catalog lacks, and says so when the catalog cannot tell', async () => {
    const repo = newRepository();
    const payload = await openPullRequest(repo, { '.github/port-app-config.yml': VALID_MAPPING.replace('githubRepository', 'gitRepo') });

    const lacking = await sut.run(payload, client);
    catalog.known = undefined;
    const unknown = await sut.run(payload, client);

    expect(await annotations(repo, checkRunId(lacking))).toEqual([expect.objectContaining({ start_line: 9, message: 'resources[0].port.entity.mappings.blueprint: the catalog has no blueprint "gitRepo"' })]);
    expect(unknown).toMatchObject({ outcome: 'checked', conclusion: 'success', blueprintsChecked: false });
    expect((await checkRun(repo, checkRunId(unknown))).output.summary).toContain('Blueprints were not checked');
  });

  it('keeps every annotation when there are more than 50 problems', async () => {
    const repo = newRepository();
    const entities = Array.from({ length: 60 }, (_, index) => `- identifier: bad id ${index}\n  blueprint: service\n`).join('');
    const payload = await openPullRequest(repo, { 'port.yml': entities });

    const outcome = await sut.run(payload, client);

    const id = checkRunId(outcome);
    expect((await checkRun(repo, id)).output.annotations_count).toBe(60);
    const found = await annotations(repo, id);
    expect(found.map((annotation) => annotation.start_line)).toEqual(Array.from({ length: 60 }, (_, index) => 1 + 2 * index));
  });

  it('takes the port.yml globs from the mapping the repository uses', async () => {
    const repo = newRepository();
    sim.push(org, repo, { branch: 'main', files: { '.github/port-app-config.yml': `specPath: ['catalog/*.yml']\n${VALID_MAPPING}` } });
    const payload = await openPullRequest(repo, { 'catalog/api.yml': 'identifier: api\nblueprint: nope\n', 'port.yml': 'not: checked\n' });

    const outcome = await sut.run(payload, client);

    expect(outcome).toMatchObject({ outcome: 'checked', conclusion: 'failure', files: [expect.objectContaining({ path: 'catalog/api.yml' })] });
  });

  it('creates no check run for a pull request that touches no config file', async () => {
    const repo = newRepository();
    sim.push(org, repo, { branch: 'main', files: { '.github/port-app-config.yml': VALID_MAPPING } });
    const payload = await openPullRequest(repo, { 'src/index.ts': 'export {};\n', 'docs/port.yml.md': '# not a port.yml\n', '.github/port-app-config.yml': null });
    const files = await client.request<Array<{ filename: string; status: string }>>('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner: org, repo, pull_number: payload.number });
    expect(files.map((file) => [file.filename, file.status])).toContainEqual(['.github/port-app-config.yml', 'removed']);

    const outcome = await sut.run(payload, client);

    expect(outcome).toEqual({ outcome: 'skipped', reason: 'no-config-files' });
    const head = (payload.pull_request as { head: { sha: string } }).head.sha;
    const runs = await client.request<{ total_count: number }>('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner: org, repo, ref: head });
    expect(runs.total_count).toBe(0);
  });

  it('answers not-permitted, without failing, when the App lacks the checks permission', async () => {
    const repo = newRepository();
    const payload = await openPullRequest(repo, { 'port.yml': 'identifier: api\nblueprint: service\n' });
    sim.setInstallationPermissions(org, { checks: 'read' });
    try {
      const outcome = await sut.run(payload, client);

      expect(outcome).toEqual({ outcome: 'not-permitted', permission: 'Checks: write', message: expect.stringContaining('403') });
    } finally {
      sim.setInstallationPermissions(org, { checks: 'write' });
    }
  });
});
