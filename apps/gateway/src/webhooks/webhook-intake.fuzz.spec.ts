import fc from 'fast-check';
import { groupKeyOf } from '@glint/github';
import { MetricsRegistry } from '@glint/observability';
import { partitionOf } from '@glint/queue';
import type { EnqueueResult, EventProducer, QueuedWebhookEvent } from '@glint/queue';
import { fuzzTarget } from '@glint/testing';
import { createSignatureVerifier } from './signature-verifier';
import {
  contentTypes,
  deliveryIds,
  eventNames,
  payloads,
  signatureChoices,
  signatureHeader,
  signedByOneOf,
  webhookBodies,
} from './webhook-fuzz-inputs.spec-helper';
import { WebhookIntake } from './webhook-intake';
import { WebhookMetrics } from './webhook-metrics';

const secrets = { current: 'fuzz-current-secret', previous: 'fuzz-previous-secret' };

/** Redis as the intake sees it: takes the job, already has it, or fails; records what it took. */
class ScriptedProducer implements Pick<EventProducer, 'enqueue' | 'options'> {
  readonly options = { partitions: 16 };
  readonly jobs: Array<{ event: QueuedWebhookEvent; payloadJson: Buffer }> = [];
  next: EnqueueResult | 'fails' = 'accepted';

  async enqueue(event: QueuedWebhookEvent, payloadJson: Buffer): Promise<EnqueueResult> {
    if (this.next === 'fails') throw new Error('Connection is closed.');
    if (this.next === 'accepted') this.jobs.push({ event, payloadJson });
    return this.next;
  }
}

const signatureTarget = fuzzTarget('gateway signature verification', { seed: 20_260_116, runs: 1_000, timeoutMs: 30_000 });
const groupKeyTarget = fuzzTarget('gateway group key and partition', { seed: 20_260_116, runs: 1_000, timeoutMs: 30_000 });
const intakeTarget = fuzzTarget('gateway webhook intake', { seed: 20_260_116, runs: 1_000, timeoutMs: 30_000 });

describe('gateway request handling under arbitrary input', () => {
  it(
    'signature verification accepts exactly the signatures made with the current or the previous secret, and never throws',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 500 }), signatureChoices, fc.boolean(), (bytes, choice, rotating) => {
          const body = Buffer.from(bytes);
          const configured = rotating ? secrets : { current: secrets.current, previous: secrets.current };
          const header = signatureHeader(choice, body, secrets);
          if (header === undefined) return;

          const verified = createSignatureVerifier(configured.current, rotating ? configured.previous : undefined).verify(body, header);

          expect(verified).toBe(signedByOneOf(header, body, configured) && header === header.trim());
        }),
        signatureTarget.parameters(),
      );
    },
    signatureTarget.timeoutMs,
  );

  it(
    'the group key of any payload is scoped, the same every time, and falls in a partition',
    () => {
      fc.assert(
        fc.property(eventNames, payloads, fc.integer({ min: 1, max: 256 }), (event, payload, partitions) => {
          const key = groupKeyOf(event, payload);
          const partition = partitionOf(key, partitions);

          expect(key).toMatch(/^(repo-|installation-|org-|unscoped)/);
          expect(groupKeyOf(event, JSON.parse(JSON.stringify(payload)) as Record<string, unknown>)).toBe(key);
          expect(Number.isInteger(partition) && partition >= 0 && partition < partitions).toBe(true);
        }),
        groupKeyTarget.parameters(),
      );
    },
    groupKeyTarget.timeoutMs,
  );

  it(
    'answers every request 200, 202, 400, 401 or 503 with a reason, and queues exactly the signed, well-formed deliveries it answers 202',
    async () => {
      const headerValues = <T>(values: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: values }, fc.constant(undefined), fc.array(values, { maxLength: 2 }));
      await fc.assert(
        fc.asyncProperty(
          webhookBodies,
          signatureChoices,
          headerValues(eventNames),
          headerValues(deliveryIds),
          contentTypes,
          fc.constantFrom<ScriptedProducer['next']>('accepted', 'accepted', 'duplicate', 'fails'),
          async ({ body, contentType }, signature, event, delivery, otherContentType, redis) => {
            const producer = new ScriptedProducer();
            producer.next = redis;
            const intake = new WebhookIntake(createSignatureVerifier(secrets.current, secrets.previous), producer, new WebhookMetrics(new MetricsRegistry('gateway')));
            const signatureValue = signatureHeader(signature, body, secrets);

            const answer = await intake.receive({
              body,
              headers: {
                'x-hub-signature-256': signatureValue,
                'x-github-event': event,
                'x-github-delivery': delivery,
                'content-type': otherContentType ?? contentType,
              },
            });

            expect([200, 202, 400, 401, 503]).toContain(answer.status);
            if (answer.status >= 400) {
              expect(answer.body).toEqual({ error: expect.any(String), message: expect.stringMatching(/\S/) });
              expect(producer.jobs).toEqual([]);
              return;
            }
            expect(signedByOneOf(signatureValue, body, secrets)).toBe(true);
            const accepted = answer.status === 202 && answer.body['status'] === 'accepted';
            expect(producer.jobs).toHaveLength(accepted ? 1 : 0);
            if (accepted) {
              const [job] = producer.jobs;
              expect(job.event.deliveryId).toBe(answer.body['delivery']);
              expect(typeof JSON.parse(job.payloadJson.toString('utf8'))).toBe('object');
            }
          },
        ),
        intakeTarget.parameters(),
      );
    },
    intakeTarget.timeoutMs,
  );
});
