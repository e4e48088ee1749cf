import { GithubPermissionError, GithubRestClient } from '@glint/github';
import type { LoadedMapping } from '@glint/mapping';
import type { JqCheck } from '@glint/mapping';
import { ConfigCheckRunner } from './config-check-runner';

const HEAD = 'b'.repeat(40);
const payload = { action: 'opened', pull_request: { number: 3, head: { sha: HEAD } }, repository: { name: 'api', owner: { login: 'acme' } } };

interface Call {
  route: string;
  params: Record<string, unknown>;
}

/** A GitHub client double: the pull request's files, their texts at the head, and every request it got. */
class FakeGithub implements GithubRestClient {
  readonly calls: Call[] = [];
  failOn?: { route: string; error: Error };

  constructor(private readonly files: Record<string, string>) {}

  async request<T>(route: string, params: Record<string, unknown> = {}): Promise<T> {
    this.calls.push({ route, params });
    if (this.failOn?.route === route) throw this.failOn.error;
    if (route === 'POST /repos/{owner}/{repo}/check-runs') return { id: 11 } as T;
    if (route.startsWith('PATCH ')) return {} as T;
    if (route === 'GET /repos/{owner}/{repo}/contents/{path}') {
      const text = this.files[String(params['path'])];
      if (text === undefined) throw new GithubPermissionError('not found', 404, route, undefined);
      return { type: 'file', encoding: 'base64', content: Buffer.from(text).toString('base64') } as T;
    }
    throw new Error(`unexpected ${route}`);
  }

  async *paginate<T>(route: string, params: Record<string, unknown> = {}): AsyncIterable<T[]> {
    this.calls.push({ route, params });
    if (this.failOn?.route === route) throw this.failOn.error;
    yield Object.keys(this.files).map((filename) => ({ filename, status: 'added' })) as T[];
  }

  patches(): Array<Record<string, unknown>> {
    return this.calls.filter((call) => call.route.startsWith('PATCH ')).map((call) => call.params);
  }
}

const jq = { check: async (): Promise<JqCheck> => ({ ok: true }) };
const mappings = { forRepository: async () => ({ config: { specPath: ['**/port.yml'] } }) as LoadedMapping };

describe('ConfigCheckRunner', () => {
  it('sends all but the last 50 annotations while in progress, and completes the run with the rest', async () => {
    const entities = Array.from({ length: 120 }, (_, index) => `- identifier: bad id ${index}\n  blueprint: service\n`).join('');
    const github = new FakeGithub({ 'port.yml': entities });

    const outcome = await new ConfigCheckRunner({ jq, mappings }).run(payload, github);

    expect(outcome).toMatchObject({ outcome: 'checked', checkRunId: 11, conclusion: 'failure', blueprintsChecked: false });
    const patches = github.patches();
    expect(patches.map((patch) => [patch['status'], patch['conclusion'], (patch['output'] as { annotations: unknown[] }).annotations.length])).toEqual([
      [undefined, undefined, 50],
      [undefined, undefined, 50],
      ['completed', 'failure', 20],
    ]);
    expect((patches[2]['output'] as { summary: string }).summary).toContain('Blueprints were not checked');
  });

  it('completes the run as neutral when validation fails half-way, and lets the error through for a retry', async () => {
    const github = new FakeGithub({ 'port.yml': 'identifier: a\nblueprint: b\n' });
    github.failOn = { route: 'GET /repos/{owner}/{repo}/contents/{path}', error: new Error('socket hang up') };

    await expect(new ConfigCheckRunner({ jq, mappings }).run(payload, github)).rejects.toThrow('socket hang up');

    expect(github.patches()).toEqual([expect.objectContaining({ check_run_id: 11, status: 'completed', conclusion: 'neutral', output: expect.objectContaining({ summary: expect.stringContaining('socket hang up') }) })]);
  });

  it('reports a missing permission as an outcome, logging it once per organization', async () => {
    const warnings: string[] = [];
    const sut = new ConfigCheckRunner({ jq, mappings, logger: { log: () => undefined, warn: (message: string) => warnings.push(message) } });
    const github = new FakeGithub({ 'port.yml': 'identifier: a\nblueprint: b\n' });
    github.failOn = { route: 'POST /repos/{owner}/{repo}/check-runs', error: new GithubPermissionError('POST /repos/acme/api/check-runs answered 403', 403, 'POST /repos/acme/api/check-runs', 'Checks: write') };

    const first = await sut.run(payload, github);
    await sut.run(payload, github);

    expect(first).toEqual({ outcome: 'not-permitted', permission: 'Checks: write', message: 'POST /repos/acme/api/check-runs answered 403' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("'Checks: write'");
  });

  it('treats a blueprint lookup that fails like one that cannot tell', async () => {
    const github = new FakeGithub({ 'port.yml': 'identifier: a\nblueprint: b\n' });
    const blueprints = { missingBlueprints: async () => Promise.reject(new Error('catalog down')) };

    const outcome = await new ConfigCheckRunner({ jq, mappings, blueprints, logger: { log: () => undefined, warn: () => undefined } }).run(payload, github);

    expect(outcome).toMatchObject({ outcome: 'checked', conclusion: 'success', blueprintsChecked: false });
  });

  it('ignores actions that do not change the files, without calling GitHub', async () => {
    const github = new FakeGithub({ 'port.yml': 'x' });

    expect(await new ConfigCheckRunner({ jq, mappings }).run({ ...payload, action: 'labeled' }, github)).toEqual({ outcome: 'skipped', reason: 'action' });
    expect(github.calls).toEqual([]);
  });
});
