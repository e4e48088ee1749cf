import { Worker } from 'node:worker_threads';
import { GatherCohort } from '@glint/runtime';
import { JqEngine } from './jq-engine';
import { GatherClock, JqRun, JqWorkerPool } from './jq-worker-pool';

const workerCalls = jest.spyOn(Worker.prototype, 'postMessage');
const lines = (program: string, input: string, inputs: number): JqRun => ({ input, program, flags: ['-c'], linesPerInput: { inputs } });

describe('JqWorkerPool merging waiting runs', () => {
  let sut: JqWorkerPool;

  beforeEach(() => {
    sut = new JqWorkerPool(1);
    workerCalls.mockClear();
  });

  afterEach(() => sut.close());

  it('answers the runs of one program that waited for the worker in one call, each with its own lines', async () => {
    const answers = await Promise.all([
      sut.run(lines('.n * 10', '{"n":1}', 1), 5_000),
      sut.run(lines('.n * 10', '{"n":2}\n{"n":3}', 2), 5_000),
      sut.run(lines('.n * 10', '{"n":4}', 1), 5_000),
      sut.run(lines('.n * 10', '{"n":5}', 1), 5_000),
    ]);

    expect(answers.map((answer) => answer.stdout)).toEqual(['10', '20\n30', '40', '50']);
    // The first run found the worker free; the other three waited and went together.
    expect(workerCalls).toHaveBeenCalledTimes(2);
  });

  it('keeps runs of other programs, flags or time limits, and runs without linesPerInput, apart', async () => {
    const answers = await Promise.all([
      sut.run(lines('.n', '{"n":1}', 1), 5_000),
      sut.run(lines('.n', '{"n":2}', 1), 5_000),
      sut.run(lines('.n + 1', '{"n":3}', 1), 5_000),
      sut.run({ ...lines('.n', '{"n":4}', 1), flags: ['-c', '-S'] }, 5_000),
      sut.run(lines('.n', '{"n":5}', 1), 4_000),
      sut.run({ input: '{"n":6}', program: '.n', flags: ['-c'] }, 5_000),
    ]);

    expect(answers.map((answer) => answer.stdout)).toEqual(['1', '2', '4', '4', '5', '6']);
    expect(workerCalls).toHaveBeenCalledTimes(6);
  });

  it('runs merged runs again one at a time when their lines do not add up, so each gets its own answer', async () => {
    const answers = await Promise.all([
      sut.run(lines('.[]', '[0]', 1), 5_000),
      sut.run(lines('.[]', '[1]', 1), 5_000),
      sut.run(lines('.[]', '[2,3]', 1), 5_000),
    ]);

    expect(answers.map((answer) => answer.stdout)).toEqual(['0', '1', '2\n3']);
  });
});

/**
 * The gather window's clock, moved by the test alone: a window ends when the test says so, however long the machine
 * takes to run the test's steps in between.
 */
class ManualGatherClock implements GatherClock {
  private current = 0;
  private wakeUps: Array<{ at: number; wake: () => void }> = [];

  now(): number {
    return this.current;
  }

  wakeAfter(ms: number, wake: () => void): void {
    this.wakeUps.push({ at: this.current + ms, wake });
  }

  advance(ms: number): void {
    this.current += ms;
    const due = this.wakeUps.filter((wakeUp) => wakeUp.at <= this.current);
    this.wakeUps = this.wakeUps.filter((wakeUp) => wakeUp.at > this.current);
    due.forEach((wakeUp) => wakeUp.wake());
  }
}

