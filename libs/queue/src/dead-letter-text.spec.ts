import { DEAD_LETTER_ERROR_LIMIT_CHARS, DEAD_LETTER_TEXT_LIMIT_BYTES, errorText, keepText } from './dead-letter-text';
import { failureOf } from './dead-lettered-job';
import { deadLetteredEvent } from './event-consumer';
import type { QueuedWebhookEvent } from './event-job';

const event: QueuedWebhookEvent = { deliveryId: 'd-1', event: 'pull_request', action: 'opened', groupKey: 'repo-1/pr-5', partition: 0, receivedAt: '2026-01-01T00:00:00.000Z' };

describe('dead-letter text', () => {
  it('keeps a payload up to the limit as it came, byte for byte', () => {
    const raw = Buffer.from(`{"title":"é ${'x'.repeat(100)}"}`);

    expect(keepText(raw, 200)).toEqual({ text: raw.toString('utf8') });
    expect(keepText(raw, raw.length)).toEqual({ text: raw.toString('utf8') });
  });

  it('cuts a payload beyond the limit and says so at its end, with its full size', () => {
    const raw = Buffer.from('a'.repeat(1_000));

    const kept = keepText(raw, 100);

    expect(kept).toEqual({ text: `${'a'.repeat(100)}…[truncated by glint: the first 100 of 1000 bytes are kept]`, truncatedFromBytes: 1_000 });
  });

  it('makes the dead letter of an event nested 100,000 levels deep from its bytes, which serialises without recursion', () => {
    const depth = 100_000;
    const raw = Buffer.from(`{"action":"opened","deep":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`);
    expect(() => JSON.stringify(JSON.parse(raw.toString('utf8')))).toThrow(RangeError);

    const letter = deadLetteredEvent(event, raw, 'RangeError: Maximum call stack size exceeded', 5, new Date('2026-01-01T00:01:00.000Z'));

    expect(letter).toEqual({ event, payloadJson: raw.toString('utf8'), error: 'RangeError: Maximum call stack size exceeded', attempts: 5, failedAt: '2026-01-01T00:01:00.000Z' });
    expect(JSON.parse(JSON.stringify(letter))).toEqual(letter);
  });

  it('keeps at most the limit of a payload larger than it, flagged so that it is not replayed', () => {
    const raw = Buffer.alloc(DEAD_LETTER_TEXT_LIMIT_BYTES + 300_000, 'x');

    const letter = deadLetteredEvent(event, raw, 'cannot map it', 5);

    expect(letter.payloadTruncatedFromBytes).toBe(DEAD_LETTER_TEXT_LIMIT_BYTES + 300_000);
    expect(letter.payloadJson?.endsWith(`…[truncated by glint: the first ${DEAD_LETTER_TEXT_LIMIT_BYTES} of ${DEAD_LETTER_TEXT_LIMIT_BYTES + 300_000} bytes are kept]`)).toBe(true);
    expect(Buffer.byteLength(letter.payloadJson ?? '')).toBeLessThan(DEAD_LETTER_TEXT_LIMIT_BYTES + 100);
  });

  it('leaves out the payload of an event whose payload was gone', () => {
    expect(deadLetteredEvent(event, undefined, 'the payload is gone', 1)).not.toHaveProperty('payloadJson');
  });

  it('names an error by its class unless it is a plain Error, and bounds its length', () => {
    expect(errorText(new RangeError('Maximum call stack size exceeded'))).toBe('RangeError: Maximum call stack size exceeded');
    expect(errorText(new Error('GitHub answered 403'))).toBe('GitHub answered 403');
    expect(errorText('a thrown string')).toBe('a thrown string');
    expect(errorText(new Error('x'.repeat(10_000)))).toHaveLength(DEAD_LETTER_ERROR_LIMIT_CHARS + 1);
  });

  it('names the error of a job that failed from the first line of its stack, when it says the same', () => {
    expect(failureOf({ failedReason: 'Maximum call stack size exceeded', stacktrace: ['RangeError: Maximum call stack size exceeded\n    at walk (x.js:1:1)'] })).toBe('RangeError: Maximum call stack size exceeded');
    expect(failureOf({ failedReason: 'GitHub answered 502', stacktrace: ['Error: GitHub answered 502\n    at x'] })).toBe('GitHub answered 502');
    expect(failureOf({ failedReason: 'job stalled more than allowable limit', stacktrace: [] })).toBe('job stalled more than allowable limit');
  });
});
