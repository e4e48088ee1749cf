import type { GithubObject } from '@glint/github';
import type { Kind, PortAppConfig } from '@glint/mapping';

type Selector = Record<string, unknown>;

/**
 * The filters a resync applies through its listing parameters (`states`, `repositoryType`, `statuses`, …), applied to
 * one live object, so that a live event keeps the catalog equal to what the next resync would produce: an object the
 * listing would leave out is deleted. `parent` is the object a resync lists this one through (a deployment status's
 * deployment), when the listing filters that one.
 */
export function keptBySelector(kind: Kind, selector: Selector, object: GithubObject, config: PortAppConfig, repository?: GithubObject, parent?: GithubObject): boolean {
  if (kind === 'repository') return object['archived'] !== true && visibilityKept(object, config.repositoryType);
  if (repository && kind !== 'organization' && kind !== 'user' && kind !== 'team' && !visibilityKept(repository, config.repositoryType)) return false;
  switch (kind) {
    case 'pull-request':
      return list(selector['states'], ['open']).includes(String(object['state']));
    case 'issue': {
      const state = typeof selector['state'] === 'string' ? selector['state'] : 'open';
      if (state !== 'all' && object['state'] !== state) return false;
      const labels = list(selector['labels'], []);
      const has = new Set(((object['labels'] as Array<{ name?: string } | string> | undefined) ?? []).map((label) => (typeof label === 'string' ? label : label.name)));
      return labels.every((label) => has.has(label));
    }
    case 'workflow-run': {
      const statuses = list(selector['statuses'], []);
      return statuses.length === 0 || statuses.includes(String(object['status'])) || statuses.includes(String(object['conclusion']));
    }
    case 'dependabot-alert':
      return list(selector['states'], ['open']).includes(String(object['state']));
    case 'code-scanning-alerts': {
      // GitHub's listing takes `closed` for every alert no longer open, whether dismissed or fixed.
      const state = typeof selector['state'] === 'string' ? selector['state'] : 'open';
      return state === 'closed' ? object['state'] !== 'open' : state === object['state'];
    }
    case 'secret-scanning-alerts': {
      const state = typeof selector['state'] === 'string' ? selector['state'] : 'open';
      return state === 'all' || state === object['state'];
    }
    case 'branch':
      return selector['defaultBranchOnly'] !== true || object['__is_default_branch'] === true;
    case 'deployment':
      return deploymentKept(selector, object);
    case 'deployment-status':
      return parent === undefined || deploymentKept(selector, parent);
    default:
      return true;
  }
}

/** The `GET /orgs/{org}/repos?type=` filter. */
function visibilityKept(repository: GithubObject, repositoryType: string): boolean {
  switch (repositoryType) {
    case 'public':
      return repository['private'] !== true && (repository['visibility'] ?? 'public') === 'public';
    case 'private':
      return repository['private'] === true;
    case 'forks':
      return repository['fork'] === true;
    case 'sources':
      return repository['fork'] !== true;
    default:
      return true;
  }
}

function list(value: unknown, fallback: string[]): string[] {
  if (Array.isArray(value) && value.length > 0) return value.map(String);
  if (typeof value === 'string' && value) return value.split(',').map((item) => item.trim());
  return fallback;
}

/** The `GET …/deployments?task=&environment=` filters. */
function deploymentKept(selector: Selector, deployment: GithubObject): boolean {
  return matches(selector['task'], deployment['task']) && matches(selector['environment'], deployment['environment']);
}

function matches(wanted: unknown, actual: unknown): boolean {
  return typeof wanted !== 'string' || wanted === '' || wanted === actual;
}
