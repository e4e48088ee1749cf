import { enrichRepository, FetchContext, GithubApiError, GithubObject, Repository, RepositorySelector } from '@glint/github';
import type { Kind, ResourceConfig } from '@glint/mapping';
import type { WebhookEvent } from '@glint/queue';

/**
 * What an event says about one GitHub object of a kind: its current state re-read from GitHub (`current`, null when
 * it is gone), and the object as the payload knew it (`known`), which still names the entity to delete.
 */
export interface LiveObject {
  kind: Kind;
  current: GithubObject | null;
  known: GithubObject;
  /** Objects that need the resource's own enrichment (repositories: `includedFiles`, `includedRelations`). */
  enrich?: (object: GithubObject, resource: ResourceConfig) => Promise<GithubObject>;
  /** The one resource (index in the mapping) the object was listed for, when it was listed through that resource's selector. */
  resourceIndex?: number;
  /** The object a resync lists this one through, whose fields the kind's listing filters test (a deployment status: its deployment). */
  parent?: GithubObject;
  /**
   * Whether the resource's own listing holds the object now, for a filter only GitHub can apply (a collaborator's
   * `affiliation`: is the user an organization member?). Absent: the object's fields decide (`keptBySelector`).
   */
  listedFor?: (resource: ResourceConfig) => Promise<boolean>;
}

type Payload = Record<string, unknown>;

const REPOSITORY_DELETING = new Set(['deleted', 'archived']);
const ISSUE_DELETING = new Set(['deleted', 'transferred']);

/**
 * The objects an event changes, per the event → kind table (github-integration-facts §3.2). Upserts re-read the
 * object from GitHub, so an out-of-order or stale payload cannot regress the catalog; a 404 on re-read means gone.
 * Alerts are re-read too: their webhook objects are not the REST ones (a secret scanning alert has no `state`, a code
 * scanning rule no `security_severity_level`). A deployment status, which never changes, is taken from the payload.
 */
