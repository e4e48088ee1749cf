import { JqEngine } from './jq-engine';

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
