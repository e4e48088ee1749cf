import { permissionFor } from './permissions';

describe('permissionFor', () => {
  const cases: Array<[method: string, path: string, permission: string | undefined, level: string | undefined]> = [
    ['GET', '/repos/acme/api', 'Metadata: read', 'repository'],
    ['GET', '/repos/acme/api/contents/port.yml', 'Contents: read', 'repository'],
    ['GET', '/repos/acme/api/pulls', 'Pull requests: read', 'repository'],
    ['PATCH', '/repos/acme/api/issues/3', 'Issues: write', 'repository'],
    ['GET', '/repos/acme/api/actions/runs', 'Actions: read', 'repository'],
    ['POST', '/repos/acme/api/actions/workflows/ci.yml/dispatches', 'Actions: write', 'repository'],
    ['GET', '/repos/acme/api/environments', 'Environments: read', 'repository'],
    ['GET', '/repos/acme/api/deployments', 'Deployments: read', 'repository'],
    ['GET', '/repos/acme/api/dependabot/alerts', 'Dependabot alerts: read', 'repository'],
    ['GET', '/repos/acme/api/code-scanning/alerts', 'Code scanning alerts: read', 'repository'],
    ['GET', '/repos/acme/api/secret-scanning/alerts', 'Secret scanning alerts: read', 'repository'],
    ['GET', '/repos/acme/api/commits/main/check-runs', 'Checks: read', 'repository'],
    ['GET', '/repos/acme/api/teams', 'Administration: read', 'repository'],
    ['GET', '/orgs/acme/members', 'Members: read', 'organization'],
    ['GET', '/orgs/acme/teams/core/members', 'Members: read', 'organization'],
    ['POST', '/orgs/acme/hooks', 'Webhooks: write', 'organization'],
    ['GET', '/orgs/acme/repos', 'Metadata: read', 'repository'],
    ['GET', '/orgs/acme/dependabot/alerts', 'Dependabot alerts: read', 'repository'],
    ['GET', '/meta', undefined, undefined],
  ];

  it.each(cases)('%s %s needs %s', (method, path, permission, level) => {
    const hint = permissionFor(method, path);

    expect(hint?.permission).toBe(permission);
    expect(hint?.level).toBe(level);
  });
});
