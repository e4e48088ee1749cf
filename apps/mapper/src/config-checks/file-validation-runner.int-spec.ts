import { GithubRestClient, WebhookPayload } from '@glint/github';
import { JqEngine, MappedEntity, MappingConfigSource } from '@glint/mapping';
import { GithubSimulator, WebhookReceiver } from '@glint/testing';
import { openPullRequest as openPullRequestIn, startCheckSimulator } from './check-simulator.spec-helper';
import { FILE_CHECK_RUN_NAME, FileValidationRunner } from './index';

/** A repository mapping whose file resource validates the package.json files pull requests change. */
const mappingWith = (validationCheck: boolean) =>
  [
    'resources:',
    '  - kind: file',
    '    selector:',
    "      query: 'true'",
    '      files:',
    "        - path: 'services/*/package.json'",
    `          validationCheck: ${validationCheck}`,
    '    port:',
    '      entity:',
    '        mappings:',
    '          identifier: .content.name',
    "          blueprint: '\"npmPackage\"'",
    '          properties:',
    '            version: .content.version',
    '',
  ].join('\n');

describe('FileValidationRunner (file pattern validationCheck) against the GitHub simulator', () => {
  const org = 'acme';
  let sim: GithubSimulator;
  let receiver: WebhookReceiver;
  let client: GithubRestClient;
  let jq: JqEngine;
  let refused: MappedEntity[];
  let sut: FileValidationRunner;
  let repoCount = 0;

  beforeAll(async () => {
    ({ sim, receiver, client } = await startCheckSimulator({ seed: 31, reposPerOrg: 1, latencyMs: 50 }));
    jq = new JqEngine({ workers: 1 });
  });

  beforeEach(() => {
    refused = [];
    // The catalog refuses versions that are not semver, as a blueprint's pattern would.
    const validator = {
      refusal: async (entity: MappedEntity) => {
        if (/^\d+\.\d+\.\d+$/.test(String(entity.properties['version']))) return undefined;
        refused.push(entity);
        return 'version does not match the blueprint’s pattern';
      },
    };
    sut = new FileValidationRunner({ jq, mappings: new MappingConfigSource(jq), validator });
  });

  afterAll(async () => {
    await sim?.webhooksIdle();
    await sim?.close();
    await receiver?.close();
    await jq?.close();
  });

  const repositoryWith = (mapping: string): string => {
    const name = sim.createRepository(org, { name: `validated-${++repoCount}` }).name;
    sim.push(org, name, { branch: sim.state.repo(org, name)?.defaultBranch ?? 'main', files: { '.github/port-app-config.yml': mapping } });
    return name;
  };

  const openPullRequest = (repo: string, files: Record<string, string | null>): Promise<WebhookPayload> => openPullRequestIn(sim, receiver, org, repo, files);

  const checkRun = (repo: string, id: number) => client.request<{ name: string; status: string; conclusion: string; output: { title: string; summary: string; text: string } }>('GET /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner: org, repo, check_run_id: id });

  it('passes a changed file whose entity maps and the catalog would take', async () => {
    const repo = repositoryWith(mappingWith(true));
    const payload = await openPullRequest(repo, { 'services/api/package.json': '{"name":"api","version":"1.4.0"}', 'README.md': 'not matched' });

    const outcome = await sut.run(payload, client);

    expect(outcome).toMatchObject({ outcome: 'checked', files: [{ path: 'services/api/package.json', conclusion: 'success', errors: [] }] });
    if (outcome.outcome !== 'checked') return;
    expect(await checkRun(repo, outcome.files[0].checkRunId)).toMatchObject({ name: FILE_CHECK_RUN_NAME, status: 'completed', conclusion: 'success', output: { title: 'File validation passed' } });
  });

  it('fails a changed file the catalog refuses, or whose entity cannot be made, saying why', async () => {
    const repo = repositoryWith(mappingWith(true));
    const payload = await openPullRequest(repo, { 'services/api/package.json': '{"name":"api","version":"latest"}', 'services/web/package.json': '{"version":"1.0.0"}' });

    const outcome = await sut.run(payload, client);

    expect(outcome.outcome).toBe('checked');
    if (outcome.outcome !== 'checked') return;
    const byPath = Object.fromEntries(outcome.files.map((file) => [file.path, file]));
    expect(byPath['services/api/package.json']).toMatchObject({ conclusion: 'failure', errors: ['npmPackage/api: version does not match the blueprint’s pattern'] });
    expect(byPath['services/web/package.json']).toMatchObject({ conclusion: 'failure', errors: [expect.stringMatching(/^resources\[0\]\.port\.entity\.mappings\.identifier: /)] });
    expect(await checkRun(repo, byPath['services/api/package.json'].checkRunId)).toMatchObject({
      conclusion: 'failure',
      output: { title: 'File validation failed', text: 'npmPackage/api: version does not match the blueprint’s pattern' },
    });
  });

  it('makes no check run when no pattern asks for validationCheck', async () => {
    const repo = repositoryWith(mappingWith(false));
    const payload = await openPullRequest(repo, { 'services/api/package.json': '{"name":"api","version":"latest"}' });

    expect(await sut.run(payload, client)).toEqual({ outcome: 'skipped' });
    expect(refused).toEqual([]);
  });
});