export async function liveObjectsOf(event: WebhookEvent, context: FetchContext): Promise<LiveObject[]> {
  const payload = event.payload as Payload;
  const action = typeof payload['action'] === 'string' ? payload['action'] : undefined;
  const repository = payload['repository'] as Repository | undefined;
  const repo = repository ? { owner: repository.owner.login, repo: repository.name } : undefined;
  const enriched = (object: GithubObject | null): GithubObject | null => (object && repository ? { ...object, __repository: repository.name, __organization: context.organization } : object);
  const known = (object: unknown): GithubObject => enriched(object as GithubObject) as GithubObject;
  const read = (route: string, params: Record<string, unknown>) => readOrGone(context, route, { ...repo, ...params });

  switch (event.event) {
    case 'repository': {
      if (!repository || !repo) return [];
      const current = REPOSITORY_DELETING.has(action ?? '') ? null : await read('GET /repos/{owner}/{repo}', {});
      const enrich = (object: GithubObject, resource: ResourceConfig) => enrichRepository(context, object as Repository, resource.selector as RepositorySelector);
      const objects: LiveObject[] = [{ kind: 'repository', current, known: repository, enrich }];
      const previousName = (payload['changes'] as { repository?: { name?: { from?: string } } } | undefined)?.repository?.name?.from;
      if (action === 'renamed' && previousName) objects.push({ kind: 'repository', current: null, known: { ...repository, name: previousName, full_name: `${repo.owner}/${previousName}` } });
      return objects;
    }
    case 'pull_request': {
      const pull = payload['pull_request'] as { number: number } | undefined;
      if (!pull || !repo) return [];
      return [{ kind: 'pull-request', current: enriched(await read('GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: pull.number })), known: known(pull) }];
    }
    case 'issues': {
      const issue = payload['issue'] as { number: number; pull_request?: unknown } | undefined;
      if (!issue || !repo) return [];
      const current = ISSUE_DELETING.has(action ?? '') ? null : enriched(await read('GET /repos/{owner}/{repo}/issues/{issue_number}', { issue_number: issue.number }));
      return [{ kind: 'issue', current, known: known(issue) }];
    }
    case 'release': {
      const release = payload['release'] as { id: number } | undefined;
      if (!release || !repo) return [];
      const current = action === 'deleted' ? null : enriched(await read('GET /repos/{owner}/{repo}/releases/{release_id}', { release_id: release.id }));
      return [{ kind: 'release', current, known: known(release) }];
    }
    case 'create':
    case 'delete':
      return refObjects(event.event, payload, read, known);
    case 'push':
      return pushObjects(payload, read, known);
    case 'workflow_run': {
      const run = payload['workflow_run'] as { id: number } | undefined;
      if (!run || !repo) return [];
      return [{ kind: 'workflow-run', current: enriched(await read('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { run_id: run.id })), known: known(run) }];
    }
    case 'deployment': {
      const deployment = payload['deployment'] as { id: number; environment?: string } | undefined;
      if (!deployment || !repo) return [];
      const objects: LiveObject[] = [{ kind: 'deployment', current: enriched(await read('GET /repos/{owner}/{repo}/deployments/{deployment_id}', { deployment_id: deployment.id })), known: known(deployment) }];
      if (deployment.environment) {
        // Environments are only ever upserted from deployments, never deleted (the peer does the same).
        const environment = enriched(await read('GET /repos/{owner}/{repo}/environments/{environment_name}', { environment_name: deployment.environment }));
        if (environment) objects.push({ kind: 'environment', current: environment, known: environment });
      }
      return objects;
    }
    case 'deployment_status': {
      const status = payload['deployment_status'] as GithubObject | undefined;
      const deployment = payload['deployment'] as { id: number } | undefined;
      if (!status || !deployment || !repo) return [];
      // A new status moves its deployment's `updated_at`; the status is kept or not by its deployment's task and environment.
      const currentDeployment = enriched(await read('GET /repos/{owner}/{repo}/deployments/{deployment_id}', { deployment_id: deployment.id }));
      const object = known({ ...status, __deployment_id: deployment.id });
      return [
        { kind: 'deployment', current: currentDeployment, known: known(deployment) },
        { kind: 'deployment-status', current: currentDeployment ? object : null, known: object, parent: currentDeployment ?? known(deployment) },
      ];
    }
    case 'dependabot_alert':
      return alertObject('dependabot-alert', 'GET /repos/{owner}/{repo}/dependabot/alerts/{alert_number}', payload, read, known);
    case 'code_scanning_alert':
      return alertObject('code-scanning-alerts', 'GET /repos/{owner}/{repo}/code-scanning/alerts/{alert_number}', payload, read, known);
    case 'secret_scanning_alert': {
      const route = 'GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}';
      const objects = await alertObject('secret-scanning-alerts', route, payload, (path, params) => read(path, { ...params, hide_secret: true }), known);
      // The secret itself only for a resource that asks for it (`hideSecret: false`), as its resync lists them.
      const withSecret = async (object: GithubObject, resource: ResourceConfig): Promise<GithubObject> => {
        if (resource.selector['hideSecret'] !== false) return object;
        const revealed = await read(route, { alert_number: object['number'], hide_secret: false });
        return revealed ? known(revealed) : object;
      };
      return objects.map((object) => ({ ...object, enrich: withSecret }));
    }
    case 'organization': {
      const membership = payload['membership'] as { user?: GithubObject } | undefined;
      if ((action === 'member_added' || action === 'member_removed') && membership?.user) {
        const user = { ...membership.user, __organization: context.organization };
        return [{ kind: 'user', current: action === 'member_added' ? user : null, known: user }];
      }
      const organization = await readOrGone(context, 'GET /orgs/{org}', { org: context.organization });
      return organization ? [{ kind: 'organization', current: organization, known: organization }] : [];
    }
    case 'team':
    case 'membership': {
      const team = payload['team'] as { slug: string } | undefined;
      if (!team) return [];
      const current = event.event === 'team' && action === 'deleted' ? null : await teamWithMembers(context, team.slug);
      return [{ kind: 'team', current, known: { ...team, __organization: context.organization } }];
    }
    case 'member': {
      const member = payload['member'] as { login: string } | undefined;
      if (!member || !repo) return [];
      const removed = action === 'removed' || action === 'deleted';
      const permission = removed ? null : await read('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { username: member.login });
      const user = permission?.['user'] as GithubObject | undefined;
      const listedFor = async (resource: ResourceConfig): Promise<boolean> => {
        const affiliation = typeof resource.selector['affiliation'] === 'string' ? resource.selector['affiliation'] : 'all';
        if (affiliation === 'all') return true;
        for await (const page of context.client.paginate<{ login: string }>('GET /repos/{owner}/{repo}/collaborators', { ...repo, affiliation })) {
          if (page.some((collaborator) => collaborator.login.toLowerCase() === member.login.toLowerCase())) return true;
        }
        return false;
      };
      return [{ kind: 'collaborator', current: user ? enriched(user) : null, known: known(member), listedFor }];
    }
    default:
      return [];
  }
}

async function refObjects(eventName: 'create' | 'delete', payload: Payload, read: Reader, known: (object: unknown) => GithubObject): Promise<LiveObject[]> {
  const ref = payload['ref'] as string | undefined;
  const refType = payload['ref_type'];
  const repository = payload['repository'] as Repository | undefined;
  if (!ref || !repository) return [];
  if (refType === 'tag') {
    const current = eventName === 'delete' ? null : await tagObject(read, ref);
    return [{ kind: 'tag', current: current ? known(current) : null, known: known({ name: ref }) }];
  }
  if (refType === 'branch') {
    const current = eventName === 'delete' ? null : await branchObject(read, repository, ref);
    return [{ kind: 'branch', current: current ? known(current) : null, known: known({ name: ref }) }];
  }
  return [];
}

const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/;

async function pushObjects(payload: Payload, read: Reader, known: (object: unknown) => GithubObject): Promise<LiveObject[]> {
  const ref = payload['ref'] as string | undefined;
  const repository = payload['repository'] as Repository | undefined;
  if (!ref?.startsWith('refs/heads/') || !repository) return [];
  const branch = ref.slice('refs/heads/'.length);
  const objects: LiveObject[] = [];
  const current = payload['deleted'] === true ? null : await branchObject(read, repository, branch);
  objects.push({ kind: 'branch', current: current ? known(current) : null, known: known({ name: branch }) });

  if (branch === repository.default_branch) {
    const touched = changedPaths(payload).filter((path) => WORKFLOW_FILE.test(path));
    for (const path of new Set(touched)) {
      const workflow = await read('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}', { workflow_id: path.split('/').pop() });
      objects.push({ kind: 'workflow', current: workflow ? known(workflow) : null, known: known({ path, name: path.split('/').pop() }) });
    }
  }
  return objects;
}

async function alertObject(kind: Kind, route: string, payload: Payload, read: Reader, known: (object: unknown) => GithubObject): Promise<LiveObject[]> {
  const alert = payload['alert'] as { number?: number } | undefined;
  if (typeof alert?.number !== 'number' || !payload['repository']) return [];
  const current = await read(route, { alert_number: alert.number });
  return [{ kind, current: current ? known(current) : null, known: known(alert) }];
}

type Reader = (route: string, params: Record<string, unknown>) => Promise<GithubObject | null>;

async function tagObject(read: Reader, tag: string): Promise<GithubObject | null> {
  const ref = await read('GET /repos/{owner}/{repo}/git/refs/tags/{tag}', { tag });
  return ref ? { ...ref, name: tag, commit: ref['object'] } : null;
}

async function branchObject(read: Reader, repository: Repository, branch: string): Promise<GithubObject | null> {
  const current = await read('GET /repos/{owner}/{repo}/branches/{branch}', { branch });
  return current ? { ...current, __is_default_branch: branch === repository.default_branch, __repository_object: repository } : null;
}

async function teamWithMembers(context: FetchContext, slug: string): Promise<GithubObject | null> {
  const team = await readOrGone(context, 'GET /orgs/{org}/teams/{team_slug}', { org: context.organization, team_slug: slug });
  if (!team) return null;
  const members: GithubObject[] = [];
  for await (const page of context.client.paginate<GithubObject>('GET /orgs/{org}/teams/{team_slug}/members', { org: context.organization, team_slug: slug })) members.push(...page);
  return { ...team, members: { nodes: members }, __organization: context.organization };
}

/** Paths a push added, modified or removed, from its commits. */
export function changedPaths(payload: Payload): string[] {
  const commits = (payload['commits'] as Array<{ added?: string[]; modified?: string[]; removed?: string[] }> | undefined) ?? [];
  const headCommit = payload['head_commit'] as { added?: string[]; modified?: string[]; removed?: string[] } | undefined | null;
  const all = headCommit && commits.length === 0 ? [headCommit] : commits;
  return all.flatMap((commit) => [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])]);
}

/**
 * The object as GitHub has it now, or null when it is gone. Not through the ETag cache: the event says the object just
 * changed, so a cached ETag would almost never match, and reading and writing the cache entry (gunzip, gzip, Redis)
 * cost the mapper about a sixth of its CPU per live event (bench/e2e).
 */
async function readOrGone(context: FetchContext, route: string, params: Record<string, unknown>): Promise<GithubObject | null> {
  try {
    return await context.client.request<GithubObject>(route, params, { cached: false });
  } catch (error) {
    if (error instanceof GithubApiError && error.status === 404) return null;
    throw error;
  }
}
