import type { Readable } from 'node:stream';
import type { SignatureCheck } from './signature-verifier';
import type { UnverifiedBytesBudget } from './unverified-bytes-budget';

/**
 * How a body ended: `too-large` as soon as more than the limit arrived (the rest is not waited for), `incomplete`
 * when the request closed first (the client went away, or the server's request timeout answered 408 and closed it).
 */
export type BodyEnd = 'ended' | 'too-large' | 'incomplete';

export type SignedBodyRead =
  | { outcome: 'read'; body: Buffer }
  /** The budget had no room: the body went by unkept to its end, so the client can read the answer. */
  | { outcome: 'over-budget' }
  | { outcome: 'too-large' }
  | { outcome: 'incomplete' };

export interface BodyLimits {
  maxBytes: number;
  budget: UnverifiedBytesBudget;
}

/**
 * Reads a body whose signature is not verified yet, feeding `check` as it streams, and keeps it only within the
 * budget of unverified bytes: the declared Content-Length is reserved before the first byte (and the body copied
 * straight into one buffer of that size, so it is never held twice), a body without one chunk by chunk. A body the
 * budget has no room for is read to its end and dropped. The reservation is handed back when the body ends: from
 * then on it is verified or refused, and no longer waits on the sender.
 */
export async function readSignedBody(stream: Readable, declaredBytes: number | undefined, check: SignatureCheck, limits: BodyLimits): Promise<SignedBodyRead> {
  if (declaredBytes !== undefined && declaredBytes > limits.maxBytes) return { outcome: 'too-large' };
  const kept = new KeptBody(limits.budget);
  let fits = kept.open(declaredBytes);
  const end = await followBody(stream, limits.maxBytes, (chunk) => {
    if (!fits) return;
    fits = kept.add(chunk);
    if (fits) check.update(chunk);
    else kept.drop();
  });
  if (end !== 'ended') {
    kept.drop();
    return { outcome: end };
  }
  return fits ? { outcome: 'read', body: kept.take() } : { outcome: 'over-budget' };
}

/** Reads a body to its end and keeps none of it. */
export function discardBody(stream: Readable, maxBytes: number): Promise<BodyEnd> {
  return followBody(stream, maxBytes, () => undefined);
}

/** The bytes of one body being received, and their reservation in the budget. */
class KeptBody {
  private presized?: Buffer;
  private chunks: Buffer[] = [];
  private size = 0;
  private reserved = 0;

  constructor(private readonly budget: UnverifiedBytesBudget) {}

  /** Reserves the declared size at once; false when it does not fit. */
  open(declaredBytes: number | undefined): boolean {
    if (declaredBytes === undefined) return true;
    if (!this.budget.tryReserve(declaredBytes)) return false;
    this.reserved = declaredBytes;
    this.presized = Buffer.allocUnsafe(declaredBytes);
    return true;
  }

  /** False when a body of undeclared size outgrows the budget. */
  add(chunk: Buffer): boolean {
    if (this.presized) {
      chunk.copy(this.presized, this.size);
    } else {
      if (!this.budget.tryReserve(chunk.length)) return false;
      this.reserved += chunk.length;
      this.chunks.push(chunk);
    }
    this.size += chunk.length;
    return true;
  }

  take(): Buffer {
    const body = this.presized ? this.presized.subarray(0, this.size) : Buffer.concat(this.chunks, this.size);
    this.drop();
    return body;
  }

  drop(): void {
    this.budget.release(this.reserved);
    this.reserved = 0;
    this.presized = undefined;
    this.chunks = [];
  }
}

function followBody(stream: Readable, maxBytes: number, onChunk: (chunk: Buffer) => void): Promise<BodyEnd> {
  return new Promise((resolve) => {
    let size = 0;
    let settled = false;
    const settle = (end: BodyEnd) => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      resolve(end);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) settle('too-large');
      else onChunk(chunk);
    };
    stream.on('data', onData);
    stream.on('end', () => settle('ended'));
    stream.on('close', () => settle('incomplete'));
    stream.on('error', () => settle('incomplete'));
  });
}
