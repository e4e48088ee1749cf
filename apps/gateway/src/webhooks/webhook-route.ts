import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { readBody } from './read-body';
import { IntakeAnswer, MAX_WEBHOOK_BYTES, WebhookIntake } from './webhook-intake';

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
 * (/health, /metrics) still goes through Nest.
 */
export function mountWebhookRoute(server: Server, intake: WebhookIntake): WebhookRoute {
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
      const served = serveWebhook(intake, request, response).finally(() => inFlight.delete(served));
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

async function serveWebhook(intake: WebhookIntake, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const body = await readBody(request, MAX_WEBHOOK_BYTES);
    if (body === 'too-large') {
      // The rest of the body is not read: close the connection rather than drain up to 25 MB more.
      send(response, intake.tooLarge(), { connection: 'close' });
      return;
    }
    send(response, await intake.receive({ headers: request.headers, body }));
  } catch (error) {
    logger.error(`webhook request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (!response.headersSent) send(response, { status: 500, body: { error: 'internal_error', message: 'the gateway failed to handle this delivery; redeliver it' } });
  }
}

function send(response: ServerResponse, answer: IntakeAnswer, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(answer.body);
  response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), ...headers });
  response.end(json);
}
