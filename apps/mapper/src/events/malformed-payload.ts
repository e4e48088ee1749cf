import type { WebhookEvent } from '@glint/queue';

type Check = (payload: Readonly<Record<string, unknown>>) => string | undefined;

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `field` is an object, and each of `keys` in it has the type named. */
const object =
  (field: string, keys: Readonly<Record<string, 'number' | 'string'>> = {}): Check =>
  (payload) => {
    const value = payload[field];
    if (!isRecord(value)) return `no \`${field}\` object`;
    for (const [key, type] of Object.entries(keys)) if (typeof value[key] !== type) return `\`${field}.${key}\` is not a ${type}`;
    return undefined;
  };

const text =
  (field: string): Check =>
  (payload) =>
    typeof payload[field] === 'string' ? undefined : `no \`${field}\` string`;

const repository: Check = (payload) => {
  const problem = object('repository', { id: 'number', name: 'string' })(payload);
  if (problem) return problem;
  const owner = isRecord(payload['repository']) ? payload['repository']['owner'] : undefined;
  return isRecord(owner) && typeof owner['login'] === 'string' ? undefined : '`repository.owner.login` is not a string';
};

const alert = object('alert', { number: 'number' });

/**
 * What each event the mapper handles must carry to be mapped: its repository (for a repository's events) and the
 * object it is about, as GitHub always sends them. A signed delivery without them is malformed: nothing could ever map
 * it, so it is dead-lettered with the reason instead of being counted as ignored.
 */
const REQUIRED: Readonly<Record<string, readonly Check[]>> = {
  repository: [repository],
  pull_request: [repository, object('pull_request', { number: 'number' })],
  issues: [repository, object('issue', { number: 'number' })],
  release: [repository, object('release', { id: 'number' })],
  create: [repository, text('ref'), text('ref_type')],
  delete: [repository, text('ref'), text('ref_type')],
  push: [repository, text('ref')],
  deployment: [repository, object('deployment', { id: 'number' })],
  deployment_status: [repository, object('deployment', { id: 'number' }), object('deployment_status', { id: 'number' })],
  workflow_run: [repository, object('workflow_run', { id: 'number' })],
  dependabot_alert: [repository, alert],
  code_scanning_alert: [repository, alert],
  secret_scanning_alert: [repository, alert],
  member: [repository, object('member', { login: 'string' })],
  organization: [object('organization', { login: 'string' })],
  team: [object('organization', { login: 'string' }), object('team', { id: 'number' })],
  membership: [object('organization', { login: 'string' }), object('team', { id: 'number' }), object('member', { login: 'string' })],
  installation: [object('installation', { id: 'number' })],
  installation_repositories: [object('installation', { id: 'number' })],
};

/** Why the event's payload cannot be mapped (the first thing it lacks); undefined when it has what its kind needs. */
export function malformationOf(event: Pick<WebhookEvent, 'event' | 'payload'>): string | undefined {
  const checks = REQUIRED[event.event];
  if (!checks) return undefined;
  if (!isRecord(event.payload)) return `a ${event.event} payload must be a JSON object`;
  for (const check of checks) {
    const problem = check(event.payload);
    if (problem) return `malformed ${event.event} payload: ${problem}`;
  }
  return undefined;
}

/** The events whose payloads `malformationOf` checks. */
export const CHECKED_EVENTS: readonly string[] = Object.keys(REQUIRED);
