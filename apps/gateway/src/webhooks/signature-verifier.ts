import { createHmac, timingSafeEqual } from 'node:crypto';

/** Checks X-Hub-Signature-256 in constant time, against the current and then the previous secret. */
export interface SignatureVerifier {
  verify(rawBody: Buffer, signature: string): boolean;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * HMAC-SHA256 over the body's bytes exactly as received. (@octokit/webhooks verifies a string, which costs a
 * re-encoding of every payload and would not match bytes that are not valid UTF-8; its `sign()` is used in
 * the tests to show both agree.)
 */
export function createSignatureVerifier(secret: string, previousSecret?: string): SignatureVerifier {
  const secrets = [secret, previousSecret].filter((value): value is string => !!value);
  return {
    verify(rawBody, signature) {
      const match = SIGNATURE.exec(signature);
      if (!match) return false;
      const expected = Buffer.from(match[1], 'hex');
      return secrets.some((candidate) => timingSafeEqual(createHmac('sha256', candidate).update(rawBody).digest(), expected));
    },
  };
}
