/**
 * Group keys decide which webhook events must be processed in order: events with the same key run one after
 * another, different keys run in parallel.
 *
 * Every key is scoped by repository (`repo-<id>/…`), so PR #5 of two repositories are two groups; an event
 * without a repository is scoped by its installation, then by its organization.
 */
export type WebhookPayload = Readonly<Record<string, unknown>>;

type KeyPart = { kind: string; value: string | number };

/** The event types grouped by what they are about (a pull request, an issue, a commit, a run), and the payload field each is grouped by. */
const EXPLICIT_GROUPS: Readonly<Record<string, (payload: WebhookPayload) => KeyPart | undefined>> = {
  pull_request: (payload) => numberAt(payload, ['pull_request', 'number'], 'pr') ?? numberAt(payload, ['number'], 'pr'),
  pull_request_review: (payload) => numberAt(payload, ['pull_request', 'number'], 'pr'),
  pull_request_review_comment: (payload) => numberAt(payload, ['pull_request', 'number'], 'pr'),
  issues: (payload) => numberAt(payload, ['issue', 'number'], 'issue'),
  issue_comment: (payload) => numberAt(payload, ['issue', 'number'], 'issue'),
  push: (payload) => scalarAt(payload, ['after'], 'sha'),
  status: (payload) => scalarAt(payload, ['sha'], 'sha'),
  release: (payload) => numberAt(payload, ['release', 'id'], 'release'),
  workflow_run: (payload) => numberAt(payload, ['workflow_run', 'id'], 'run'),
};

/**
 * Top-level payload fields the fallback scan never enters: they are the same for every event of an
 * installation (or, for `repository`, of a repository, which already scopes the key) and would put
 * everything into one group.
 */
export const FALLBACK_SCAN_SKIPS: readonly string[] = ['sender', 'installation', 'organization', 'enterprise', 'repository'];
export const FALLBACK_SCAN_FIELDS: readonly string[] = ['number', 'id', 'sha'];

export function groupKeyOf(event: string, payload: WebhookPayload): string {
  const scope = scopeOf(payload);
  // Own keys only: an event named `constructor` (a valid event name) or `valueOf` would find Object.prototype's.
  const explicit = Object.hasOwn(EXPLICIT_GROUPS, event) ? EXPLICIT_GROUPS[event] : undefined;
  const part = explicit ? explicit(payload) : scanForIdentity(payload);
  return part ? `${scope}/${part.kind}-${part.value}` : scope;
}

/**
 * The fallback scan, breadth first: the payload's own fields, then each nested object in the payload's
 * key order, one level at a time (arrays are not entered). In each object the first of `number`, `id`,
 * `sha` holding a string or number wins, and the key names the path it was found at, e.g.
 * `deployment.id-42`, so that an id of one kind never collides with an id of another.
 */
export function scanForIdentity(payload: WebhookPayload): KeyPart | undefined {
  let level: Array<{ path: string; value: Readonly<Record<string, unknown>> }> = [{ path: '', value: payload }];
  while (level.length > 0) {
    const next: typeof level = [];
    for (const { path, value } of level) {
      for (const field of FALLBACK_SCAN_FIELDS) {
        const candidate = value[field];
        if (isKeyValue(candidate)) return { kind: path ? `${path}.${field}` : field, value: candidate };
      }
      for (const [key, child] of Object.entries(value)) {
        if (path === '' && FALLBACK_SCAN_SKIPS.includes(key)) continue;
        if (isPlainObject(child)) next.push({ path: path ? `${path}.${key}` : key, value: child });
      }
    }
    level = next;
  }
  return undefined;
}

function scopeOf(payload: WebhookPayload): string {
  const repositoryId = idOf(payload['repository']);
  if (repositoryId !== undefined) return `repo-${repositoryId}`;
  const installationId = idOf(payload['installation']);
  if (installationId !== undefined) return `installation-${installationId}`;
  const organizationId = idOf(payload['organization']);
  if (organizationId !== undefined) return `org-${organizationId}`;
  return 'unscoped';
}

function idOf(value: unknown): string | number | undefined {
  return isPlainObject(value) && isKeyValue(value['id']) ? value['id'] : undefined;
}

function numberAt(payload: WebhookPayload, path: readonly string[], kind: string): KeyPart | undefined {
  const value = valueAt(payload, path);
  return typeof value === 'number' ? { kind, value } : undefined;
}

function scalarAt(payload: WebhookPayload, path: readonly string[], kind: string): KeyPart | undefined {
  const value = valueAt(payload, path);
  return isKeyValue(value) ? { kind, value } : undefined;
}

function valueAt(payload: WebhookPayload, path: readonly string[]): unknown {
  let current: unknown = payload;
  for (const key of path) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKeyValue(value: unknown): value is string | number {
  return (typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isFinite(value));
}
