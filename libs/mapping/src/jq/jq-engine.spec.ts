import { Worker } from 'node:worker_threads';
import { JqEngine, MAX_STOPPED_INPUTS } from './jq-engine';

describe('JqEngine (jq 1.8.2 in worker threads)', () => {
  let sut: JqEngine;

  beforeAll(() => {
    sut = new JqEngine({ workers: 2, timeoutMs: 1_500 });
  });

  afterAll(() => sut.close());

  it('evaluates real jq, one outcome per input, in input order', async () => {
    const outcomes = await sut.evaluate('{identifier: .full_name, topics: (.topics // [])}', [
      { full_name: 'acme/a', topics: ['x'] },
      { full_name: 'acme/b', topics: null },
    ]);

    expect(outcomes).toEqual([
      { ok: true, outputs: [{ identifier: 'acme/a', topics: ['x'] }] },
      { ok: true, outputs: [{ identifier: 'acme/b', topics: [] }] },
    ]);
  });

  it('keeps every output of a program that gives several, and none of one that gives none', async () => {
    expect(await sut.evaluate('.items[]', [{ items: [1, 2, 3] }, { items: [] }])).toEqual([
      { ok: true, outputs: [1, 2, 3] },
      { ok: true, outputs: [] },
    ]);
  });

  it('has what the peer mappings use: gsub with lookahead, strptime/mktime, tostring, //', async () => {
    const leadTime =
      '(.created_at | sub("\\\\..*Z$"; "Z") | strptime("%Y-%m-%dT%H:%M:%SZ") | mktime) as $c | (.merged_at | strptime("%Y-%m-%dT%H:%M:%SZ") | mktime) as $m | ((($m - $c) / 3600) * 100 | floor) / 100';

    expect(await sut.first('.user.login | gsub("\\\\["; "-") | gsub("\\\\](?=[^$])"; "-") | gsub("\\\\]$"; "")', { user: { login: 'app[bot]' } })).toBe('app-bot');
    expect(await sut.first(leadTime, { created_at: '2026-01-01T00:00:00.000Z', merged_at: '2026-01-01T05:30:00Z' })).toBe(5.5);
    expect(await sut.first('.head.repo.name + (.id|tostring)', { head: { repo: { name: 'api' } }, id: 7 })).toBe('api7');
  });

  it('reports a runtime error for the one input that hit it, and carries on with the others', async () => {
    const outcomes = await sut.evaluate('.a + 1', [{ a: 1 }, { a: 'x' }, { a: 2 }]);

    expect(outcomes[0]).toEqual({ ok: true, outputs: [2] });
    expect(outcomes[1]).toEqual({ ok: false, error: 'string ("x") and number (1) cannot be added' });
    expect(outcomes[2]).toEqual({ ok: true, outputs: [3] });
  });

  it('checks a program without running it, and names the compile error', async () => {
    expect(await sut.check('.a | error("never raised at check time")')).toEqual({ ok: true });
    expect(await sut.check('.a |||')).toEqual({ ok: false, error: expect.stringMatching(/^syntax error, unexpected '\|'.* in: \.a \|\|\|$/) });
    expect(await sut.check('.a | no_such_function')).toEqual({ ok: false, error: expect.stringMatching(/no_such_function\/0 is not defined/) });
  });

  it('refuses a program that escapes the check and never finishes, rather than throwing', async () => {
    const escaping = '1)) else (def f: f; f) end | if true then ((1';

    expect(await sut.check(escaping)).toEqual({ ok: false, error: expect.stringMatching(/^the program runs when it should only compile .* did not finish within 1500 ms in: 1\)\) else/) });
    expect(await sut.check('.a')).toEqual({ ok: true });
  }, 15_000);

  it('sees an empty $ENV and env, and no other inputs of the batch', async () => {
    expect(await sut.first('[$ENV, env]', {})).toEqual([{}, {}]);
    const outcomes = await sut.evaluate('[inputs]', [{ a: 1 }, { a: 2 }]);
    expect(outcomes.every((outcome) => !outcome.ok && outcome.error === 'inputs is not available in mappings')).toBe(true);
  });

  it.each([
    ['unbounded recursion', 'def f: f; f'],
    ['a loop over 10^12 numbers', '[range(1e12)] | length'],
  ])('stops %s at the time limit and stays usable', async (_label, program) => {
    const started = Date.now();
    const [outcome] = await sut.evaluate(program, [{}], { timeoutMs: 300 });

    expect(outcome).toEqual({ ok: false, error: expect.stringMatching(/did not finish within 300 ms|stack|recursion|memory/) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await sut.first('.a', { a: 'still works' })).toBe('still works');
  });

  it('keeps other mappings flowing while a runaway program waits out its time limit', async () => {
    let runawayStopped = false;
    const runaway = sut.evaluate('def f: f; f', [{}], { timeoutMs: 2_000 }).then((outcomes) => {
      runawayStopped = true;
      return outcomes;
    });

    const others = await Promise.all(Array.from({ length: 10 }, (_, index) => sut.first('.n + 1', { n: index })));

    expect(others).toEqual(Array.from({ length: 10 }, (_, index) => index + 1));
    expect(runawayStopped).toBe(false);
    expect((await runaway)[0]).toMatchObject({ ok: false });
  });

  it('runs many calls at once across its workers', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => sut.first('.n * 2', { n: index })));
    expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index * 2));
  });
});

