import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GatherCohort } from '@glint/runtime';

export interface JqRun {
  input: string | null;
  program: string;
  flags: string[];
  /**
   * Set when `input` is this many newline-separated JSON texts and the program writes exactly one line per input,
   * each depending on its own input only: waiting runs of the same program, flags and time limit are then merged
   * into one worker call, since compiling the program costs more than running it on one input.
   */
  linesPerInput?: { inputs: number };
  /** The event workers this run's gather belongs to: it is sent as soon as every one of them waits in a gather. */
  cohort?: GatherCohort;
}

export interface JqRawResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A run stopped before it finished: over its time limit, out of memory, or by a fault of jq's. */
export class JqStoppedError extends Error {
  override readonly name: string = 'JqStoppedError';

  constructor(
    message: string,
    /** The lines the run had written when it stopped; for a program that writes one line per input, the input it was on. */
    readonly completedLines: number,
  ) {
    super(message);
  }
}

/** One input took longer than the time limit. */
export class JqTimeoutError extends JqStoppedError {
  override readonly name = 'JqTimeoutError';
}

/** The program needed more memory than a jq instance has. */
export class JqMemoryError extends JqStoppedError {
  override readonly name = 'JqMemoryError';
}

/** What a worker thread answers: jq's result, or why the call was stopped (jq aborted). */
type WorkerAnswer = { id: number } & (JqRawResult | { stopped: { reason: string; memory: boolean; completedLines: number } });

interface Task extends JqRun {
  timeoutMs: number;
  /** The gather clock's time before which the task waits for company (see JqPoolOptions.gatherMs). */
  readyAt?: number;
  /** Ends the task's count as a waiter in the cohort, once it is sent. */
  release?: () => void;
  resolve: (result: JqRawResult) => void;
  reject: (error: Error) => void;
}

/** What one worker is running: one task, or several of the same program merged, in queue order. */
interface Running {
  id: number;
  tasks: Task[];
  timer: NodeJS.Timeout;
  /** When the run was sent, in ms since the epoch (as the worker's `LAST_LINE_AT`). */
  sentAt: number;
}

interface Slot {
  worker: Worker;
  /** Shared with the worker: lines written by the current run, and when the last one was (see jq-worker.js). */
  progress: BigInt64Array;
  running?: Running;
}

const LINES = 0;
const LAST_LINE_AT = 1;
const epochMs = () => performance.timeOrigin + performance.now();
const newProgress = () => new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));

/** Upper bound on the inputs of one merged call, so a backlog does not become one call that runs for seconds. */
export const MAX_MERGED_INPUTS = 100;
/** Runs of fewer inputs than this are a live event's (a resync maps pages of up to 100): only they wait for company. */
export const GATHERED_BELOW_INPUTS = 10;

/** Tells when a gathering run's window is over. */
export interface GatherClock {
  /** Milliseconds on a clock that never goes back. */
  now(): number;
  /** Calls `wake` once `ms` have passed on this clock, without keeping the process alive for it. */
  wakeAfter(ms: number, wake: () => void): void;
}

/** The machine's monotonic clock and timers. */
export const MONOTONIC_GATHER_CLOCK: GatherClock = {
  now: () => performance.now(),
  wakeAfter: (ms, wake) => {
    setTimeout(wake, ms).unref();
  },
};

export interface JqPoolOptions {
  /**
   * How long a small mergeable run waits for other runs of the same program before it is sent, so that live events
   * arriving close together share one jq call (one compile) even while a thread is free. 0: sent at once.
   */
  gatherMs?: number;
  /** The clock of the gather window; the machine's by default. */
  gatherClock?: GatherClock;
}

/**
 * A fixed set of worker threads, each with its own jq-wasm instance. A run of inputs that spends longer than its time
 * limit on one of them (`def f: f; f`) has its thread terminated and replaced, and a run that needs more memory than
 * jq-wasm allows (`[range(1e12)]`) gets a new jq instance: a runaway program costs one restart, never blocks a
 * service's event loop, and is reported as a JqStoppedError that says which line (input) the run was on.
 *
 * Runs waiting for a thread are merged when they can be (`linesPerInput`): live events each map one object, and jq
 * compiles the program on every call (about 3 ms for a pull request mapping, against 0.5 ms per object), so under
 * load the calls that queue up are answered together; with `gatherMs`, a live event's run also waits that long for
 * company while a thread is free. A merged call stopped on one task's input fails that task alone, and the others
 * are run again; a merged call that otherwise fails as a whole (jq exits early, a line count that does not add up) is
 * run again one task at a time, so each task gets its own verdict.
 */
