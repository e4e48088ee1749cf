import { parseRunMessage, workflowInputs } from './run-message';

const runMessage = (invocationMethod: Record<string, unknown>, properties: Record<string, unknown> = { cpu: 2 }, runId: unknown = 'r_1') => ({
  action: 'deploy',
  resourceType: 'run',
  status: 'TRIGGERED',
  context: { entity: null, blueprint: 'service', runId },
  payload: { entity: null, action: { identifier: 'deploy', invocationMethod }, properties },
});
const github = { type: 'GITHUB', org: 'acme', repo: 'api', workflow: 'deploy.yml' };
const parse = (message: unknown) => parseRunMessage(Buffer.from(typeof message === 'string' ? message : JSON.stringify(message)));

describe('parseRunMessage', () => {
  it('reads a run message of a GITHUB action: user inputs as workflow inputs, the message as port_payload, status reporting on', () => {
    const message = runMessage(github, { cpu: 2, env: 'prod', tags: ['a'], config: { size: 'l' }, flag: true, empty: null });

    expect(parse(message)).toEqual({
      kind: 'dispatch',
      request: {
        runId: 'r_1',
        format: 'run-message',
        org: 'acme',
        repo: 'api',
        workflow: 'deploy.yml',
        ref: undefined,
        inputs: { cpu: '2', env: 'prod', tags: '["a"]', config: '{"size":"l"}', flag: 'true', port_payload: JSON.stringify(message) },
        reportWorkflowStatus: true,
      },
    });
  });

  it('honours omitUserInputs, omitPayload and reportWorkflowStatus, and takes the ref out of the inputs', () => {
    expect(parse(runMessage({ ...github, omitPayload: true, reportWorkflowStatus: false }, { ref: 'release/1.2', cpu: 2 }))).toMatchObject({
      kind: 'dispatch',
      request: { ref: 'release/1.2', inputs: { cpu: '2' }, reportWorkflowStatus: false },
    });
    const bare = parse(runMessage({ ...github, omitPayload: true, omitUserInputs: true }));
    expect(bare).toMatchObject({ kind: 'dispatch', request: { inputs: {} } });
  });

  it("reads Glint's v2 GitHub payload of a KAFKA action", () => {
    const message = { type: 'GITHUB', runId: 'r_2', org: 'acme', repo: 'api', workflow: 'deploy.yml', workflowInputs: { ref: 'main', port_context: { runId: 'r_2' }, env: 'prod' } };

    expect(parse(message)).toEqual({
      kind: 'dispatch',
      request: { runId: 'r_2', format: 'github-v2', org: 'acme', repo: 'api', workflow: 'deploy.yml', ref: 'main', inputs: { port_context: '{"runId":"r_2"}', env: 'prod' }, reportWorkflowStatus: true },
    });
  });

  it('ignores other invocation types in either format, keeping the run id', () => {
    expect(parse(runMessage({ type: 'WEBHOOK', url: 'https://example.com' }))).toEqual({ kind: 'ignored', reason: 'invocation type "WEBHOOK" is not one Glint handles (only GITHUB)', runId: 'r_1' });
    expect(parse(runMessage({ type: 'KAFKA' }))).toMatchObject({ kind: 'ignored', runId: 'r_1' });
    expect(parse({ type: 'GITLAB', runId: 'r_3' })).toMatchObject({ kind: 'ignored', reason: 'invocation type "GITLAB" is not one Glint handles (only GITHUB)', runId: 'r_3' });
  });

  const invalid: Array<[string, unknown, string, string | undefined]> = [
    ['malformed JSON', '{"context": {', 'the message is not JSON', undefined],
    ['an empty message', '', 'the message is empty', undefined],
    ['a JSON array', [1, 2], 'the message is not a JSON object', undefined],
    ['an unknown shape', { hello: 'world' }, 'the message is neither a run message', undefined],
    ['a run message without an invocation method', { context: { runId: 'r_4' }, payload: { action: {} } }, 'payload.action.invocationMethod.type is missing', 'r_4'],
    ['a GITHUB run message without a run id', runMessage(github, {}, 42), 'context.runId is missing or not a non-empty string', undefined],
    ['a GITHUB run message without a repository', runMessage({ ...github, repo: '' }), 'payload.action.invocationMethod.repo must be a non-empty string', 'r_1'],
    ['a non-boolean omitPayload', runMessage({ ...github, omitPayload: 'yes' }), 'payload.action.invocationMethod.omitPayload must be true or false, got "yes"', 'r_1'],
    ['properties that are not an object', runMessage(github, ['x'] as never), 'payload.properties must be an object', 'r_1'],
    ['a non-string ref', runMessage(github, { ref: 7 }), 'payload.properties.ref must be a non-empty string', 'r_1'],
    ['a v2 payload without a workflow', { type: 'GITHUB', runId: 'r_5', org: 'acme', repo: 'api' }, 'workflow must be a non-empty string', 'r_5'],
    ['v2 inputs that are not an object', { ...github, runId: 'r_6', workflowInputs: 'x' }, 'workflowInputs must be an object', 'r_6'],
  ];
  it.each(invalid)('reports %s as invalid, with the reason and the run id when known', (_name, message, reason, runId) => {
    const sut = parse(message);

    if (sut.kind !== 'invalid') throw new Error(`expected invalid, got ${sut.kind}`);
    expect(sut.reason).toContain(reason);
    expect(sut.runId).toBe(runId);
  });
});

describe('workflowInputs', () => {
  it('keeps strings, writes everything else as JSON text and leaves out null', () => {
    expect(workflowInputs({ a: 'x', b: 1, c: false, d: { e: [1] }, f: null, g: undefined })).toEqual({ a: 'x', b: '1', c: 'false', d: '{"e":[1]}' });
  });
});
