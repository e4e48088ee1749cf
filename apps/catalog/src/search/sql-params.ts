/** Positional parameters for one SQL statement: `add` returns the placeholder (`$3`) for a value. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
