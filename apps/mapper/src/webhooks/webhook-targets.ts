import type { GithubAccess, GithubInstallation } from '@glint/github';

/** Where a BASE_URL webhook lives: on an organization, or on each repository a personal account owns. */
export type WebhookTarget =
  | { kind: 'organization'; installationId: number; org: string }
  | { kind: 'repository'; installationId: number; owner: string; repo: string };

/** The key of a target in `managed_webhooks` and in logs' lock names: `organization:acme`, `repository:alice/api`. */
export function targetKey(target: WebhookTarget): string {
  return (target.kind === 'organization' ? `organization:${target.org}` : `repository:${target.owner}/${target.repo}`).toLowerCase();
}

/** The target a stored key names, managed through `installationId`; undefined for a key this code never writes. */
export function targetOfKey(key: string, installationId: number): WebhookTarget | undefined {
  const organization = /^organization:([^/]+)$/.exec(key);
  if (organization) return { kind: 'organization', installationId, org: organization[1] };
  const repository = /^repository:([^/]+)\/([^/]+)$/.exec(key);
  return repository ? { kind: 'repository', installationId, owner: repository[1], repo: repository[2] } : undefined;
}

export function describeTarget(target: WebhookTarget): string {
  return target.kind === 'organization' ? `organization ${target.org}` : `repository ${target.owner}/${target.repo}`;
}

/** REST routes of a target's hooks: `GET /orgs/{org}/hooks`, `PATCH /repos/{owner}/{repo}/hooks/{hook_id}`, … */
export function hookRoute(target: WebhookTarget, method: 'GET' | 'POST' | 'PATCH', rest = ''): { route: string; params: Record<string, string | number> } {
  return target.kind === 'organization'
    ? { route: `${method} /orgs/{org}/hooks${rest}`, params: { org: target.org } }
    : { route: `${method} /repos/{owner}/{repo}/hooks${rest}`, params: { owner: target.owner, repo: target.repo } };
}

interface RepositoryPayload {
  name: string;
  archived?: boolean;
  owner?: { login?: string } | null;
}

/**
 * The webhook targets of a synced account. An organization has one hook; a personal account cannot have one, so each
 * repository it owns gets its own (archived ones are read-only and skipped): in App mode those the installation may
 * see, in PAT mode those the token's user owns (`GET /user/repos?affiliation=owner`).
 */
export async function webhookTargetsOf(access: GithubAccess, mode: 'app' | 'token', installation: GithubInstallation): Promise<WebhookTarget[]> {
  if (installation.accountType === 'Organization') return [{ kind: 'organization', installationId: installation.id, org: installation.accountLogin }];
  const client = access.clientFor(installation.id);
  const pages =
    mode === 'app'
      ? client.paginate<RepositoryPayload>('GET /installation/repositories', {}, { itemsKey: 'repositories', cached: false })
      : client.paginate<RepositoryPayload>('GET /user/repos', { affiliation: 'owner' }, { cached: false });
  const targets: WebhookTarget[] = [];
  const owner = installation.accountLogin.toLowerCase();
  for await (const page of pages) {
    for (const repository of page) {
      if (repository.archived || repository.owner?.login?.toLowerCase() !== owner) continue;
      targets.push({ kind: 'repository', installationId: installation.id, owner: installation.accountLogin, repo: repository.name });
    }
  }
  return targets;
}
