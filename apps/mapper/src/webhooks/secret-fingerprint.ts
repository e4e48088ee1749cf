import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 32;
const PREFIX = 'scrypt';

function derive(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, KEY_LENGTH, (error, key) => (error ? reject(error) : resolve(key))));
}

/**
 * A salted scrypt digest of a webhook secret, `scrypt$<salt>$<digest>` in base64url: enough to tell whether the
 * secret changed, and slow to guess a secret from, should the database leak. Never the secret itself.
 */
export async function secretFingerprint(secret: string, salt: Buffer = randomBytes(16)): Promise<string> {
  return `${PREFIX}$${salt.toString('base64url')}$${(await derive(secret, salt)).toString('base64url')}`;
}

/** Whether `fingerprint` was made from `secret`; false for anything that is not a fingerprint. */
export async function fingerprintMatches(secret: string, fingerprint: string): Promise<boolean> {
  const [prefix, salt, digest, ...rest] = fingerprint.split('$');
  if (prefix !== PREFIX || salt === undefined || digest === undefined || rest.length > 0) return false;
  const expected = Buffer.from(digest, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  return timingSafeEqual(await derive(secret, Buffer.from(salt, 'base64url')), expected);
}
