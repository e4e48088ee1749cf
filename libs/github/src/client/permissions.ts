export type PermissionLevel = 'repository' | 'organization';

export interface PermissionHint {
  /** e.g. 'Dependabot alerts: read' */
  permission: string;
  level: PermissionLevel;
}

interface RouteFamily {
  pattern: RegExp;
  name: string;
  level: PermissionLevel;
  /** Some families need write only for some methods; default: GET/HEAD read, anything else write. */
  alwaysRead?: boolean;
}

const REPO = String.raw`^/repos/[^/]+/[^/]+`;
const ORG = String.raw`^/orgs/[^/]+`;

/** First match wins, so the more specific families come first. */
const ROUTE_FAMILIES: readonly RouteFamily[] = [
  { pattern: new RegExp(`${REPO}/dependabot/`), name: 'Dependabot alerts', level: 'repository' },
  { pattern: new RegExp(`${REPO}/code-scanning/`), name: 'Code scanning alerts', level: 'repository' },
  { pattern: new RegExp(`${REPO}/secret-scanning/`), name: 'Secret scanning alerts', level: 'repository' },
  { pattern: new RegExp(`${REPO}/(check-runs|check-suites)(/|$)|${REPO}/commits/[^/]+/(check-runs|check-suites)`), name: 'Checks', level: 'repository' },
  { pattern: new RegExp(`${REPO}/actions/`), name: 'Actions', level: 'repository' },
  { pattern: new RegExp(`${REPO}/environments(/|$)`), name: 'Environments', level: 'repository' },
  { pattern: new RegExp(`${REPO}/deployments(/|$)`), name: 'Deployments', level: 'repository' },
  { pattern: new RegExp(`${REPO}/pulls(/|$)`), name: 'Pull requests', level: 'repository' },
  { pattern: new RegExp(`${REPO}/issues(/|$)`), name: 'Issues', level: 'repository' },
  { pattern: new RegExp(`${REPO}/hooks(/|$)`), name: 'Webhooks', level: 'repository' },
  { pattern: new RegExp(`${REPO}/(teams|branches/[^/]+/protection|rulesets|vulnerability-alerts)(/|$)`), name: 'Administration', level: 'repository' },
  { pattern: new RegExp(`${REPO}/(contents|readme|git|commits|branches|tags|compare|releases|zipball|tarball)(/|$)`), name: 'Contents', level: 'repository' },
  { pattern: new RegExp(`${REPO}/(collaborators|languages|topics|contributors|forks)(/|$)|${REPO}$`), name: 'Metadata', level: 'repository', alwaysRead: true },
  { pattern: new RegExp(`${ORG}/dependabot/`), name: 'Dependabot alerts', level: 'repository' },
  { pattern: new RegExp(`${ORG}/code-scanning/`), name: 'Code scanning alerts', level: 'repository' },
  { pattern: new RegExp(`${ORG}/secret-scanning/`), name: 'Secret scanning alerts', level: 'repository' },
  { pattern: new RegExp(`${ORG}/hooks(/|$)`), name: 'Webhooks', level: 'organization' },
  { pattern: new RegExp(`${ORG}/(members|memberships|teams|outside_collaborators|invitations)(/|$)`), name: 'Members', level: 'organization' },
  { pattern: new RegExp(`${ORG}/(repos|installation)(/|$)|^/installation/repositories$|^/user/(orgs|repos)$`), name: 'Metadata', level: 'repository', alwaysRead: true },
  { pattern: new RegExp(`${ORG}/actions/`), name: 'Self-hosted runners', level: 'organization' },
  { pattern: new RegExp(`${ORG}$`), name: 'Metadata', level: 'repository', alwaysRead: true },
];

/** The App permission a route most likely needs, from its filled path (`/repos/acme/api/pulls`), or undefined. */
export function permissionFor(method: string, path: string): PermissionHint | undefined {
  const family = ROUTE_FAMILIES.find((candidate) => candidate.pattern.test(path));
  if (!family) return undefined;
  const reads = family.alwaysRead || method === 'GET' || method === 'HEAD';
  return { permission: `${family.name}: ${reads ? 'read' : 'write'}`, level: family.level };
}

export type Principal = 'app' | 'token';

/**
 * The sentence a 403 or 404 raises, e.g. "GET /repos/acme/api/dependabot/alerts answered 403: the GitHub App
 * probably lacks the 'Dependabot alerts: read' repository permission (or the installation does not include this
 * repository)".
 */
export function permissionMessage(route: string, status: number, hint: PermissionHint | undefined, principal: Principal, githubMessage?: string): string {
  const isRepoRoute = / \/repos\//.test(route);
  const who = principal === 'app' ? 'the GitHub App' : 'the token';
  const what = hint
    ? principal === 'app'
      ? `the '${hint.permission}' ${hint.level} permission`
      : `access to '${hint.permission}' (fine-grained token) or the matching scope (classic token)`
    : 'a permission this route needs';
  const outside =
    principal === 'app'
      ? ` (or the installation does not include this ${isRepoRoute ? 'repository' : 'organization'})`
      : ` (or it cannot see this ${isRepoRoute ? 'repository' : 'organization'})`;
  const lead = status === 404 ? `it does not exist, or ${who} probably lacks` : `${who} probably lacks`;
  const said = githubMessage ? `; GitHub said: ${JSON.stringify(githubMessage)}` : '';
  return `${route} answered ${status}: ${lead} ${what}${outside}${said}`;
}
