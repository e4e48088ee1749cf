import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenIssuerOptions {
  clientId: string;
  clientSecret: string;
  /** Seconds a token stays valid; Port's tokens last 3 hours. */
  lifetimeSeconds: number;
  now?: () => number;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export type TokenCheck = { ok: true; clientId: string } | { ok: false; reason: string };

interface Claims {
  sub: string;
  iat: number;
  exp: number;
}

/**
 * Access tokens for the catalog's one client: stateless HS256 JWTs whose key is derived from the client secret, so
 * every catalog pod that shares the secret accepts every other pod's tokens without shared storage, and rotating the
 * secret revokes all outstanding tokens at once.
 */
export class TokenIssuer {
  private readonly key: Buffer;
  private readonly now: () => number;

  constructor(private readonly options: TokenIssuerOptions) {
    if (!Number.isInteger(options.lifetimeSeconds) || options.lifetimeSeconds < 1) throw new Error(`token lifetime must be a positive number of seconds, not ${options.lifetimeSeconds}`);
    this.key = createHmac('sha256', options.clientSecret).update('glint-catalog-access-token-v1').digest();
    this.now = options.now ?? Date.now;
  }

  /** A token for the configured pair, or undefined for any other pair (compared in constant time). */
  issue(clientId: string, clientSecret: string): IssuedToken | undefined {
    if (!sameText(clientId, this.options.clientId) || !sameText(clientSecret, this.options.clientSecret)) return undefined;
    const now = this.now();
    // JWT times are whole seconds: `exp` rounds up, so a token lives at least its whole lifetime (expiresIn says so).
    const claims: Claims = { sub: clientId, iat: Math.floor(now / 1000), exp: Math.ceil(now / 1000 + this.options.lifetimeSeconds) };
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
    return { accessToken: `${unsigned}.${this.sign(unsigned)}`, expiresIn: this.options.lifetimeSeconds, tokenType: 'Bearer' };
  }

  check(accessToken: string): TokenCheck {
    const parts = accessToken.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'the access token is malformed' };
    const [header, payload, signature] = parts;
    if (!sameText(signature, this.sign(`${header}.${payload}`))) return { ok: false, reason: 'the access token is not valid' };
    const claims = decode(payload);
    if (!claims) return { ok: false, reason: 'the access token is malformed' };
    if (claims.exp * 1000 <= this.now()) return { ok: false, reason: 'the access token has expired; request a new one from POST /v1/auth/access_token' };
    return { ok: true, clientId: claims.sub };
  }

  private sign(unsigned: string): string {
    return createHmac('sha256', this.key).update(unsigned).digest('base64url');
  }
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode(payload: string): Claims | undefined {
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Claims>;
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return undefined;
    return claims as Claims;
  } catch {
    return undefined;
  }
}

function sameText(a: string, b: string): boolean {
  const left = createHmac('sha256', 'compare').update(a).digest();
  const right = createHmac('sha256', 'compare').update(b).digest();
  return timingSafeEqual(left, right);
}
