import { createHmac, timingSafeEqual } from 'node:crypto';

/** Checks X-Hub-Signature-256 in constant time, against the current and then the previous secret. */
export interface SignatureVerifier {
  /** A check to feed the body through as it arrives, or undefined when `signature` is not a sha256 signature. */
  start(signature: string): SignatureCheck | undefined;
  /** The same for a body already in memory. */
  verify(rawBody: Buffer, signature: string): boolean;
}

/** The HMACs of one body, computed while it streams in. */
export interface SignatureCheck {
  update(chunk: Uint8Array): void;
  /** Whether the bytes fed so far are what the signature signs; asked once, when the body has ended. */
  matches(): boolean;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * HMAC-SHA256 over the body's bytes exactly as received. (@octokit/webhooks verifies a string, which costs a
 * re-encoding of every payload and would not match bytes that are not valid UTF-8; its `sign()` is used in
 * the tests to show both agree.)
 */
export function createSignatureVerifier(secret: string, previousSecret?: string): SignatureVerifier {
  const secrets = [secret, previousSecret].filter((value): value is string => !!value);
  const start = (signature: string): SignatureCheck | undefined => {
    const match = SIGNATURE.exec(signature);
    if (!match) return undefined;
    const expected = Buffer.from(match[1], 'hex');
    const hmacs = secrets.map((candidate) => createHmac('sha256', candidate));
    return {
      update: (chunk) => hmacs.forEach((hmac) => hmac.update(chunk)),
      matches: () => hmacs.some((hmac) => timingSafeEqual(hmac.digest(), expected)),
    };
  };
  return {
    start,
    verify(rawBody, signature) {
      const check = start(signature);
      if (!check) return false;
      check.update(rawBody);
      return check.matches();
    },
  };
}
