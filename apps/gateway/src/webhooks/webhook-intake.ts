import { groupKeyOf, type SignatureOutcomeStore } from '@glint/github';
import { EventProducer, partitionOf, QueuedWebhookEvent } from '@glint/queue';
import type { SignatureCheck, SignatureVerifier } from './signature-verifier';
import { eventLabel, RejectionReason, UNVERIFIED_EVENT_LABEL, WebhookMetrics } from './webhook-metrics';

/** GitHub caps webhook payloads at 25 MB; a larger body is refused before it is read. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** What a delivery refused as `overloaded` is told to wait: bodies being received finish within seconds. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 5;

export interface WebhookRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

export interface IntakeAnswer {
  status: number;
  body: Readonly<Record<string, unknown>>;
}

const EVENT_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const DELIVERY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Before the body: a refusal from the headers alone, or the signature check to feed the body through. */
export type Admission = { refusal: IntakeAnswer } | { signature: SignatureCheck };

/**
 * The webhook path, free of any HTTP framework: verify the signature over the raw bytes, check the
 * headers and the JSON, compute the group key and partition, and answer 202 only once Redis holds the job.
 * Until the signature is verified nothing from the request names a metric series (see `eventLabel`).
 */
export class WebhookIntake {
  constructor(
    private readonly verifier: SignatureVerifier,
    private readonly producer: Pick<EventProducer, 'enqueue' | 'options'>,
    private readonly metrics: WebhookMetrics,
    /** Where the signature checks' outcomes go for the mapper's readiness (a changed WEBHOOK_SECRET). */
    private readonly outcomes?: Pick<SignatureOutcomeStore, 'rejected' | 'verified'>,
  ) {}

  /** Refuses, before its body is read, a request without a sha256 X-Hub-Signature-256. */
  admit(headers: WebhookRequest['headers']): Admission {
    const signature = header(headers, 'x-hub-signature-256');
    if (!signature) return { refusal: this.refuseUnverified(401, 'missing_signature', 'the X-Hub-Signature-256 header is missing; set a webhook secret on the GitHub App') };
    const check = this.verifier.start(signature);
    if (!check) return { refusal: this.badSignature(headers) };
    return { signature: check };
  }

  /** The whole path for a body already in memory. */
  async receive(request: WebhookRequest): Promise<IntakeAnswer> {
    const admission = this.admit(request.headers);
    if ('refusal' in admission) return admission.refusal;
    admission.signature.update(request.body);
    return this.receiveSigned(request, admission.signature);
  }

  /** A request whose whole body went through `signature` (from `admit`). */
  async receiveSigned(request: WebhookRequest, signature: SignatureCheck): Promise<IntakeAnswer> {
    if (!signature.matches()) return this.badSignature(request.headers);
    void this.outcomes?.verified();
    const eventHeader = header(request.headers, 'x-github-event');
    const event = eventHeader && EVENT_NAME.test(eventHeader) ? eventHeader : undefined;
    this.metrics.received.inc({ event: eventLabel(event) });

    if (!eventHeader) return this.reject(400, 'missing_event', 'the X-GitHub-Event header is missing');
    if (!event) return this.reject(400, 'invalid_header', 'X-GitHub-Event is not an event name (lowercase letters, digits and _)');
    const deliveryId = header(request.headers, 'x-github-delivery');
    if (!deliveryId) return this.reject(400, 'missing_delivery', 'the X-GitHub-Delivery header is missing');
    if (!DELIVERY_ID.test(deliveryId)) return this.reject(400, 'invalid_header', 'X-GitHub-Delivery is not a delivery id (letters, digits, . _ -)');

    const payload = parsePayload(request.body, header(request.headers, 'content-type'));
    if (!payload.ok) return this.reject(400, 'invalid_json', payload.reason);

    if (event === 'ping') {
      this.metrics.accepted.inc({ event: eventLabel(event) });
      return { status: 200, body: { status: 'pong', delivery: deliveryId } };
    }

    const groupKey = groupKeyOf(event, payload.value);
    const queued: QueuedWebhookEvent = {
      deliveryId,
      event,
      action: typeof payload.value['action'] === 'string' ? payload.value['action'] : undefined,
      groupKey,
      partition: partitionOf(groupKey, this.producer.options.partitions),
      receivedAt: new Date().toISOString(),
      installationId: installationIdOf(payload.value),
    };
    const stopTimer = this.metrics.enqueueSeconds.startTimer();
    try {
      const result = await this.producer.enqueue(queued, payload.json);
      stopTimer();
      if (result === 'duplicate') {
        this.metrics.duplicates.inc();
        return { status: 202, body: { status: 'duplicate', delivery: deliveryId } };
      }
      this.metrics.accepted.inc({ event: eventLabel(event) });
      return { status: 202, body: { status: 'accepted', delivery: deliveryId, groupKey, partition: queued.partition } };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return this.reject(503, 'queue_unavailable', `the event queue (Redis) is unavailable, nothing was stored; redeliver later (${detail})`);
    }
  }

