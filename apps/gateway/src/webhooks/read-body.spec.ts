import { PassThrough } from 'node:stream';
import { discardBody, readSignedBody } from './read-body';
import type { SignatureCheck } from './signature-verifier';
import { UnverifiedBytesBudget } from './unverified-bytes-budget';

class RecordingCheck implements SignatureCheck {
  readonly fed: Buffer[] = [];

  update(chunk: Uint8Array): void {
    this.fed.push(Buffer.from(chunk));
  }

  matches(): boolean {
    return true;
  }
}

const MAX_BYTES = 1_000;

/** A body arriving in `chunks`, ended after the last one unless `then` says to break the connection. */
function arriving(chunks: string[], then: 'end' | 'break' = 'end'): PassThrough {
  const stream = new PassThrough();
  setImmediate(() => {
    for (const chunk of chunks) stream.write(chunk);
    if (then === 'end') stream.end();
    else stream.destroy(new Error('aborted'));
  });
  return stream;
}

describe('readSignedBody', () => {
  let budget: UnverifiedBytesBudget;
  let check: RecordingCheck;

  beforeEach(() => {
    budget = new UnverifiedBytesBudget(100);
    check = new RecordingCheck();
  });

  it('keeps a declared body in one piece, feeds the check every byte, and hands its reservation back at the end', async () => {
    const stream = arriving(['{"a":', '1}']);

    const read = await readSignedBody(stream, 7, check, { maxBytes: MAX_BYTES, budget });

    expect(read).toEqual({ outcome: 'read', body: Buffer.from('{"a":1}') });
    expect(Buffer.concat(check.fed).toString()).toBe('{"a":1}');
    expect(budget.reservedBytes).toBe(0);
  });

  it('holds the declared size reserved from before the first byte until the body ends', async () => {
    const stream = new PassThrough();
    const reading = readSignedBody(stream, 60, check, { maxBytes: MAX_BYTES, budget });

    expect(budget.reservedBytes).toBe(60);
    stream.end('x'.repeat(60));
    await reading;
    expect(budget.reservedBytes).toBe(0);
  });

  it('reads a declared body the budget has no room for to its end and keeps none of it', async () => {
    budget.tryReserve(50);

    const read = await readSignedBody(arriving(['x'.repeat(30), 'x'.repeat(30)]), 60, check, { maxBytes: MAX_BYTES, budget });

    expect(read).toEqual({ outcome: 'over-budget' });
    expect(check.fed).toEqual([]);
    expect(budget.reservedBytes).toBe(50);
  });

  it('keeps a body of undeclared size chunk by chunk, and stops keeping it once it outgrows the budget', async () => {
    expect(await readSignedBody(arriving(['x'.repeat(40), 'y'.repeat(40)]), undefined, check, { maxBytes: MAX_BYTES, budget })).toEqual({
      outcome: 'read',
      body: Buffer.from(`${'x'.repeat(40)}${'y'.repeat(40)}`),
    });

    const over = await readSignedBody(arriving(['x'.repeat(60), 'y'.repeat(60), 'z'.repeat(10)]), undefined, new RecordingCheck(), { maxBytes: MAX_BYTES, budget });

    expect(over).toEqual({ outcome: 'over-budget' });
    expect(budget.reservedBytes).toBe(0);
  });

  it('answers too-large for a declared size over the limit without reading anything', async () => {
    const stream = new PassThrough();

    expect(await readSignedBody(stream, MAX_BYTES + 1, check, { maxBytes: MAX_BYTES, budget: new UnverifiedBytesBudget(10 * MAX_BYTES) })).toEqual({ outcome: 'too-large' });
    expect(stream.readableFlowing).toBeNull();
  });

  it('answers too-large as soon as a body of undeclared size passes the limit, and hands its reservation back', async () => {
    const large = new UnverifiedBytesBudget(10 * MAX_BYTES);
    const stream = new PassThrough();
    const reading = readSignedBody(stream, undefined, check, { maxBytes: MAX_BYTES, budget: large });

    stream.write('x'.repeat(MAX_BYTES));
    stream.write('x');

    expect(await reading).toEqual({ outcome: 'too-large' });
    expect(large.reservedBytes).toBe(0);
  });

  it('answers incomplete when the connection breaks before the body ends, and hands its reservation back', async () => {
    const read = await readSignedBody(arriving(['{"a":'], 'break'), 7, check, { maxBytes: MAX_BYTES, budget });

    expect(read).toEqual({ outcome: 'incomplete' });
    expect(budget.reservedBytes).toBe(0);
  });
});

describe('discardBody', () => {
  it('reads a body to its end', async () => {
    const stream = arriving(['abc', 'def']);

    expect(await discardBody(stream, MAX_BYTES)).toBe('ended');
    expect(stream.readableEnded).toBe(true);
  });

  it('stops at the limit', async () => {
    expect(await discardBody(arriving(['x'.repeat(MAX_BYTES), 'x']), MAX_BYTES)).toBe('too-large');
  });

  it('tells when the connection broke first', async () => {
    expect(await discardBody(arriving(['abc'], 'break'), MAX_BYTES)).toBe('incomplete');
  });
});
