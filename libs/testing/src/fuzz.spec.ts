import fc from 'fast-check';
import { fuzzRuns, fuzzTarget } from './fuzz';

describe('fuzzTarget', () => {
  const budget = { seed: 42, runs: 50, timeoutMs: 10_000 };

  it('tries the CI count with the fixed seed and logs one line saying so', () => {
    const lines: string[] = [];
    const target = fuzzTarget('sums', budget, {}, (line) => lines.push(line));
    const seen: number[] = [];

    fc.assert(
      fc.property(fc.integer(), (value) => {
        seen.push(value);
      }),
      target.parameters(),
    );

    expect(seen).toHaveLength(50);
    expect(lines).toEqual(['fuzz sums: 50 inputs, seed 42']);
    expect(target.timeoutMs).toBe(10_000);
  });

  it('tries the same inputs on every run', () => {
    const inputsOfOneRun = () => {
      const seen: string[] = [];
      fc.assert(
        fc.property(fc.string(), (value) => {
          seen.push(value);
        }),
        fuzzTarget('strings', budget, {}, () => undefined).parameters(),
      );
      return seen;
    };

    expect(inputsOfOneRun()).toEqual(inputsOfOneRun());
  });

  it('takes a count or a multiple from FUZZ_RUNS, and stretches the test timeout with it', () => {
    expect(fuzzTarget('x', budget, { FUZZ_RUNS: '2000' }, () => undefined)).toMatchObject({ runs: 2_000, timeoutMs: 400_000 });
    expect(fuzzTarget('x', budget, { FUZZ_RUNS: '10x' }, () => undefined)).toMatchObject({ runs: 500, timeoutMs: 100_000 });
    expect(fuzzTarget('x', budget, { FUZZ_RUNS: '10' }, () => undefined)).toMatchObject({ runs: 10, timeoutMs: 10_000 });
  });

  it.each(['0', '-5', 'many', '1.5x', '0x'])('refuses FUZZ_RUNS=%s with a message that says what it expects', (value) => {
    expect(() => fuzzRuns(50, value)).toThrow(/FUZZ_RUNS must be a count of inputs per fuzz target \(e\.g\. 5000\) or a multiple of the CI counts \(e\.g\. 10x\)/);
  });

  it('fails with the shrunk counterexample, the error and how to replay it, after logging the count', () => {
    const lines: string[] = [];
    const target = fuzzTarget('small numbers', budget, {}, (line) => lines.push(line));

    const run = () =>
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1_000 }), (value) => {
          if (value >= 10) throw new RangeError(`too big: ${value}`);
        }),
        target.parameters(),
      );

    expect(run).toThrow(/fuzz small numbers failed after \d+ inputs \(seed 42, path "[\d:]+", shrunk \d+ times\)\ncounterexample: \[ 10 \]\nerror: RangeError: too big: 10/);
    expect(lines).toEqual([expect.stringMatching(/^fuzz small numbers: \d+ inputs, seed 42, FAILED$/)]);
  });

  it('counts an async input that does not settle within inputTimeoutMs as a failure', async () => {
    const target = fuzzTarget('never settles', { ...budget, runs: 3, inputTimeoutMs: 50 }, {}, () => undefined);

    await expect(fc.assert(fc.asyncProperty(fc.constant(null), () => new Promise<void>(() => undefined)), target.parameters())).rejects.toThrow(/timeout/i);
  });
});
