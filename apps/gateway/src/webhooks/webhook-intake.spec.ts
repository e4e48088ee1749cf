import { createHmac } from 'node:crypto';
import { MetricsRegistry } from '@glint/observability';
import type { EnqueueResult, EventProducer, QueuedWebhookEvent } from '@glint/queue';
import { createSignatureVerifier } from './signature-verifier';
import { WebhookIntake, WebhookRequest } from './webhook-intake';
import { WebhookMetrics } from './webhook-metrics';

const SECRET = 'current-secret';
const PREVIOUS = 'previous-secret';

class RecordingProducer implements Pick<EventProducer, 'enqueue' | 'options'> {
  readonly options = { partitions: 8 };
  readonly jobs: Array<QueuedWebhookEvent & { payload: unknown }> = [];
  next: EnqueueResult | Error = 'accepted';

  async enqueue(event: QueuedWebhookEvent, payloadJson: Buffer): Promise<EnqueueResult> {
    if (this.next instanceof Error) throw this.next;
    if (this.next === 'accepted') this.jobs.push({ ...event, payload: JSON.parse(payloadJson.toString('utf8')) });
    return this.next;
  }
}

const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function request(body: string, headers: Record<string, string | undefined> = {}): WebhookRequest {
  return {
    body: Buffer.from(body),
    headers: {
      'x-github-event': 'pull_request',
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-hub-signature-256': sign(body),
      'content-type': 'application/json',
      ...headers,
    },
  };
}

const pullRequest = JSON.stringify({ action: 'opened', number: 5, pull_request: { number: 5 }, repository: { id: 10 }, installation: { id: 3 } });

