import { TokenIssuer } from './token-issuer';

describe('TokenIssuer', () => {
  let now = Date.UTC(2026, 0, 1);
  const issuer = (secret = 'the-secret', lifetimeSeconds = 10_800) => new TokenIssuer({ clientId: 'client', clientSecret: secret, lifetimeSeconds, now: () => now });

  beforeEach(() => {
    now = Date.UTC(2026, 0, 1);
  });

  it('issues a Bearer token with the lifetime in seconds for the configured pair only', () => {
    const sut = issuer();

    expect(sut.issue('client', 'the-secret')).toMatchObject({ expiresIn: 10_800, tokenType: 'Bearer', accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
    expect(sut.issue('client', 'wrong')).toBeUndefined();
    expect(sut.issue('other', 'the-secret')).toBeUndefined();
  });

  it('accepts its token until it expires, then refuses it saying so', () => {
    const sut = issuer('the-secret', 60);
    const token = sut.issue('client', 'the-secret')?.accessToken ?? '';

    now += 59_000;
    expect(sut.check(token)).toEqual({ ok: true, clientId: 'client' });
    now += 1_000;
    expect(sut.check(token)).toEqual({ ok: false, reason: expect.stringContaining('expired') });
  });

  it('keeps a token issued part-way through a second valid for its whole lifetime', () => {
    const sut = issuer('the-secret', 1);
    now += 900;
    const token = sut.issue('client', 'the-secret')?.accessToken ?? '';

    now += 999;
    expect(sut.check(token)).toEqual({ ok: true, clientId: 'client' });
    now += 101;
    expect(sut.check(token)).toEqual({ ok: false, reason: expect.stringContaining('expired') });
  });

  it('accepts a token issued by another catalog pod that shares the secret', () => {
    const token = issuer().issue('client', 'the-secret')?.accessToken ?? '';

    expect(issuer().check(token)).toEqual({ ok: true, clientId: 'client' });
  });

  it('refuses tokens signed with another secret, tampered with, or malformed', () => {
    const sut = issuer();
    const foreign = issuer('rotated-secret').issue('client', 'rotated-secret')?.accessToken ?? '';
    const [header, , signature] = (sut.issue('client', 'the-secret')?.accessToken ?? '').split('.');
    const forgedClaims = Buffer.from(JSON.stringify({ sub: 'client', iat: 0, exp: 9_999_999_999 })).toString('base64url');

    expect(sut.check(foreign)).toMatchObject({ ok: false, reason: 'the access token is not valid' });
    expect(sut.check(`${header}.${forgedClaims}.${signature}`)).toMatchObject({ ok: false, reason: 'the access token is not valid' });
    expect(sut.check('not-a-token')).toMatchObject({ ok: false, reason: 'the access token is malformed' });
  });

  it('refuses a lifetime that is not a positive whole number of seconds', () => {
    expect(() => issuer('s', 0)).toThrow('token lifetime must be a positive number of seconds, not 0');
  });
});
