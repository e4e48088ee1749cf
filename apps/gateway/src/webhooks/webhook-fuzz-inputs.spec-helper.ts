import { createHmac } from 'node:crypto';
import fc from 'fast-check';

/** Inputs for the gateway's fuzz targets: what GitHub sends, what it could send, and what it never would. */

const EXPLICITLY_GROUPED_EVENTS = ['pull_request', 'pull_request_review', 'pull_request_review_comment', 'issues', 'issue_comment', 'push', 'status', 'release', 'workflow_run'];

export const eventNames: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...EXPLICITLY_GROUPED_EVENTS, 'ping', 'deployment', 'installation', 'check_run', 'brand_new_event'),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,70}$/),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
);

export const deliveryIds: fc.Arbitrary<string> = fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,140}$/), fc.string({ unit: 'binary-ascii', maxLength: 40 }));

/** The payload fields the gateway reads (group keys, scope, installation) and the names that trip up plain objects. */
const payloadKeys = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'action', 'number', 'id', 'sha', 'after', 'repository', 'installation', 'organization', 'enterprise', 'sender',
      'pull_request', 'issue', 'release', 'workflow_run', 'deployment', 'check_run', '__proto__', 'constructor', 'toString',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);

const keyValues = fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 40 }), fc.constantFrom(0, -0, 1e300, 2 ** 53 + 2, '', ' '));

const { payload } = fc.letrec<{ value: unknown; payload: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 5 }, keyValues, fc.boolean(), fc.constant(null), tie('payload'), fc.array(tie('value'), { maxLength: 3 })),
  payload: fc.dictionary(payloadKeys, tie('value'), { maxKeys: 6, noNullPrototype: true }),
}));

/** Webhook-like payloads, as JSON.parse gives them back (own `__proto__` keys, no NaN). */
export const payloads: fc.Arbitrary<Record<string, unknown>> = payload.map((value) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>);

export const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'text/plain'];

export interface WebhookBody {
  body: Buffer;
  /** The content type that goes with it; the request may still send another one. */
  contentType: string | undefined;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

export const webhookBodies: fc.Arbitrary<WebhookBody> = fc.oneof(
  { weight: 4, arbitrary: payloads.map((value) => ({ body: json(value), contentType: 'application/json' })) },
  { weight: 2, arbitrary: payloads.map((value) => ({ body: Buffer.from(`payload=${encodeURIComponent(JSON.stringify(value))}`), contentType: 'application/x-www-form-urlencoded' })) },
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ body: json(value), contentType: 'application/json' })),
  fc.tuple(payloads, fc.nat(), fc.string({ unit: 'binary', maxLength: 3 })).map(([value, at, inserted]) => {
    const text = JSON.stringify(value);
    const cut = at % (text.length + 1);
    return { body: Buffer.from(text.slice(0, cut) + inserted + text.slice(cut + 1)), contentType: 'application/json' };
  }),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ body: Buffer.from(text), contentType: undefined })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ body: Buffer.from(bytes), contentType: undefined })),
);

export const contentTypes: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  fc.constantFrom(...CONTENT_TYPES, ''),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
);

export type SignatureChoice =
  | { kind: 'current' | 'previous' | 'current-uppercase' | 'another-secret' | 'absent' }
  | { kind: 'literal'; value: string };

export const signatureChoices: fc.Arbitrary<SignatureChoice> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<SignatureChoice>({ kind: 'current' }) },
  fc.constantFrom<SignatureChoice>({ kind: 'previous' }, { kind: 'current-uppercase' }, { kind: 'another-secret' }, { kind: 'absent' }),
  fc.oneof(
    fc.string({ unit: 'binary-ascii', maxLength: 80 }),
    fc.stringMatching(/^sha256=[0-9a-fA-F]{0,70}$/),
    fc.stringMatching(/^(sha1|sha256|SHA256)=?[0-9a-f]{64}\s*$/),
  ).map((value): SignatureChoice => ({ kind: 'literal', value })),
);

export interface Secrets {
  current: string;
  previous: string;
}

export function hexSignature(body: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** The X-Hub-Signature-256 value a choice stands for, undefined for none. */
export function signatureHeader(choice: SignatureChoice, body: Buffer, secrets: Secrets): string | undefined {
  switch (choice.kind) {
    case 'current':
      return `sha256=${hexSignature(body, secrets.current)}`;
    case 'previous':
      return `sha256=${hexSignature(body, secrets.previous)}`;
    case 'current-uppercase':
      return `sha256=${hexSignature(body, secrets.current).toUpperCase()}`;
    case 'another-secret':
      return `sha256=${hexSignature(body, `${secrets.current}-not`)}`;
    case 'absent':
      return undefined;
    case 'literal':
      return choice.value;
  }
}

/** Whether GitHub could have sent this signature header for this body under one of the secrets: the oracle. */
export function signedByOneOf(header: string | undefined, body: Buffer, secrets: Secrets): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  return !!match && [secrets.current, secrets.previous].some((secret) => match[1].toLowerCase() === hexSignature(body, secret));
}
