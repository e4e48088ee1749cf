import type { WebhookPayload } from '@glint/github';

/** The pull request actions that change what a pull request would merge, so its config files are checked again. */
export const CHECKED_ACTIONS: readonly string[] = ['opened', 'synchronize', 'reopened'];

/** What a check run needs from a `pull_request` webhook. */
export interface PullRequestEvent {
  action: string;
  owner: string;
  repository: string;
  number: number;
  /** The commit the check run is attached to and the files are read at. */
  headSha: string;
}

/** Reads a `pull_request` payload; throws naming the first field that is missing or of the wrong type. */
export function readPullRequestEvent(payload: WebhookPayload): PullRequestEvent {
  const action = field(payload, ['action'], 'string');
  const repository = field(payload, ['repository', 'name'], 'string');
  const owner = field(payload, ['repository', 'owner', 'login'], 'string');
  const number = field(payload, ['pull_request', 'number'], 'number');
  const headSha = field(payload, ['pull_request', 'head', 'sha'], 'string');
  if (!/^[0-9a-f]{40}$/i.test(headSha)) throw new Error(`pull_request payload: pull_request.head.sha is not a commit sha: ${JSON.stringify(headSha)}`);
  return { action, owner, repository, number, headSha };
}

function field<T extends 'string' | 'number'>(payload: WebhookPayload, path: readonly string[], type: T): T extends 'string' ? string : number {
  let value: unknown = payload;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  if (typeof value !== type || value === '') throw new Error(`pull_request payload: ${path.join('.')} is missing or not a ${type}`);
  return value as T extends 'string' ? string : number;
}
