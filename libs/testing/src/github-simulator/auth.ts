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

/** The App's key pair, its JWT check, and the tokens the simulator has issued. */
export class SimulatorAuth {
  readonly privateKeyPem: string;
  private readonly publicKey: KeyObject;
  private readonly tokens = new Map<string, InstallationToken | PersonalToken>();

  constructor(
    readonly appId: number,
    private readonly clock: SimulatedClock,
  ) {
    // PKCS#1, like the .pem GitHub hands out for an App.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    this.publicKey = createPublicKey(privateKey);
  }

  /** An RS256 JWT signed by the App's key, issued by the App, not expired and not issued in the future. */
  verifyJwt(jwt: string): boolean {
    const parts = jwt.split('.');
    if (parts.length !== 3) return false;
    try {
      const header = base64UrlJson(parts[0]) as { alg?: unknown };
      const claims = base64UrlJson(parts[1]) as { iss?: unknown; exp?: unknown; iat?: unknown };
      if (header.alg !== 'RS256') return false;
      const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'));
      if (!signed) return false;
      const nowSeconds = Math.floor(this.clock.now() / 1000);
      if (String(claims.iss) !== String(this.appId)) return false;
      if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return false;
      if (typeof claims.iat !== 'number' || claims.iat > nowSeconds + 60) return false;
      return claims.exp - claims.iat <= 660;
    } catch {
      return false;
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
