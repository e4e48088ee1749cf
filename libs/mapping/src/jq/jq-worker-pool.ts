import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface JqRun {
  input: string | null;
  program: string;
  flags: string[];
}

export interface JqRawResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export class JqTimeoutError extends Error {
  override readonly name = 'JqTimeoutError';
}

interface Task extends JqRun {
  timeoutMs: number;
  resolve: (result: JqRawResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  task?: Task & { id: number; timer: NodeJS.Timeout };
}

/**
 * A fixed set of worker threads, each with its own jq-wasm instance. A run that exceeds its time limit has its
 * thread terminated and replaced, so a runaway program (`def f: f; f`, `range(1e12)`) costs one thread restart
 * and never blocks a service's event loop.
 */
export class JqWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a jq pool needs at least one worker, got ${size}`);
    for (let index = 0; index < size; index += 1) this.slots.push({ worker: this.spawn() });
  }

  run(run: JqRun, timeoutMs: number): Promise<JqRawResult> {
    if (this.closed) return Promise.reject(new Error('the jq pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ ...run, timeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('the jq pool is closed'));
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.task) {
          clearTimeout(slot.task.timer);
          slot.task.reject(new Error('the jq pool is closed'));
        }
        await slot.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task || this.queue.length === 0) continue;
      const task = this.queue.shift() as Task;
      const id = this.nextId++;
      const timer = setTimeout(() => this.timeOut(slot), task.timeoutMs);
      slot.task = { ...task, id, timer };
      slot.worker.postMessage({ id, input: task.input, program: task.program, flags: task.flags });
    }
  }

  private timeOut(slot: Slot): void {
    const task = slot.task;
    if (!task) return;
    slot.task = undefined;
    const stuck = slot.worker;
    slot.worker = this.spawn();
    void stuck.terminate();
    task.reject(new JqTimeoutError(`the jq program did not finish within ${task.timeoutMs} ms and was stopped`));
    this.dispatch();
  }

  private spawn(): Worker {
    const worker = new Worker(join(__dirname, 'jq-worker.js'));
    worker.unref();
    worker.on('message', (message: JqRawResult & { id: number }) => {
      const slot = this.slots.find((candidate) => candidate.worker === worker);
      if (!slot?.task || slot.task.id !== message.id) return;
      const task = slot.task;
      slot.task = undefined;
      clearTimeout(task.timer);
      task.resolve({ stdout: message.stdout, stderr: message.stderr, exitCode: message.exitCode });
      this.dispatch();
    });
    worker.on('error', (error) => {
      const slot = this.slots.find((candidate) => candidate.worker === worker);
      if (!slot) return;
      const task = slot.task;
      slot.task = undefined;
      slot.worker = this.closed ? worker : this.spawn();
      if (task) {
        clearTimeout(task.timer);
        task.reject(new Error(`the jq worker failed: ${error.message}`));
      }
      this.dispatch();
    });
    return worker;
  }
}