describe('JqWorkerPool gathering live runs (gatherMs)', () => {
  let sut: JqWorkerPool;
  let clock: ManualGatherClock;
  /** Lets a cohort that just filled tell the pool (it does so on a microtask). */
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    workerCalls.mockClear();
    clock = new ManualGatherClock();
  });
  afterEach(() => sut.close());

  it('holds a small run while workers are free, so runs of the same program arriving within the window share one call', async () => {
    sut = new JqWorkerPool(2, { gatherMs: 200, gatherClock: clock });
    const first = sut.run(lines('.n * 10', '{"n":1}', 1), 5_000);
    clock.advance(150);
    const second = sut.run(lines('.n * 10', '{"n":2}', 1), 5_000);
    const other = sut.run(lines('.n + 1', '{"n":3}', 1), 5_000);
    await settled();
    expect(workerCalls).toHaveBeenCalledTimes(0);

    clock.advance(200);

    expect((await Promise.all([first, second, other])).map((answer) => answer.stdout)).toEqual(['10', '20', '4']);
    // One call for the two runs of `.n * 10`, one for `.n + 1`.
    expect(workerCalls).toHaveBeenCalledTimes(2);
  });

  it('sends at once what is not a live run: a run of many inputs, or one without linesPerInput', async () => {
    sut = new JqWorkerPool(1, { gatherMs: 200, gatherClock: clock });
    const many = Array.from({ length: 10 }, (_, n) => JSON.stringify({ n })).join('\n');

    const answers = await Promise.all([sut.run(lines('.n', many, 10), 5_000), sut.run({ input: '{"n":6}', program: '.n', flags: ['-c'] }, 5_000)]);

    expect(answers.map((answer) => answer.stdout)).toEqual(['0\n1\n2\n3\n4\n5\n6\n7\n8\n9', '6']);
  });

  it('with one event worker, sends a gathering run at once: nobody could join it', async () => {
    sut = new JqWorkerPool(1, { gatherMs: 200, gatherClock: clock });

    const answer = await sut.run({ ...lines('.n', '{"n":7}', 1), cohort: new GatherCohort(1) }, 5_000);

    expect(answer.stdout).toBe('7');
  });

  it('with several event workers, keeps gathering while one is free, and sends the runs as one call once all wait', async () => {
    sut = new JqWorkerPool(2, { gatherMs: 200, gatherClock: clock });
    const cohort = new GatherCohort(2);

    const first = sut.run({ ...lines('.n * 10', '{"n":1}', 1), cohort }, 5_000);
    await settled();
    expect(workerCalls).toHaveBeenCalledTimes(0);
    const second = sut.run({ ...lines('.n * 10', '{"n":2}', 1), cohort }, 5_000);

    expect((await Promise.all([first, second])).map((answer) => answer.stdout)).toEqual(['10', '20']);
    expect(workerCalls).toHaveBeenCalledTimes(1);
  });

  it("leaves runs outside the cohort (a resync's pages) gathering for the window when the cohort fills", async () => {
    sut = new JqWorkerPool(2, { gatherMs: 300, gatherClock: clock });
    const cohort = new GatherCohort(1);

    const resyncPage = sut.run(lines('.n * 10', '{"n":1}', 1), 5_000);
    const liveEvent = await sut.run({ ...lines('.n + 1', '{"n":1}', 1), cohort }, 5_000);

    expect(liveEvent.stdout).toBe('2');
    expect(workerCalls).toHaveBeenCalledTimes(1);
    clock.advance(300);
    expect((await resyncPage).stdout).toBe('10');
    expect(workerCalls).toHaveBeenCalledTimes(2);
  });

  it('without gatherMs sends each run to a free worker at once', async () => {
    sut = new JqWorkerPool(2, { gatherClock: clock });
    const first = sut.run(lines('.n * 10', '{"n":1}', 1), 5_000);
    const second = sut.run(lines('.n * 10', '{"n":2}', 1), 5_000);

    expect((await Promise.all([first, second])).map((answer) => answer.stdout)).toEqual(['10', '20']);
    expect(workerCalls).toHaveBeenCalledTimes(2);
  });
});

describe('JqEngine under load', () => {
  it('gives every waiting evaluation its own outcome when a merged call runs out of time: only the runaway input fails', async () => {
    // A time limit a worker thread started on a busy machine still meets: the inputs run again alone on new threads.
    const engine = new JqEngine({ workers: 1, timeoutMs: 1_000 });
    try {
      const program = 'if .loop then last(range(1e12)) else .n end';
      const [, ...outcomes] = await Promise.all([
        engine.evaluate('.', [1]),
        engine.evaluate(program, [{ n: 1 }]),
        engine.evaluate(program, [{ loop: true }]),
        engine.evaluate(program, [{ n: 3 }]),
      ]);

      expect(outcomes).toEqual([
        [{ ok: true, outputs: [1] }],
        [{ ok: false, error: 'the jq program did not finish within 1000 ms and was stopped' }],
        [{ ok: true, outputs: [3] }],
      ]);
    } finally {
      await engine.close();
    }
  }, 15_000);

  it('stops a merged call of live runs once, on the runaway: the runs merged with it go again together, the runaway does not', async () => {
    const engine = new JqEngine({ workers: 1, timeoutMs: 1_000 });
    try {
      workerCalls.mockClear();
      const program = 'if .loop then (def f: f; f) else .n end';
      const [, ...outcomes] = await Promise.all([
        engine.evaluate('.', [1]),
        engine.evaluate(program, [{ n: 1 }]),
        engine.evaluate(program, [{ loop: true }]),
        engine.evaluate(program, [{ n: 3 }]),
      ]);

      expect(outcomes).toEqual([[{ ok: true, outputs: [1] }], [{ ok: false, error: 'the jq program did not finish within 1000 ms and was stopped' }], [{ ok: true, outputs: [3] }]]);
      const inputs = workerCalls.mock.calls.map(([task]) => (task as { input: string | null }).input);
      expect(inputs).toEqual(['1', '{"n":1}\n{"loop":true}\n{"n":3}', '{"n":1}\n{"n":3}']);
    } finally {
      await engine.close();
    }
  }, 15_000);

  it('evaluates through gatheringWith(cohort) as one of the cohort: with a cohort of one, nothing waits for the window', async () => {
    const engine = new JqEngine({ workers: 1, gatherMs: 60_000 });
    try {
      await expect(engine.gatheringWith(new GatherCohort(1)).evaluate('.a + 1', [{ a: 1 }])).resolves.toEqual([{ ok: true, outputs: [2] }]);
    } finally {
      await engine.close();
    }
  });

  it('reports a compile error to every evaluation that waited with the program', async () => {
    const engine = new JqEngine({ workers: 1 });
    try {
      const [, first, second] = await Promise.all([engine.evaluate('.', [1]), engine.evaluate('.a |||', [{}]), engine.evaluate('.a |||', [{}, {}])]);

      expect([...first, ...second]).toEqual(Array(3).fill({ ok: false, error: expect.stringMatching(/^syntax error, unexpected '\|'.* in: \.a \|\|\|$/) }));
    } finally {
      await engine.close();
    }
  });
});
