import { createAppAuth } from '@octokit/auth-app';
import { credentialOf, SimulatorAuth } from './auth';
import { SimulatedClock } from './clock';
import { DEFAULT_INSTALLATION_PERMISSIONS } from './state';

describe('SimulatorAuth', () => {
  const clock = new SimulatedClock();
  const sut = new SimulatorAuth(42, clock);

  it('verifies JWTs minted by @octokit/auth-app for its App id only', async () => {
    expect(sut.verifyJwt((await createAppAuth({ appId: 42, privateKey: sut.privateKeyPem })({ type: 'app' })).token)).toBe(true);
    expect(sut.verifyJwt((await createAppAuth({ appId: 43, privateKey: sut.privateKeyPem })({ type: 'app' })).token)).toBe(false);
    expect(sut.verifyJwt('a.b.c')).toBe(false);
  });

  it('resolves installation tokens until they expire and PATs forever', () => {
    const installation = { id: 7, orgLogin: 'acme', createdAt: '2026-01-01T00:00:00Z', permissions: { ...DEFAULT_INSTALLATION_PERMISSIONS } };
    const { token } = sut.issueInstallationToken(installation);
    const pat = sut.issuePersonalToken({ id: 1, login: 'me', name: 'me', email: null, createdAt: '2026-01-01T00:00:00Z', siteAdmin: false });
    expect(sut.resolveToken(token)).toEqual({ kind: 'installation', installationId: 7, orgLogin: 'acme' });
    clock.advance(3_600_000);
    expect(sut.resolveToken(token)).toBeUndefined();
    expect(sut.resolveToken(pat)).toMatchObject({ kind: 'pat', user: { login: 'me' } });
  });

  it.each([
    ['token ghs_abc', 'ghs_abc'],
    ['Bearer x.y.z', 'x.y.z'],
    ['bearer  ghp_1 ', 'ghp_1'],
    ['Basic abc', undefined],
    [undefined, undefined],
  ])('reads the credential of %s', (header, expected) => {
    expect(credentialOf(header)).toBe(expected);
  });
});
