import { createPrivateKey } from 'node:crypto';

export type PrivateKeyResult = { ok: true; pem: string } | { ok: false; reason: string };

const PEM_HEADER = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Accepts the GitHub App private key as docs/install-ghes.md documents it (base64 of the downloaded PEM file) and as
 * the PEM itself, including the single-line form with literal `\n` that env files often carry.
 */
export function parsePrivateKey(value: string): PrivateKeyResult {
  const trimmed = value.trim();
  let pem: string;
  if (PEM_HEADER.test(trimmed)) {
    pem = trimmed.replace(/\\n/g, '\n');
  } else if (/^[A-Za-z0-9+/=\s_-]+$/.test(trimmed)) {
    pem = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64').toString('utf8').trim();
    if (!PEM_HEADER.test(pem)) {
      return { ok: false, reason: 'it is base64, but what it decodes to is not a PEM private key' };
    }
  } else {
    return { ok: false, reason: 'it is neither a PEM block (-----BEGIN … PRIVATE KEY-----) nor base64' };
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') {
      return { ok: false, reason: `it is a ${key.asymmetricKeyType} key; GitHub Apps sign with RSA keys` };
    }
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `the PEM could not be read as a private key (${detail})` };
  }
  return { ok: true, pem: `${pem}\n` };
}