describe('JqEngine isolating the input that stops a call', () => {
  let sut: JqEngine;
  const workerCalls = jest.spyOn(Worker.prototype, 'postMessage');

  beforeAll(() => {
    sut = new JqEngine({ workers: 2, timeoutMs: 2_000 });
  });

  beforeEach(() => workerCalls.mockClear());

  afterAll(() => sut.close());

  const names = (count: number) => Array.from({ length: count }, (_, index) => ({ name: `service-${index}` }));

  it('maps a batch that nothing stops in one worker call', async () => {
    const outcomes = await sut.evaluate('.name', names(100));

    expect(outcomes).toEqual(names(100).map(({ name }) => ({ ok: true, outputs: [name] })));
    expect(workerCalls).toHaveBeenCalledTimes(1);
  });

  it('fails only the inputs that run forever or out of memory, each with its limit, and answers the other 98', async () => {
    const inputs = names(100);
    inputs[17] = { name: 'bad1' };
    inputs[62] = { name: 'bad2' };

    const outcomes = await sut.evaluate('if .name == "bad1" then (def f: f; f) elif .name == "bad2" then range(1e12) else .name end', inputs);

    expect(outcomes[17]).toEqual({ ok: false, error: 'the jq program did not finish within 2000 ms and was stopped' });
    // Whichever limit it reaches first: filling jq-wasm's memory takes a second or more, longer on a busy machine.
    expect(outcomes[62]).toEqual({ ok: false, error: expect.stringMatching(/^the jq program (ran out of memory \(the jq engine's limit is 256 MB\)|did not finish within 2000 ms) and was stopped$/) });
    const others = outcomes.filter((_, index) => index !== 17 && index !== 62);
    expect(others).toEqual(inputs.filter((_, index) => index !== 17 && index !== 62).map(({ name }) => ({ ok: true, outputs: [name] })));
    // The runaway ran once (in the batch), not again on its own.
    expect(workerCalls.mock.calls.filter(([task]) => JSON.stringify(task).includes('{\\"name\\":\\"bad1\\"}'))).toHaveLength(1);
  }, 15_000);

  it(`gives up the rest of a call once limits stopped ${MAX_STOPPED_INPUTS} of its inputs, rather than waiting out the limit for each`, async () => {
    const outcomes = await sut.evaluate('def f: f; f', Array.from({ length: MAX_STOPPED_INPUTS + 3 }, (_, n) => ({ n })), { timeoutMs: 300 });

    const stopped = 'the jq program did not finish within 300 ms and was stopped';
    expect(outcomes).toEqual([
      ...Array(MAX_STOPPED_INPUTS).fill({ ok: false, error: stopped }),
      ...Array(3).fill({ ok: false, error: `not tried: the jq program ran into a limit on ${MAX_STOPPED_INPUTS} other inputs of the same call (the last: ${stopped})` }),
    ]);
  }, 15_000);

  it('reports a memory runaway as a limit error, not an abort, and the next call works', async () => {
    // A time limit the memory runaway never reaches.
    const [outcome] = await sut.evaluate('[range(1e12)]', [{}], { timeoutMs: 60_000 });

    expect(outcome).toEqual({ ok: false, error: "the jq program ran out of memory (the jq engine's limit is 256 MB) and was stopped" });
    expect(await sut.first('.a', { a: 'still works' })).toBe('still works');
    expect(await sut.evaluate('.n * 2', [{ n: 1 }, { n: 2 }])).toEqual([
      { ok: true, outputs: [2] },
      { ok: true, outputs: [4] },
    ]);
  }, 15_000);

  it('refuses at check time a program whose constants need more memory than jq has', async () => {
    expect(await sut.check('"x" * 1e9')).toEqual({ ok: false, error: `the jq program ran out of memory (the jq engine's limit is 256 MB) and was stopped in: "x" * 1e9` });
    expect(await sut.check('.a')).toEqual({ ok: true });
  });

  it('fails only the input that halts jq (halt, halt_error) and answers the inputs before and after it', async () => {
    expect(await sut.evaluate('if .n == 2 then halt_error else .n end', [{ n: 1 }, { n: 2 }, { n: 3 }])).toEqual([
      { ok: true, outputs: [1] },
      { ok: false, error: 'the jq program exited with 5: {"n":2}' },
      { ok: true, outputs: [3] },
    ]);
    expect(await sut.evaluate('if .n == 1 then halt else .n end', [{ n: 1 }, { n: 2 }])).toEqual([
      { ok: false, error: 'the jq program halted' },
      { ok: true, outputs: [2] },
    ]);
  });

  it('applies the time limit to each input, so a batch of slow inputs may take longer than it as a whole', async () => {
    // Each input takes a tenth to a third of the limit (on a busy machine); the sixteen together take longer than it.
    const outcomes = await sut.evaluate('reduce range(.n) as $i (0; . + 1)', Array.from({ length: 16 }, () => ({ n: 250_000 })), { timeoutMs: 1_000 });

    expect(outcomes).toEqual(Array(16).fill({ ok: true, outputs: [250_000] }));
  }, 15_000);

  it('maps 1e1000, which jq 1.8 prints as 1E+1000, to the nearest double, as jq computes with it', async () => {
    expect(await sut.first('1e1000', null)).toBe(Number.MAX_VALUE);
    expect(await sut.first('[-1e1000, 1e1000 + 0, 1e-1000, "1e999"]', null)).toEqual([-Number.MAX_VALUE, Number.MAX_VALUE, 0, '1e999']);
  });
});
