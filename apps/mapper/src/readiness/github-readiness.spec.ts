import { GithubProbeError, type ProbedDelivery, type ProbedInstallation, type SignatureOutcomes } from '@glint/github';
import { GithubReadiness, type GithubReadinessDependencies } from './github-readiness';
import { missingPermissions } from './kind-permissions';

const acme: ProbedInstallation = { id: 7, account: 'acme', permissions: { metadata: 'read', pull_requests: 'read', issues: 'write' }, suspended: false };

function setUp(overrides: { outcomes?: SignatureOutcomes; deliveries?: ProbedDelivery[]; app?: () => Promise<void>; installations?: ProbedInstallation[]; kinds?: string[] } = {}) {
  const dependencies: GithubReadinessDependencies = {
    probe: {
      app: overrides.app ?? (async () => undefined),
      installations: async () => overrides.installations ?? [acme],
      installationToken: async () => undefined,
      deliveries: async () => overrides.deliveries ?? [],
    },
    kindsOf: async () => overrides.kinds ?? ['repository', 'pull-request', 'issue'],
    catalog: async () => undefined,
    catalogFix: 'check PORT_URL',
    signatures: { read: async () => overrides.outcomes ?? {} },
  };
  return new GithubReadiness(dependencies);
}

const checkNamed = async (sut: GithubReadiness, check: string) => (await sut.checks()).find((candidate) => candidate.check === check);

describe('GithubReadiness', () => {
  it('passes every check of a working App', async () => {
    const checks = await setUp().checks();

    expect(checks.map((check) => [check.installation, check.check, check.ok])).toEqual([
      ['all', 'catalog', true],
      ['all', 'github-auth', true],
      ['all', 'installations', true],
      ['acme', 'installation-token', true],
      ['acme', 'permissions', true],
      ['all', 'webhook-secret', true],
    ]);
  });

  it('reports a refused App JWT with its fix and leaves out the checks that need it', async () => {
    const checks = await setUp({ app: () => Promise.reject(new GithubProbeError('GET /app answered 401', 'check PRIVATE_KEY')) }).checks();

    expect(checks).toEqual([
      { installation: 'all', check: 'catalog', ok: true },
      { installation: 'all', check: 'github-auth', ok: false, error: 'GET /app answered 401', fix: 'check PRIVATE_KEY' },
    ]);
  });

  it('names the permission a kind of the mapping needs and the installation lacks', async () => {
    const permissions = await checkNamed(setUp({ kinds: ['repository', 'workflow-run', 'team'] }), 'permissions');

    expect(permissions).toMatchObject({ installation: 'acme', ok: false });
    expect(permissions?.error).toContain("'Actions: read' (repository; needed by workflow-run), 'Members: read' (organization; needed by team)");
    expect(permissions?.fix).toMatch(/^grant 'Actions: read', 'Members: read' in the GitHub App's settings/);
  });

  it('names WEBHOOK_SECRET when a delivery GitHub sent was refused and none passed since', async () => {
    const sut = setUp({
      outcomes: { lastRejected: { deliveryId: 'd-2', at: '2026-03-01T12:00:05Z' }, lastVerifiedAt: '2026-03-01T12:00:00Z' },
      deliveries: [{ guid: 'd-2', event: 'issues', deliveredAt: '2026-03-01T12:00:05Z', statusCode: 401 }],
    });

    const secret = await checkNamed(sut, 'webhook-secret');

    expect(secret).toMatchObject({ ok: false, error: expect.stringContaining('delivery d-2'), fix: expect.stringMatching(/^WEBHOOK_SECRET no longer matches/) });
  });

  it.each([
    ['a delivery passed after the refusal', { lastRejected: { deliveryId: 'd-2', at: '2026-03-01T12:00:05Z' }, lastVerifiedAt: '2026-03-01T12:00:06Z' }],
    ['the refused request is not in GitHub’s delivery log', { lastRejected: { deliveryId: 'forged', at: '2026-03-01T12:00:05Z' } }],
  ])('passes the webhook secret when %s', async (_, outcomes) => {
    const sut = setUp({ outcomes, deliveries: [{ guid: 'd-2', event: 'issues', deliveredAt: '2026-03-01T12:00:05Z', statusCode: 401 }] });

    expect(await checkNamed(sut, 'webhook-secret')).toMatchObject({ ok: true });
  });
});

describe('missingPermissions', () => {
  it('counts write as read and groups the kinds needing one permission', () => {
    expect(missingPermissions(['issue', 'branch', 'release', 'unknown-kind'], { issues: 'write' })).toEqual([
      { permission: { key: 'contents', name: 'Contents', level: 'repository' }, kinds: ['branch', 'release'] },
    ]);
  });
});