export class JqWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  private readonly gatherMs: number;
  private readonly gatherClock: GatherClock;
  /** The cohorts of the runs seen so far, each with its unsubscribe. */
  private readonly cohorts = new Map<GatherCohort, () => void>();

  constructor(
    readonly size: number,
    options: JqPoolOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a jq pool needs at least one worker, got ${size}`);
    this.gatherMs = options.gatherMs ?? 0;
    this.gatherClock = options.gatherClock ?? MONOTONIC_GATHER_CLOCK;
    for (let index = 0; index < size; index += 1) {
      const progress = newProgress();
      this.slots.push({ worker: this.spawn(progress), progress });
    }
  }

  run(run: JqRun, timeoutMs: number): Promise<JqRawResult> {
    if (this.closed) return Promise.reject(new Error('the jq pool is closed'));
    return new Promise((resolve, reject) => {
      const gathers = this.gatherMs > 0 && run.linesPerInput !== undefined && run.linesPerInput.inputs < GATHERED_BELOW_INPUTS;
      if (!gathers) {
        this.queue.push({ ...run, timeoutMs, resolve, reject });
      } else {
        if (run.cohort && !this.cohorts.has(run.cohort)) this.cohorts.set(run.cohort, run.cohort.onFull(() => this.stopGathering()));
        this.queue.push({ ...run, timeoutMs, resolve, reject, readyAt: this.gatherClock.now() + this.gatherMs, release: run.cohort?.join() });
        this.gatherClock.wakeAfter(this.gatherMs, () => this.dispatch());
      }
      this.dispatch();
    });
  }

  /** Every event worker waits in a gather, so nobody can join: every gathering run is ready now. */
  private stopGathering(): void {
    for (const task of this.queue) if (task.cohort) task.readyAt = undefined;
    this.dispatch();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cohorts.forEach((unsubscribe) => unsubscribe());
    for (const task of this.queue.splice(0)) {
      task.release?.();
      task.reject(new Error('the jq pool is closed'));
    }
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.running) {
          clearTimeout(slot.running.timer);
          for (const task of slot.running.tasks) task.reject(new Error('the jq pool is closed'));
        }
        await slot.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.running) continue;
      const next = this.nextReady();
      if (next < 0) return;
      const tasks = this.takeNext(next);
      const first = tasks[0] as Task;
      const id = this.nextId++;
      const sentAt = epochMs();
      Atomics.store(slot.progress, LINES, 0n);
      const timer = setTimeout(() => this.checkTime(slot, id), first.timeoutMs);
      slot.running = { id, tasks, timer, sentAt };
      const input = tasks.length === 1 ? first.input : tasks.map((task) => task.input).join('\n');
      slot.worker.postMessage({ id, input, program: first.program, flags: first.flags });
    }
  }

  /** The index of the first waiting task that is done gathering, or -1. */
  private nextReady(): number {
    // A timer may fire a fraction of a millisecond before the clock says the time is up.
    const now = this.gatherClock.now() + 1;
    return this.queue.findIndex((task) => task.readyAt === undefined || task.readyAt <= now);
  }

  /** The waiting task at `index`, with the waiting tasks it can be merged with (gathering or not). */
  private takeNext(index: number): Task[] {
    const [first] = this.queue.splice(index, 1) as [Task];
    if (!first.linesPerInput) return [first];
    const tasks = [first];
    let inputs = first.linesPerInput.inputs;
    for (let position = 0; position < this.queue.length && inputs < MAX_MERGED_INPUTS; ) {
      const candidate = this.queue[position] as Task;
      if (candidate.linesPerInput && inputs + candidate.linesPerInput.inputs <= MAX_MERGED_INPUTS && mergeable(first, candidate)) {
        tasks.push(candidate);
        inputs += candidate.linesPerInput.inputs;
        this.queue.splice(position, 1);
      } else {
        position += 1;
      }
    }
    tasks.forEach((task) => task.release?.());
    return tasks;
  }

  private finish(slot: Slot, result: JqRawResult): void {
    const running = slot.running as Running;
    slot.running = undefined;
    clearTimeout(running.timer);
    const [only] = running.tasks;
    if (running.tasks.length === 1 && only) {
      only.resolve(result);
      return;
    }
    // A compile error is the same for every task of the program; anything else that fails the call as a whole
    // may be one task's doing.
    if (result.exitCode === JQ_COMPILE_ERROR) {
      for (const task of running.tasks) task.resolve(result);
      return;
    }
    const lines = result.stdout.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const expected = running.tasks.reduce((sum, task) => sum + (task.linesPerInput?.inputs ?? 0), 0);
    if (result.exitCode !== 0 || lines.length !== expected) {
      this.runAlone(running.tasks);
      return;
    }
    let offset = 0;
    for (const task of running.tasks) {
      const count = task.linesPerInput?.inputs ?? 0;
      task.resolve({ stdout: lines.slice(offset, offset + count).join('\n'), stderr: result.stderr, exitCode: 0 });
      offset += count;
    }
  }

  /** Back to the front of the queue, each on its own. */
  private runAlone(tasks: Task[]): void {
    this.queue.unshift(...tasks.map((task) => ({ ...task, linesPerInput: undefined, readyAt: undefined })));
  }

  /**
   * The time limit is per input: a run that is still writing lines (one per input for `linesPerInput` runs) goes on
   * until one line takes longer than the limit.
   */
  private checkTime(slot: Slot, id: number): void {
    const running = slot.running;
    if (!running || running.id !== id) return;
    const timeoutMs = (running.tasks[0] as Task).timeoutMs;
    const lastLineAt = Math.max(running.sentAt, Number(Atomics.load(slot.progress, LAST_LINE_AT)));
    const left = lastLineAt + timeoutMs - epochMs();
    if (left > 0) {
      running.timer = setTimeout(() => this.checkTime(slot, id), left);
      return;
    }
    const completedLines = Number(Atomics.load(slot.progress, LINES));
    slot.running = undefined;
    const stuck = slot.worker;
    // Until it is gone, the stuck thread may still count lines in the array it was given.
    this.respawn(slot);
    void stuck.terminate();
    this.stopped(running.tasks, completedLines, (lines) => new JqTimeoutError(`the jq program did not finish within ${timeoutMs} ms and was stopped`, lines));
    this.dispatch();
  }

  /**
   * A run stopped on its line `completedLines`: the task whose input that is fails, told which of its own lines it
   * was; the merged tasks before and after it did nothing wrong and run again (what they wrote is lost).
   */
  private stopped(tasks: Task[], completedLines: number, error: (taskLines: number) => JqStoppedError): void {
    const [only] = tasks;
    if (tasks.length === 1 && only) {
      only.reject(error(completedLines));
      return;
    }
    let offset = 0;
    const innocent: Task[] = [];
    for (const task of tasks) {
      const count = task.linesPerInput?.inputs ?? 0;
      if (completedLines >= offset && completedLines < offset + count) task.reject(error(completedLines - offset));
      else innocent.push(task);
      offset += count;
    }
    if (innocent.length === tasks.length) this.runAlone(tasks);
    else this.queue.unshift(...innocent.map((task) => ({ ...task, readyAt: undefined })));
  }

  /** A new thread for `slot`, with its own progress array. */
  private respawn(slot: Slot): void {
    slot.progress = newProgress();
    slot.worker = this.spawn(slot.progress);
  }

  private spawn(progress: BigInt64Array): Worker {
    const worker = new Worker(join(__dirname, 'jq-worker.js'), { workerData: { progress } });
    worker.unref();
    worker.on('message', (message: WorkerAnswer) => {
      const slot = this.slots.find((candidate) => candidate.worker === worker);
      if (!slot?.running || slot.running.id !== message.id) return;
      if ('stopped' in message) {
        const { reason, memory, completedLines } = message.stopped;
        const running = slot.running;
        slot.running = undefined;
        clearTimeout(running.timer);
        this.stopped(running.tasks, completedLines, (lines) => (memory ? new JqMemoryError(reason, lines) : new JqStoppedError(reason, lines)));
      } else {
        this.finish(slot, { stdout: message.stdout, stderr: message.stderr, exitCode: message.exitCode });
      }
      this.dispatch();
    });
    worker.on('error', (error) => {
      const slot = this.slots.find((candidate) => candidate.worker === worker);
      if (!slot) return;
      const running = slot.running;
      slot.running = undefined;
      if (!this.closed) this.respawn(slot);
      if (running) {
        clearTimeout(running.timer);
        const [only] = running.tasks;
        if (running.tasks.length === 1 && only) only.reject(new Error(`the jq worker failed: ${error.message}`));
        else this.runAlone(running.tasks);
      }
      this.dispatch();
    });
    return worker;
  }
}

/** jq's exit status for a program that does not compile. */
export const JQ_COMPILE_ERROR = 3;

function mergeable(a: Task, b: Task): boolean {
  return a.program === b.program && a.timeoutMs === b.timeoutMs && a.flags.length === b.flags.length && a.flags.every((flag, index) => flag === b.flags[index]);
}
