/**
 * The bytes of webhook bodies the gateway keeps before their signature is verified, summed over every request it
 * is receiving: anyone can send a body, so what they make the gateway hold is capped, whatever arrives at once.
 */
export class UnverifiedBytesBudget {
  private reserved = 0;

  constructor(readonly limitBytes: number) {}

  get reservedBytes(): number {
    return this.reserved;
  }

  /** Reserves `bytes` when they fit under the limit; reserves nothing and answers false when they do not. */
  tryReserve(bytes: number): boolean {
    if (this.reserved + bytes > this.limitBytes) return false;
    this.reserved += bytes;
    return true;
  }

  release(bytes: number): void {
    this.reserved -= bytes;
  }
}
