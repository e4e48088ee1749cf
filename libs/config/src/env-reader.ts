import { EnvName, envVariable } from './env-contract';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads variables of the environment contract and collects every problem instead of stopping at the
 * first, so one boot attempt reports all of them. Values of sensitive variables never appear in a message.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value under any accepted spelling; empty means unset. */
  raw(name: EnvName): string | undefined {
    const variable = envVariable(name);
    const spellings = [variable.name, ...(variable.aliases ?? [])];
    const present = spellings
      .map((spelling) => ({ spelling, value: this.env[spelling]?.trim() }))
      .filter((entry): entry is { spelling: string; value: string } => !!entry.value);
    if (present.length > 1 && new Set(present.map((entry) => entry.value)).size > 1) {
      this.problems.push(
        `${present.map((entry) => entry.spelling).join(' and ')} are both set, to different values: set only one of them`,
      );
    }
    return present[0]?.value;
  }

  isSet(name: EnvName): boolean {
    return this.raw(name) !== undefined;
  }

  missing(name: EnvName, why?: string): void {
    this.problems.push(`${this.label(name)} is missing${why ? ` (${why})` : ''}: expected ${envVariable(name).expects}`);
  }

  invalid(name: EnvName, reason: string): void {
    this.problems.push(`${this.label(name)} is invalid: expected ${envVariable(name).expects}; ${reason}`);
  }

  string(name: EnvName, fallback: string): string;
  string(name: EnvName): string | undefined;
  string(name: EnvName, fallback?: string): string | undefined {
    return this.raw(name) ?? fallback;
  }

  int(name: EnvName, fallback: number, range: { min: number; max: number }): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < range.min || parsed > range.max) {
      this.invalid(name, `got ${JSON.stringify(value)}, not an integer from ${range.min} to ${range.max}`);
      return fallback;
    }
    return parsed;
  }

  bool(name: EnvName, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.invalid(name, `got ${JSON.stringify(value)}`);
    return fallback;
  }

  oneOf<T extends string>(name: EnvName, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.invalid(name, `got ${JSON.stringify(value)}`);
    return fallback;
  }

  url(name: EnvName, protocols: readonly string[], fallback: string): string;
  url(name: EnvName, protocols: readonly string[]): string | undefined;
  url(name: EnvName, protocols: readonly string[], fallback?: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      // URLs may carry a password, so the value is never echoed.
      this.invalid(name, 'the value is not a URL');
      return fallback;
    }
    if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
      this.invalid(name, `the scheme is ${parsed.protocol}, allowed: ${protocols.map((p) => `${p}:`).join(', ')}`);
      return fallback;
    }
    return value.replace(/\/+$/, '');
  }

  private label(name: EnvName): string {
    const aliases = envVariable(name).aliases;
    return aliases?.length ? [name, ...aliases].join('|') : name;
  }
}
