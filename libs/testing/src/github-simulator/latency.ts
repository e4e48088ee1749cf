import { deriveSeed, Prng } from './prng';

/** Keeps the delays' stream apart from the streams the generated data is drawn from. */
const LATENCY_STREAM = 0x1a7e9c;

/** The delay added to each API answer: `baseMs`, spread uniformly over `baseMs ± jitterMs`, the same sequence every run. */
export class ResponseDelay {
  private readonly prng: Prng;

  constructor(
    private readonly baseMs: number,
    private readonly jitterMs: number,
    seed: number,
  ) {
    this.prng = new Prng(deriveSeed(seed, LATENCY_STREAM));
  }

  nextMs(): number {
    if (this.jitterMs === 0) return this.baseMs;
    return Math.max(0, this.baseMs + (this.prng.next() * 2 - 1) * this.jitterMs);
  }
}
