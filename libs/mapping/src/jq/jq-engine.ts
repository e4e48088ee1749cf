import { availableParallelism } from 'node:os';
import type { GatherCohort } from '@glint/runtime';
import { JQ_COMPILE_ERROR, JqRawResult, JqStoppedError, JqTimeoutError, JqWorkerPool } from './jq-worker-pool';

/** What one input gave: every output of the program, or the jq error it stopped with. */
export type JqOutcome = { ok: true; outputs: unknown[] } | { ok: false; error: string };

export type JqCheck = { ok: true } | { ok: false; error: string };

export interface JqEngineOptions {
  /** Worker threads; default: the machine's cores, at most 4. */
  workers?: number;
  /** Time limit for one input (a batch of inputs may take longer as long as each finishes within it); default 5 s. */
  timeoutMs?: number;
  /** How long a call of a few inputs waits to share its jq call with others of the same program; default 0. */
  gatherMs?: number;
}

export interface JqEvaluateOptions {
  timeoutMs?: number;
  /** The event workers the caller is one of: its gathering call goes as soon as every one of them waits in a gather. */
  cohort?: GatherCohort;
}

/**
 * Host environment and stdin are not the program's business: `$ENV` and `env` are empty objects, and
 * `input`/`inputs` (which would read the next entity of a batch) are errors.
 */
/**
 * Inputs of one evaluate call that a limit may stop before the rest of the call is given up: a program that runs away
 * on every input would otherwise cost the time limit once per input.
 */
export const MAX_STOPPED_INPUTS = 5;

const PRELUDE =
  'def env: {}; def input: error("input is not available in mappings"); def inputs: error("inputs is not available in mappings"); {} as $ENV | ';

/**
 * Real jq (1.8.2, jq-wasm) behind one interface. Each evaluate call runs one program over many inputs in one
 * worker call (jq's per-call cost is fixed, so batching is what makes resyncs fast), yields one outcome per
 * input, and is bounded by a time limit per input and by jq-wasm's memory.
 *
 * One input never costs the others: a call stopped on one input (over the time limit, out of memory, `halt`,
 * `halt_error`) reports the limit or exit as that input's error, keeps what the inputs before it gave, and runs the
 * inputs after it again (and the ones before it, when the stop lost what they gave). Calls that nothing stops
 * stay one worker call for the whole batch. Once limits have stopped MAX_STOPPED_INPUTS inputs of a call, the inputs
 * not yet answered fail without being tried.
 *
 * Numbers: jq 1.8 prints a number literal as it was written, even one beyond a double's range (`1e1000` prints
 * `1E+1000`); JavaScript reads that as Infinity, which JSON cannot carry. Such a number becomes ±1.7976931348623157e+308,
 * the nearest double and what jq itself makes of it once it computes with it (`1e1000 + 0`) or prints a double
 * (`infinite`), as jq 1.6 printed it.
 */
export class JqEngine {
  private readonly pool: JqWorkerPool;
  private readonly timeoutMs: number;