  /** A body over MAX_WEBHOOK_BYTES, refused as soon as that is known. */
  tooLarge(): IntakeAnswer {
    return this.refuseUnverified(413, 'too_large', `the payload is larger than GitHub's webhook limit of ${MAX_WEBHOOK_BYTES} bytes`);
  }

  /** A body the gateway had no room to keep while its signature is unverified (WEBHOOK_UNVERIFIED_MEMORY_MB). */
  overloaded(): IntakeAnswer {
    return this.refuseUnverified(
      503,
      'overloaded',
      `the gateway already holds as many webhook bodies awaiting verification as WEBHOOK_UNVERIFIED_MEMORY_MB allows, and stored nothing; redeliver in ${OVERLOADED_RETRY_AFTER_SECONDS} s`,
    );
  }

  /** A request that closed before its body ended: nobody to answer (or the server already answered 408). */
  incomplete(): void {
    this.metrics.received.inc({ event: UNVERIFIED_EVENT_LABEL });
    this.metrics.rejected.inc({ reason: 'incomplete' });
  }

  /** A delivery that arrived while the gateway stops. */
  shuttingDown(): IntakeAnswer {
    return this.refuseUnverified(503, 'shutting_down', 'the gateway is stopping and stored nothing; redeliver this delivery');
  }

  private badSignature(headers: WebhookRequest['headers']): IntakeAnswer {
    void this.outcomes?.rejected(header(headers, 'x-github-delivery'));
    return this.refuseUnverified(401, 'bad_signature', 'X-Hub-Signature-256 does not match the payload signed with the configured WEBHOOK_SECRET');
  }

  /** A refusal before the signature was verified, counted under the fixed `unverified` event label. */
  private refuseUnverified(status: number, reason: RejectionReason, message: string): IntakeAnswer {
    this.metrics.received.inc({ event: UNVERIFIED_EVENT_LABEL });
    return this.reject(status, reason, message);
  }

  private reject(status: number, reason: RejectionReason, message: string): IntakeAnswer {
    this.metrics.rejected.inc({ reason });
    return { status, body: { error: reason, message } };
  }
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

/** `json`: the payload's JSON bytes, the body itself unless it came form-encoded. */
type ParsedPayload = { ok: true; value: Record<string, unknown>; json: Buffer } | { ok: false; reason: string };

/** GitHub sends JSON, or `payload=<json>` when the webhook's content type is application/x-www-form-urlencoded. */
function parsePayload(body: Buffer, contentType: string | undefined): ParsedPayload {
  const rawBody = body.toString('utf8');
  let json = rawBody;
  let jsonBytes = body;
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const field = new URLSearchParams(rawBody).get('payload');
    if (field === null) return { ok: false, reason: 'a form-encoded webhook must carry its JSON in the `payload` field' };
    json = field;
    jsonBytes = Buffer.from(field, 'utf8');
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, reason: `the body is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'the body is JSON but not an object, which every GitHub webhook payload is' };
  }
  return { ok: true, value: value as Record<string, unknown>, json: jsonBytes };
}

function installationIdOf(payload: Readonly<Record<string, unknown>>): number | undefined {
  const installation = payload['installation'];
  if (typeof installation !== 'object' || installation === null) return undefined;
  const id = (installation as Record<string, unknown>)['id'];
  return typeof id === 'number' ? id : undefined;
}