describe('WebhookIntake', () => {
  let producer: RecordingProducer;
  let metrics: MetricsRegistry;
  let sut: WebhookIntake;

  beforeEach(() => {
    producer = new RecordingProducer();
    metrics = new MetricsRegistry('gateway');
    sut = new WebhookIntake(createSignatureVerifier(SECRET, PREVIOUS), producer, new WebhookMetrics(metrics));
  });

  const metricValue = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await metrics.registry.getMetricsAsJSON()).find((candidate) => candidate.name === name);
    const value = metric?.values.find((entry) => Object.entries(labels).every(([key, expected]) => entry.labels[key] === expected));
    return value?.value ?? 0;
  };

  it('queues a verified delivery with its group key, partition and installation, and answers 202', async () => {
    const answer = await sut.receive(request(pullRequest));

    expect(answer).toEqual({
      status: 202,
      body: { status: 'accepted', delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958', groupKey: 'repo-10/pr-5', partition: expect.any(Number) },
    });
    expect(producer.jobs).toEqual([
      expect.objectContaining({ event: 'pull_request', action: 'opened', groupKey: 'repo-10/pr-5', installationId: 3, payload: JSON.parse(pullRequest) }),
    ]);
    expect(producer.jobs[0].partition).toBeLessThan(8);
    expect(await metricValue('glint_webhooks_accepted_total', { event: 'pull_request' })).toBe(1);
  });

  it('accepts a signature made with the previous secret during a rotation', async () => {
    expect((await sut.receive(request(pullRequest, { 'x-hub-signature-256': sign(pullRequest, PREVIOUS) }))).status).toBe(202);
  });

  it.each([
    ['a missing signature', { 'x-hub-signature-256': undefined }, 'missing_signature'],
    ['a signature made with another secret', { 'x-hub-signature-256': sign(pullRequest, 'other') }, 'bad_signature'],
    ['a malformed signature', { 'x-hub-signature-256': 'sha1=abc' }, 'bad_signature'],
  ])('refuses %s with 401 and queues nothing', async (_label, headers, reason) => {
    const answer = await sut.receive(request(pullRequest, headers));

    expect(answer).toEqual({ status: 401, body: { error: reason, message: expect.any(String) } });
    expect(producer.jobs).toEqual([]);
    expect(await metricValue('glint_webhooks_rejected_total', { reason })).toBe(1);
  });

  it('refuses a body changed after signing', async () => {
    const tampered = { ...request(pullRequest), body: Buffer.from(pullRequest.replace('"number":5', '"number":6')) };
    expect((await sut.receive(tampered)).status).toBe(401);
  });

  it.each([
    ['X-GitHub-Event is missing', { 'x-github-event': undefined }, 'missing_event'],
    ['X-GitHub-Event is not an event name', { 'x-github-event': 'Pull Request!' }, 'invalid_header'],
    ['X-GitHub-Delivery is missing', { 'x-github-delivery': undefined }, 'missing_delivery'],
    ['X-GitHub-Delivery has a colon', { 'x-github-delivery': 'a:b' }, 'invalid_header'],
  ])('answers 400 when %s', async (_label, headers, reason) => {
    const answer = await sut.receive(request(pullRequest, headers));

    expect(answer).toMatchObject({ status: 400, body: { error: reason } });
    expect(producer.jobs).toEqual([]);
  });

  it.each([
    ['not JSON', '{"action": "opened"'],
    ['JSON but not an object', '[1, 2]'],
  ])('answers 400 to a signed body that is %s', async (_label, body) => {
    const answer = await sut.receive(request(body));

    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_json', message: expect.stringMatching(/JSON/) } });
  });

  it('reads the payload field of a form-encoded delivery', async () => {
    const body = `payload=${encodeURIComponent(pullRequest)}`;
    const answer = await sut.receive(request(body, { 'content-type': 'application/x-www-form-urlencoded' }));

    expect(answer.status).toBe(202);
    expect(producer.jobs[0].payload).toEqual(JSON.parse(pullRequest));
  });

  it('answers ping with 200 and queues nothing', async () => {
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const answer = await sut.receive(request(ping, { 'x-github-event': 'ping' }));

    expect(answer).toMatchObject({ status: 200, body: { status: 'pong' } });
    expect(producer.jobs).toEqual([]);
  });

  it('queues an event name it does not know, for the mapper to count as ignored', async () => {
    const body = JSON.stringify({ action: 'created', thing: { id: 4 }, repository: { id: 1 } });
    const answer = await sut.receive(request(body, { 'x-github-event': 'brand_new_event' }));

    expect(answer).toMatchObject({ status: 202, body: { groupKey: 'repo-1/thing.id-4' } });
  });

  it('answers 202 to a duplicate delivery without queueing it and counts it', async () => {
    producer.next = 'duplicate';

    expect(await sut.receive(request(pullRequest))).toMatchObject({ status: 202, body: { status: 'duplicate' } });
    expect(await metricValue('glint_webhooks_duplicates_total')).toBe(1);
  });

  it('answers 503 with the reason when Redis does not take the job', async () => {
    producer.next = new Error("Stream isn't writeable and enableOfflineQueue options is false");

    const answer = await sut.receive(request(pullRequest));

    expect(answer).toMatchObject({ status: 503, body: { error: 'queue_unavailable', message: expect.stringMatching(/nothing was stored/) } });
    expect(await metricValue('glint_webhooks_rejected_total', { reason: 'queue_unavailable' })).toBe(1);
  });

  it('answers 413 for a body over 25 MB', () => {
    expect(sut.tooLarge()).toMatchObject({ status: 413, body: { error: 'too_large' } });
  });

  it('answers 503 overloaded, saying when to redeliver, for a body the gateway had no room to hold unverified', async () => {
    expect(sut.overloaded()).toEqual({ status: 503, body: { error: 'overloaded', message: expect.stringMatching(/WEBHOOK_UNVERIFIED_MEMORY_MB.*redeliver in 5 s/) } });
    expect(await metricValue('glint_webhooks_rejected_total', { reason: 'overloaded' })).toBe(1);
  });

  it.each([
    ['no signature', undefined, 'missing_signature'],
    ['a signature that is not sha256', 'sha1=0123456789abcdef0123456789abcdef01234567', 'bad_signature'],
  ])('refuses a request with %s from its headers, before any of its body', (_label, signature, reason) => {
    const admission = sut.admit({ 'x-github-event': 'push', 'x-hub-signature-256': signature });

    expect(admission).toEqual({ refusal: { status: 401, body: { error: reason, message: expect.any(String) } } });
  });

  it('verifies a body fed to the check from admission piece by piece as it arrived', async () => {
    const whole = request(pullRequest);
    const admission = sut.admit(whole.headers);
    if (!('signature' in admission)) throw new Error('expected the signature to be admitted');

    admission.signature.update(whole.body.subarray(0, 7));
    admission.signature.update(whole.body.subarray(7));

    expect((await sut.receiveSigned(whole, admission.signature)).status).toBe(202);
  });

  describe('metric labels', () => {
    const labelValues = async (name: string, label: string) =>
      ((await metrics.registry.getMetricsAsJSON()).find((metric) => metric.name === name)?.values ?? []).map((value) => value.labels[label]);

    it('counts a verified delivery under its X-GitHub-Event when GitHub has such an event, and under `other` when not', async () => {
      await sut.receive(request(pullRequest));
      await sut.receive(request(JSON.stringify({ thing: { id: 1 } }), { 'x-github-event': 'brand_new_event' }));
      await sut.receive(request(pullRequest, { 'x-github-event': undefined }));

      expect(await labelValues('glint_webhooks_received_total', 'event')).toEqual(['pull_request', 'other']);
      expect(await labelValues('glint_webhooks_accepted_total', 'event')).toEqual(['pull_request', 'other']);
    });

    it('counts every request refused before its signature was verified under `unverified`, whatever its X-GitHub-Event says', async () => {
      for (let n = 0; n < 50; n += 1) {
        await sut.receive(request(pullRequest, { 'x-github-event': `made_up_${n}`, 'x-hub-signature-256': n % 2 ? undefined : sign(pullRequest, 'other') }));
      }
      sut.tooLarge();
      sut.overloaded();
      sut.incomplete();
      sut.shuttingDown();

      expect(await labelValues('glint_webhooks_received_total', 'event')).toEqual(['unverified']);
      expect(await metricValue('glint_webhooks_received_total', { event: 'unverified' })).toBe(54);
      expect(await labelValues('glint_webhooks_rejected_total', 'reason')).toEqual(['bad_signature', 'missing_signature', 'too_large', 'overloaded', 'incomplete', 'shutting_down']);
    });
  });
});

describe('WebhookIntake and the signature outcomes', () => {
  it("records a refused signature with the request's delivery id, and a verified one, for the readiness check of WEBHOOK_SECRET", async () => {
    const recorded: string[] = [];
    const sut = new WebhookIntake(createSignatureVerifier(SECRET), new RecordingProducer(), new WebhookMetrics(new MetricsRegistry('gateway')), {
      rejected: async (deliveryId) => void recorded.push(`rejected ${deliveryId}`),
      verified: async () => void recorded.push('verified'),
    });

    await sut.receive(request(pullRequest, { 'x-hub-signature-256': sign(pullRequest, 'secret-changed-on-github'), 'x-github-delivery': 'd-1' }));
    await sut.receive(request(pullRequest, { 'x-github-delivery': 'd-2' }));

    expect(recorded).toEqual(['rejected d-1', 'verified']);
  });
});
