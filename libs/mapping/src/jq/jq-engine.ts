import { availableParallelism } from 'node:os';
import type { GatherCohort } from '@glint/runtime';
import { JqRawResult, JqTimeoutError, JqWorkerPool } from './jq-worker-pool';

/** What one input gave: every output of the program, or the jq error it stopped with. */
export type JqOutcome = { ok: true; outputs: unknown[] } | { ok: false; error: string };

export type JqCheck = { ok: true } | { ok: false; error: string };

export interface JqEngineOptions {
  /** Worker threads; default: the machine's cores, at most 4. */
  workers?: number;
  /** Limit for one evaluate call (one batch of inputs); default 5 s. */
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
const PRELUDE =
  'def env: {}; def input: error("input is not available in mappings"); def inputs: error("inputs is not available in mappings"); {} as $ENV | ';

/**
 * Real jq (1.8.2, jq-wasm) behind one interface. Each evaluate call runs one program over many inputs in one
 * worker call (jq's per-call cost is fixed, so batching is what makes resyncs fast), yields one outcome per
 * input, and is bounded by a time limit.
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
      if (!(error instanceof JqTimeoutError)) throw error;
      return { ok: false, error: `the program runs when it should only compile (it closes more parentheses than it opens) and did not finish within ${this.timeoutMs} ms in: ${program}` };
    }
    if (result.exitCode === 0) return { ok: true };
    return { ok: false, error: compileError(result, program) };
  }

  /** Runs `program` on each input; a runtime error or a time-out is reported per input, never thrown. */
  async evaluate(program: string, inputs: readonly unknown[], options: JqEvaluateOptions = {}): Promise<JqOutcome[]> {
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
      if (error instanceof JqTimeoutError) return inputs.map(() => ({ ok: false, error: error.message }));
      throw error;
    }
    if (result.exitCode !== 0) {
      const error = result.exitCode === 3 ? compileError(result, program) : result.stderr.trim() || `jq exited with ${result.exitCode}`;
      return inputs.map(() => ({ ok: false, error }));
    }
    const lines = result.stdout.split('\n').filter((line) => line.length > 0);
    if (lines.length !== inputs.length) {
      throw new Error(`jq gave ${lines.length} results for ${inputs.length} inputs`);
    }
    return lines.map((line) => {
      const parsed = JSON.parse(line) as { ok?: unknown[]; error?: string };
      return parsed.ok !== undefined ? { ok: true, outputs: parsed.ok } : { ok: false, error: parsed.error ?? 'unknown jq error' };
    });
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

/** jq's compile error, with the program's own text instead of the wrapper around it. */
function compileError(result: JqRawResult, program: string): string {
  const lines = result.stderr
    .split('\n')
    .map((line) => line.replace(/^jq: error: /, '').trim())
    .filter((line) => line && !/^jq: \d+ compile errors?$/.test(line) && !line.startsWith('if false then') && !line.startsWith('def env') && !/^\^+$/.test(line));
  const message = lines[0] ?? (result.stderr.trim() || `jq exited with ${result.exitCode}`);
  return `${message.replace(/, line \d+, column \d+:?$/, '').replace(/ at <top-level>$/, '')} in: ${program}`;
}
