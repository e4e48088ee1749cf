import { verifyWithFallback } from '@octokit/webhooks-methods';

/** Checks X-Hub-Signature-256 over the raw body, in constant time, against the current and previous secret. */
export interface SignatureVerifier {
  verify(rawBody: string, signature: string): Promise<boolean>;
}

export function createSignatureVerifier(secret: string, previousSecret?: string): SignatureVerifier {
  const additionalSecrets = previousSecret ? [previousSecret] : undefined;
  return { verify: (rawBody, signature) => verifyWithFallback(secret, rawBody, signature, additionalSecrets) };
}
