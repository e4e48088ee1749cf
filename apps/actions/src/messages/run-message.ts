/**
 * The two messages Glint accepts on `<PORT_ORG_ID>.runs`:
 *
 * - `run-message`: Port's run message (port-agent's format, also what legacy v1 actions produce), with
 *   `context.runId` and `payload.action.invocationMethod` of type `GITHUB` (`org`, `repo`, `workflow`, `omitPayload`,
 *   `omitUserInputs`, `reportWorkflowStatus`); the user inputs are `payload.properties`.
 * - `github-v2`: what a v2 `KAFKA` action's `invocationMethod.payload` renders to when written as Glint documents it:
 *   `{type: "GITHUB", runId, org, repo, workflow, workflowInputs, reportWorkflowStatus}`.
 */
export type MessageFormat = 'run-message' | 'github-v2';

export interface DispatchRequest {
  runId: string;
  format: MessageFormat;
  org: string;
  repo: string;
  workflow: string;
  /** The inputs' `ref` (taken out of them); undefined means the repository's default branch. */
  ref?: string;
  /** What the workflow receives: strings as they are, every other value as its JSON text. */
  inputs: Record<string, string>;
  reportWorkflowStatus: boolean;
}

export type ParsedRunMessage =
  | { kind: 'dispatch'; request: DispatchRequest }
  /** Another invocation type: some other agent's run, left alone. */
  | { kind: 'ignored'; reason: string; runId?: string }
  | { kind: 'invalid'; reason: string; runId?: string };

type Json = Record<string, unknown>;

class InvalidMessage extends Error {}

export function parseRunMessage(value: Buffer | string | null | undefined): ParsedRunMessage {
  const text = value === null || value === undefined ? '' : value.toString();
  if (text.trim() === '') return { kind: 'invalid', reason: 'the message is empty' };
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', reason: `the message is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!isObject(message)) return { kind: 'invalid', reason: 'the message is not a JSON object' };

  const v2 = typeof message['type'] === 'string' && !('context' in message);
  const runId = v2 ? message['runId'] : (isObject(message['context']) ? message['context'] : {})['runId'];
  const knownRunId = typeof runId === 'string' && runId.trim() !== '' ? runId : undefined;
  try {
    if (v2) return githubV2(message, knownRunId);
    if ('context' in message || 'payload' in message) return runMessage(message, knownRunId);
    throw new InvalidMessage('the message is neither a run message (context.runId, payload.action.invocationMethod) nor a Glint GitHub payload (type, runId, org, repo, workflow)');
  } catch (error) {
    if (error instanceof InvalidMessage) return { kind: 'invalid', reason: error.message, runId: knownRunId };
    throw error;
  }
}

function runMessage(message: Json, runId: string | undefined): ParsedRunMessage {
  const payload = optionalObject(message, 'payload', '');
  const action = payload && optionalObject(payload, 'action', 'payload.');
  const method = action && optionalObject(action, 'invocationMethod', 'payload.action.');
  if (!method || typeof method['type'] !== 'string') throw new InvalidMessage('payload.action.invocationMethod.type is missing');
  if (method['type'] !== 'GITHUB') return ignored(method['type'], runId);
  const id = requireRunId(runId, 'context.runId');

  const at = 'payload.action.invocationMethod.';
  const target = { org: requireText(method, 'org', at), repo: requireText(method, 'repo', at), workflow: requireText(method, 'workflow', at) };
  const omitPayload = optionalBoolean(method, 'omitPayload', at) ?? false;
  const omitUserInputs = optionalBoolean(method, 'omitUserInputs', at) ?? false;
  const reportWorkflowStatus = optionalBoolean(method, 'reportWorkflowStatus', at) ?? true;
  const properties = optionalObject(payload ?? {}, 'properties', 'payload.') ?? {};

  const { ref, rest } = takeRef(omitUserInputs ? {} : properties, 'payload.properties.ref');
  const inputs = workflowInputs(rest);
  // Port's GitHub app sends the whole run message as `port_payload` unless the action says otherwise.
  if (!omitPayload) inputs['port_payload'] = JSON.stringify(message);
  return { kind: 'dispatch', request: { runId: id, format: 'run-message', ...target, ref, inputs, reportWorkflowStatus } };
}

function githubV2(message: Json, runId: string | undefined): ParsedRunMessage {
  if (message['type'] !== 'GITHUB') return ignored(message['type'] as string, runId);
  const id = requireRunId(runId, 'runId');
  const target = { org: requireText(message, 'org', ''), repo: requireText(message, 'repo', ''), workflow: requireText(message, 'workflow', '') };
  const reportWorkflowStatus = optionalBoolean(message, 'reportWorkflowStatus', '') ?? true;
  const { ref, rest } = takeRef(optionalObject(message, 'workflowInputs', '') ?? {}, 'workflowInputs.ref');
  return { kind: 'dispatch', request: { runId: id, format: 'github-v2', ...target, ref, inputs: workflowInputs(rest), reportWorkflowStatus } };
}

/** Workflow inputs arrive as strings on GitHub's side: objects, arrays, numbers and booleans go as JSON text. */
export function workflowInputs(values: Json): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    inputs[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return inputs;
}

function takeRef(values: Json, path: string): { ref?: string; rest: Json } {
  const { ref, ...rest } = values;
  if (ref === undefined || ref === null) return { rest };
  if (typeof ref !== 'string' || ref.trim() === '') throw new InvalidMessage(`${path} must be a non-empty string (a branch, tag or refs/… name)`);
  return { ref, rest };
}

function ignored(type: unknown, runId: string | undefined): ParsedRunMessage {
  return { kind: 'ignored', reason: `invocation type ${JSON.stringify(type)} is not one Glint handles (only GITHUB)`, runId };
}

function requireRunId(runId: string | undefined, path: string): string {
  if (runId === undefined) throw new InvalidMessage(`${path} is missing or not a non-empty string`);
  return runId;
}

function requireText(object: Json, key: string, at: string): string {
  const value = object[key];
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidMessage(`${at}${key} must be a non-empty string`);
  return value.trim();
}

function optionalBoolean(object: Json, key: string, at: string): boolean | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new InvalidMessage(`${at}${key} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function optionalObject(object: Json, key: string, at: string): Json | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new InvalidMessage(`${at}${key} must be an object`);
  return value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
