import { createPublicKey, generateKeyPairSync, KeyObject, randomBytes, verify } from 'node:crypto';
import { SimulatedClock } from './clock';
import { InstallationRecord, UserRecord } from './state';

export type Principal =
  | { kind: 'app'; appId: number }
  | { kind: 'installation'; installationId: number; orgLogin: string }
  | { kind: 'pat'; user: UserRecord };

interface InstallationToken {
  kind: 'installation';
  installation: InstallationRecord;
  expiresAtMs: number;
}

interface PersonalToken {
  kind: 'pat';
  user: UserRecord;
}

const TOKEN_LIFETIME_MS = 3_600_000;
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(prefix: string): string {
  const bytes = randomBytes(36);
  let out = prefix;
  for (const byte of bytes) out += TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length];
  return out;
}

function base64UrlJson(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** Why a JWT was refused, in GitHub's words (HTTP 401 `message`), or `valid`. */
export type JwtVerdict = { valid: true } | { valid: false; message: string };

export const JWT_UNDECODABLE = 'A JSON web token could not be decoded';
export const JWT_UNKNOWN_APP = 'Integration not found';
export const JWT_EXPIRED = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
export const JWT_TOO_LONG = "'Expiration time' claim ('exp') is too far in the future";
export const JWT_ISSUED_IN_FUTURE = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";

/** The App's key pair, its JWT check, and the tokens the simulator has issued. */
export class SimulatorAuth {
  readonly privateKeyPem: string;
  /** The public keys of the App's private keys (an App may have several; GitHub accepts a JWT signed by any). */
  private readonly publicKeys: KeyObject[] = [];
  /** The ids GitHub knows this App by: its own and any `acceptAppId` added. */
  private readonly appIds = new Set<string>();
  private readonly tokens = new Map<string, InstallationToken | PersonalToken>();

  constructor(
    readonly appId: number,
    private readonly clock: SimulatedClock,
  ) {
    // PKCS#1, like the .pem GitHub hands out for an App.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    this.publicKeys.push(createPublicKey(privateKey));
    this.appIds.add(String(appId));
  }

  /** Accepts JWTs signed by another private key of the App (as when one is added on the App's settings page). */
  addKey(privateKeyPem: string): void {
    this.publicKeys.push(createPublicKey(privateKeyPem));
  }

  /** Refuses JWTs signed by this key from now on (as when it is deleted on the App's settings page). */
  removeKey(privateKeyPem: string): void {
    const exported = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' });
    const index = this.publicKeys.findIndex((key) => key.export({ type: 'spki', format: 'pem' }) === exported);
    if (index >= 0) this.publicKeys.splice(index, 1);
  }

  /** Knows the App by one more id, so JWTs issued by it are the App's (keys unchanged). */
  acceptAppId(appId: number): void {
    this.appIds.add(String(appId));
  }

  /** An RS256 JWT signed by the App's key, issued by the App, not expired and not issued in the future. */
  verifyJwt(jwt: string): boolean {
    return this.judgeJwt(jwt).valid;
  }

  /** As `verifyJwt`, with GitHub's message for a refused one: an unknown issuer, a bad signature, or a time out of range. */
  judgeJwt(jwt: string): JwtVerdict {
    const refused = (message: string): JwtVerdict => ({ valid: false, message });
    const parts = jwt.split('.');
    if (parts.length !== 3) return refused(JWT_UNDECODABLE);
    try {
      const header = base64UrlJson(parts[0]) as { alg?: unknown };
      const claims = base64UrlJson(parts[1]) as { iss?: unknown; exp?: unknown; iat?: unknown };
      if (header.alg !== 'RS256') return refused(JWT_UNDECODABLE);
      // GitHub finds the App by the issuer first, then checks the signature with its keys.
      if (!this.appIds.has(String(claims.iss))) return refused(JWT_UNKNOWN_APP);
      const data = Buffer.from(`${parts[0]}.${parts[1]}`);
      const signature = Buffer.from(parts[2], 'base64url');
      if (!this.publicKeys.some((key) => verify('RSA-SHA256', data, key, signature))) return refused(JWT_UNDECODABLE);
      const nowSeconds = Math.floor(this.clock.now() / 1000);
      if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return refused(JWT_EXPIRED);
      if (typeof claims.iat !== 'number' || claims.iat > nowSeconds + 60) return refused(JWT_ISSUED_IN_FUTURE);
      return claims.exp - claims.iat <= 660 ? { valid: true } : refused(JWT_TOO_LONG);
    } catch {
      return refused(JWT_UNDECODABLE);
    }
  }

  issueInstallationToken(installation: InstallationRecord): { token: string; expiresAtMs: number } {
    const token = randomToken('ghs_');
    const expiresAtMs = this.clock.now() + TOKEN_LIFETIME_MS;
    this.tokens.set(token, { kind: 'installation', installation, expiresAtMs });
    return { token, expiresAtMs };
  }

  issuePersonalToken(user: UserRecord): string {
    const token = randomToken('ghp_');
    this.tokens.set(token, { kind: 'pat', user });
    return token;
  }

  /** The principal behind an installation token or PAT, or undefined when unknown or expired. */
  resolveToken(token: string): Principal | undefined {
    const entry = this.tokens.get(token);
    if (!entry) return undefined;
    if (entry.kind === 'pat') return { kind: 'pat', user: entry.user };
    if (entry.expiresAtMs <= this.clock.now()) return undefined;
    return { kind: 'installation', installationId: entry.installation.id, orgLogin: entry.installation.orgLogin };
  }
}

/** The credential in an Authorization header: `token X`, `Bearer X`. */
export function credentialOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
