/** Real time plus an offset that tests move forward (token expiry, rate-limit windows, JWT checks). */
export class SimulatedClock {
  private offsetMs = 0;

  /** `realNow` stands still in unit tests, so only `advance` moves the clock. */
  constructor(private readonly realNow: () => number = Date.now) {}

  now(): number {
    return this.realNow() + this.offsetMs;
  }

  advance(ms: number): void {
    if (ms < 0) throw new Error('The simulated clock only moves forward');
    this.offsetMs += ms;
  }
}
