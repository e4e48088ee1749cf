import { createHmac, randomUUID } from 'node:crypto';

export interface SentWebhook {
  status: number;
  body: Record<string, unknown>;
  deliveryId: string;
  elapsedMs: number;
}

/** Signs a payload as GitHub does (X-Hub-Signature-256 over the exact bytes sent). */
export function signWebhook(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Posts one signed delivery the way GitHub does, and returns the answer. */
export async function sendWebhook(
  url: string,
  secret: string,
  event: string,
  payload: unknown,
  options: { deliveryId?: string; headers?: Record<string, string> } = {},
): Promise<SentWebhook> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/glint-test',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-github-hook-id': '1',
      'x-hub-signature-256': signWebhook(body, secret),
      ...options.headers,
    },
    signal: AbortSignal.timeout(15_000),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  return { status: response.status, body: answer, deliveryId, elapsedMs: performance.now() - started };
}