  constructor(options: JqEngineOptions = {}) {
    this.pool = new JqWorkerPool(options.workers ?? Math.min(4, availableParallelism()), { gatherMs: options.gatherMs });
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Compiles the program without running it: `ok`, or jq's compile error. */
  async check(program: string): Promise<JqCheck> {
    let result: JqRawResult;
    try {
      result = await this.pool.run({ input: null, program: `if false then (${PRELUDE}(${program})) else empty end`, flags: ['-n', '-c'] }, this.timeoutMs);
    } catch (error) {
      // Only a program that closes the parentheses around it gets to run here, and it may run forever.
      if (error instanceof JqTimeoutError) {
        return { ok: false, error: `the program runs when it should only compile (it closes more parentheses than it opens) and did not finish within ${this.timeoutMs} ms in: ${program}` };
      }
      // jq computes constant expressions while it compiles (`"x" * 1e9`).
      if (error instanceof JqStoppedError) return { ok: false, error: `${error.message} in: ${program}` };
      throw error;
    }
    if (result.exitCode === 0) return { ok: true };
    return { ok: false, error: compileError(result, program) };
  }

  /** Runs `program` on each input; a runtime error, a time-out or running out of memory is reported for its input, never thrown. */
  evaluate(program: string, inputs: readonly unknown[], options: JqEvaluateOptions = {}): Promise<JqOutcome[]> {
    return this.evaluateCounting(program, inputs, options, { stopped: 0 });
  }

  /** `evaluate`, with the count of inputs that limits stopped so far in the evaluate call this is part of. */
  private async evaluateCounting(program: string, inputs: readonly unknown[], options: JqEvaluateOptions, limits: { stopped: number }): Promise<JqOutcome[]> {
    if (inputs.length === 0) return [];
    const wrapped = `${PRELUDE}try {ok: [(${program})]} catch {error: (. | if type == "string" then . else tojson end)}`;
    let result: JqRawResult;
    try {
      // The wrapper writes one line per input (its outputs or its error), so concurrent calls may share a worker call.
      result = await this.pool.run(
        { input: inputs.map((input) => JSON.stringify(input ?? null)).join('\n'), program: wrapped, flags: ['-c'], linesPerInput: { inputs: inputs.length }, cohort: options.cohort },
        options.timeoutMs ?? this.timeoutMs,
      );
    } catch (error) {
      if (!(error instanceof JqStoppedError)) throw error;
      limits.stopped += 1;
      return this.stoppedAt(program, inputs, options, limits, error.completedLines, error.message);
    }
    if (result.exitCode === JQ_COMPILE_ERROR || result.exitCode === JQ_NOT_RUN) {
      const error = result.exitCode === JQ_COMPILE_ERROR ? compileError(result, program) : result.stderr.trim() || 'jq could not be run';
      return inputs.map(() => ({ ok: false, error }));
    }
    const outcomes = result.stdout
      .split('\n')
      .filter((line) => line.length > 0)
      .map(outcomeOf);
    if (outcomes.length > inputs.length) throw new Error(`jq gave ${outcomes.length} results for ${inputs.length} inputs`);
    if (outcomes.length === inputs.length) return outcomes;
    // jq exited before the end (`halt`, `halt_error`, or a failure of its own) on the input after the last it answered.
    const stderr = result.stderr.trim();
    const exit = result.exitCode === 0 ? 'the jq program halted' : `the jq program exited with ${result.exitCode}${stderr ? `: ${stderr}` : ''}`;
    return this.stoppedAt(program, inputs, options, limits, outcomes.length, exit, outcomes);
  }

  /**
   * The outcomes of a call stopped on `inputs[at]`: that input fails with `error`, the others get their own outcomes
   * (`before`, when the stopped call kept them, or from a new call; the inputs before the stop finished once, so
   * they finish again).
   */
  private async stoppedAt(
    program: string,
    inputs: readonly unknown[],
    options: JqEvaluateOptions,
    limits: { stopped: number },
    at: number,
    error: string,
    before?: JqOutcome[],
  ): Promise<JqOutcome[]> {
    const culprit = Math.min(at, inputs.length - 1);
    const after = inputs.slice(culprit + 1);
    const givenUp = `not tried: the jq program ran into a limit on ${MAX_STOPPED_INPUTS} other inputs of the same call (the last: ${error})`;
    const [earlier, later] = await Promise.all([
      before ?? this.evaluateCounting(program, inputs.slice(0, culprit), options, limits),
      limits.stopped >= MAX_STOPPED_INPUTS ? after.map((): JqOutcome => ({ ok: false, error: givenUp })) : this.evaluateCounting(program, after, options, limits),
    ]);
    return [...earlier, { ok: false, error }, ...later];
  }

  /** This engine as the event workers of `cohort` use it: their gathering calls stop waiting once all of them wait. */
  gatheringWith(cohort: GatherCohort): Pick<JqEngine, 'evaluate'> {
    return { evaluate: (program, inputs, options = {}) => this.evaluate(program, inputs, { ...options, cohort }) };
  }

  /** The first output for one input (undefined when the program gives none); throws on a jq error. */
  async first(program: string, input: unknown): Promise<unknown> {
    const [outcome] = await this.evaluate(program, [input]);
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.outputs[0];
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The worker's exit status when it could not run jq at all (see jq-worker.js). */
const JQ_NOT_RUN = -1;

/** Exponents no double reaches: `1E+1000` (how jq 1.8 prints the literal `1e1000`) parses to Infinity. */
const OUT_OF_DOUBLE_RANGE = /[eE]\+?\d{3}/;

function outcomeOf(line: string): JqOutcome {
  const parsed = (OUT_OF_DOUBLE_RANGE.test(line) ? JSON.parse(line, clampInfinity) : JSON.parse(line)) as { ok?: unknown[]; error?: string };
  return parsed.ok !== undefined ? { ok: true, outputs: parsed.ok } : { ok: false, error: parsed.error ?? 'unknown jq error' };
}

function clampInfinity(_key: string, value: unknown): unknown {
  if (value === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  if (value === Number.NEGATIVE_INFINITY) return -Number.MAX_VALUE;
  return value;
}

/** jq's compile error, with the program's own text instead of the wrapper around it. */
function compileError(result: JqRawResult, program: string): string {
  const lines = result.stderr
    .split('\n')
    .map((line) => line.replace(/^jq: error: /, '').trim())
    .filter((line) => line && !/^jq: \d+ compile errors?$/.test(line) && !line.startsWith('if false then') && !line.startsWith('def env') && !/^\^+$/.test(line));
  const message = lines[0] ?? (result.stderr.trim() || `jq exited with ${result.exitCode}`);
  return `${message.replace(/, line \d+, column \d+:?$/, '').replace(/ at <top-level>$/, '')} in: ${program}`;
}
