/** A small seeded PRNG (mulberry32): the simulator's data depends only on the seed. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** `count` distinct items, in their original order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const picked = new Set<number>();
    const wanted = Math.min(count, items.length);
    while (picked.size < wanted) picked.add(Math.floor(this.next() * items.length));
    return [...picked].sort((a, b) => a - b).map((i) => items[i]);
  }

  /** 40 hex characters, like a git object id. */
  sha(): string {
    let out = '';
    for (let i = 0; i < 5; i++) out += Math.floor(this.next() * 4294967296).toString(16).padStart(8, '0');
    return out;
  }
}

/** Mixes a seed with a number into a new 32-bit seed (so each repository gets its own stream). */
export function deriveSeed(seed: number, salt: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ salt, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
