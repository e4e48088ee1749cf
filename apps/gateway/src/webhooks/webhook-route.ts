import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { discardBody, readSignedBody } from './read-body';
import type { UnverifiedBytesBudget } from './unverified-bytes-budget';
import { IntakeAnswer, MAX_WEBHOOK_BYTES, OVERLOADED_RETRY_AFTER_SECONDS, WebhookIntake } from './webhook-intake';

/** `POST /webhook`, and `POST /` for installs that register the server URL itself as the webhook URL. */
export function isWebhookRequest(request: IncomingMessage): boolean {
  if (request.method !== 'POST') return false;
  const path = request.url?.split('?', 1)[0];
  return path === '/webhook' || path === '/';
}

export interface WebhookRoute {
  /**
   * From now on answers new deliveries 503 `shutting_down` (closing their connection, so GitHub shows them as failed
   * and they can be redelivered), and resolves once the deliveries already being received are answered.
   */
  drain(): Promise<void>;
}

/**
 * Serves the webhook route on the bare Node request listener, ahead of the framework: it is the one hot
 * path of the gateway, it needs the raw bytes (the signature is over them) and bodies of up to 25 MB, and
 * routing it through Express costs a third of the gateway's throughput (bench/ingest). Every other route
 * (/health, /metrics) still goes through Nest. The bodies it keeps before their signature is verified stay within
 * `budget`.
 */
export function mountWebhookRoute(server: Server, intake: WebhookIntake, budget: UnverifiedBytesBudget): WebhookRoute {
  const framework = server.listeners('request') as RequestListener[];
  let draining = false;
  const inFlight = new Set<Promise<void>>();
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!isWebhookRequest(request)) {
      for (const listener of framework) listener(request, response);
    } else if (draining) {
      request.resume();
      send(response, intake.shuttingDown(), { connection: 'close' });
    } else {
      const served = serveWebhook(intake, budget, request, response).finally(() => inFlight.delete(served));
      inFlight.add(served);
    }
  });
  return {
    async drain() {
      draining = true;
      logger.log(`not taking webhooks any more; answering the ${inFlight.size} in progress`);
      await Promise.all([...inFlight]);
    },
  };
}

const logger = new Logger('webhook');

async function serveWebhook(intake: WebhookIntake, budget: UnverifiedBytesBudget, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const declaredBytes = declaredLength(request);
    if (declaredBytes !== undefined && declaredBytes > MAX_WEBHOOK_BYTES) {
      tooLarge(intake, response);
      return;
    }
    const admission = intake.admit(request.headers);
    if ('refusal' in admission) {
      await refuseAfterBody(request, response, admission.refusal);
      return;
    }
    const read = await readSignedBody(request, declaredBytes, admission.signature, { maxBytes: MAX_WEBHOOK_BYTES, budget });
    if (read.outcome === 'too-large') tooLarge(intake, response);
    else if (read.outcome === 'over-budget') send(response, intake.overloaded(), { 'retry-after': String(OVERLOADED_RETRY_AFTER_SECONDS) });
    else if (read.outcome === 'incomplete') intake.incomplete();
    else send(response, await intake.receiveSigned({ headers: request.headers, body: read.body }, admission.signature));
  } catch (error) {
    logger.error(`webhook request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (!response.headersSent) send(response, { status: 500, body: { error: 'internal_error', message: 'the gateway failed to handle this delivery; redeliver it' } });
  }
}

function tooLarge(intake: WebhookIntake, response: ServerResponse): void {
  // The rest of the body is not read: close the connection rather than drain up to 25 MB more.
  send(response, intake.tooLarge(), { connection: 'close' });
}

/**
 * Answers a request refused from its headers once its body went by unkept: answered earlier, a client still sending
 * would see its connection closed under it (Node closes it after the answer when the client asked to) before reading
 * the answer.
 */
async function refuseAfterBody(request: IncomingMessage, response: ServerResponse, refusal: IntakeAnswer): Promise<void> {
  const end = await discardBody(request, MAX_WEBHOOK_BYTES);
  if (end === 'ended') send(response, refusal);
  else if (end === 'too-large') send(response, refusal, { connection: 'close' });
}

function declaredLength(request: IncomingMessage): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined) return undefined;
  const declared = Number(header);
  return Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
}

function send(response: ServerResponse, answer: IntakeAnswer, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(answer.body);
  response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), ...headers });
  response.end(json);
}
