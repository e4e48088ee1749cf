import { createAppAuth } from '@octokit/auth-app';
import { generateKeyPairSync } from 'node:crypto';
import { credentialOf, JWT_EXPIRED, JWT_ISSUED_IN_FUTURE, JWT_UNDECODABLE, JWT_UNKNOWN_APP, SimulatorAuth } from './auth';
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

  it("refuses with GitHub's messages a JWT of an unknown App id, one signed by another key, and one from a skewed clock, and accepts them once the App knows the id or the key", async () => {
    const own = new SimulatorAuth(42, new SimulatedClock());
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const otherKey = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const jwt = async (appId: number, key: string) => (await createAppAuth({ appId, privateKey: key })({ type: 'app' })).token;

    expect(own.judgeJwt(await jwt(43, own.privateKeyPem))).toEqual({ valid: false, message: JWT_UNKNOWN_APP });
    expect(own.judgeJwt(await jwt(42, otherKey))).toEqual({ valid: false, message: JWT_UNDECODABLE });
    own.acceptAppId(43);
    own.addKey(otherKey);
    expect(own.judgeJwt(await jwt(43, otherKey))).toEqual({ valid: true });
    own.removeKey(otherKey);
    expect(own.judgeJwt(await jwt(42, otherKey))).toEqual({ valid: false, message: JWT_UNDECODABLE });

    const late = new SimulatorAuth(42, new SimulatedClock(() => Date.now() + 20 * 60_000));
    const early = new SimulatorAuth(42, new SimulatedClock(() => Date.now() - 20 * 60_000));
    expect(late.judgeJwt(await jwt(42, late.privateKeyPem))).toEqual({ valid: false, message: JWT_EXPIRED });
    expect(early.judgeJwt(await jwt(42, early.privateKeyPem))).toEqual({ valid: false, message: JWT_ISSUED_IN_FUTURE });
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
