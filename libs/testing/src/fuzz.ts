import { inspect } from 'node:util';
// Types only: this lib is also loaded at run time (the simulator in the image), where fast-check, a dev
// dependency, is not installed.
import type { Parameters, RunDetails } from 'fast-check';

/** What one fuzz target tries in CI. */
export interface FuzzBudget {
  /** fast-check's seed: CI tries the same inputs on every run. */
  seed: number;
  /** How many inputs CI tries. */
  runs: number;
  /** The jest timeout for `runs` inputs; it grows in proportion when FUZZ_RUNS asks for more. */
  timeoutMs: number;
  /** How long one input may take before the target counts it as a hang (async properties only). */
  inputTimeoutMs?: number;
}

export interface FuzzTarget {
  readonly name: string;
  /** How many inputs this run tries: the budget's, or what FUZZ_RUNS asks for. */
  readonly runs: number;
  readonly timeoutMs: number;
  /** The fc.assert parameters; the run ends with one line, `fuzz <target>: N inputs, seed S`. */
  parameters<Ts>(): Parameters<Ts>;
}

export type FuzzLog = (line: string) => void;

/**
 * One fuzz target: a fixed seed and a bounded count in CI, `FUZZ_RUNS=<count>` (inputs per target) or
 * `FUZZ_RUNS=<n>x` (n times each target's CI count) for a longer local run.
 */
export function fuzzTarget(name: string, budget: FuzzBudget, env: NodeJS.ProcessEnv = process.env, log: FuzzLog = writeLine): FuzzTarget {
  const runs = fuzzRuns(budget.runs, env['FUZZ_RUNS']);
  const timeoutMs = Math.ceil(budget.timeoutMs * Math.max(1, runs / budget.runs));
  return {
    name,
    runs,
    timeoutMs,
    parameters<Ts>(): Parameters<Ts> {
      return {
        seed: budget.seed,
        numRuns: runs,
        ...(budget.inputTimeoutMs === undefined ? {} : { timeout: budget.inputTimeoutMs }),
        reporter: (details: RunDetails<Ts>) => report(name, details, log),
      };
    },
  };
}

/** The input count of a target whose CI count is `ciRuns`, given the FUZZ_RUNS variable. */
export function fuzzRuns(ciRuns: number, fuzzRunsVariable: string | undefined): number {
  const value = fuzzRunsVariable?.trim();
  if (!value) return ciRuns;
  const multiple = /^([1-9][0-9]*)x$/i.exec(value);
  if (multiple) return ciRuns * Number(multiple[1]);
  if (/^[1-9][0-9]*$/.test(value)) return Number(value);
  throw new Error(`FUZZ_RUNS must be a count of inputs per fuzz target (e.g. 5000) or a multiple of the CI counts (e.g. 10x), got ${JSON.stringify(fuzzRunsVariable)}`);
}

function report<Ts>(name: string, details: RunDetails<Ts>, log: FuzzLog): void {
  log(`fuzz ${name}: ${details.numRuns} inputs, seed ${details.seed}${details.failed ? ', FAILED' : ''}`);
  if (!details.failed) return;
  const error = details.errorInstance;
  throw new Error(
    [
      `fuzz ${name} failed after ${details.numRuns} inputs (seed ${details.seed}, path "${details.counterexamplePath}", shrunk ${details.numShrinks} times)`,
      `counterexample: ${inspect(details.counterexample, { depth: 8, maxArrayLength: 50, maxStringLength: 2_000, breakLength: 160 })}`,
      `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      `replay it with fc.assert(property, { seed: ${details.seed}, path: "${details.counterexamplePath}", endOnFailure: true })`,
    ].join('\n'),
    { cause: error },
  );
}

function writeLine(line: string): void {
  // Straight to stdout rather than console.log, which jest buffers and decorates with a stack frame.
  process.stdout.write(`${line}\n`);
}
