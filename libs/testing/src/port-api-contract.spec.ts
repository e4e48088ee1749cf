import { PortApiContract } from './port-api-contract';

const contract = PortApiContract.load();
const bulk = 'https://x/v1/blueprints/service/entities/bulk';

describe('PortApiContract', () => {
  it('accepts a documented bulk upsert', () => {
    expect(contract.requestProblems('POST', `${bulk}?upsert=true&merge=true`, { entities: [{ identifier: 'a', properties: {} }] })).toEqual([]);
  });

  it('reports a missing required query parameter, a non-boolean flag and a body over the schema', () => {
    const problems = contract.requestProblems('POST', `${bulk}?merge=yes`, { entities: Array.from({ length: 21 }, (_, n) => ({ identifier: `e${n}` })) });

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('required query parameter upsert is missing'),
        expect.stringContaining('query merge=yes is not a boolean'),
        expect.stringMatching(/\/entities must NOT have more than 20 items/),
      ]),
    );
  });

  it('reports unknown paths and undocumented statuses', () => {
    expect(contract.requestProblems('POST', 'https://x/v1/nope', {})).toEqual([expect.stringContaining('no such path')]);
    expect(contract.responseProblems('POST', bulk, 418, {})).toEqual([expect.stringContaining('status 418 is not among the documented')]);
  });

  it('checks a 207 answer shape', () => {
    expect(contract.responseProblems('POST', bulk, 207, { ok: true, entities: [], errors: [{ identifier: 'a', index: 0, statusCode: 422, error: 'e', message: 'm' }] })).toEqual([]);
    expect(contract.responseProblems('POST', bulk, 207, { ok: true, entities: [] })).toEqual([expect.stringContaining("must have required property 'errors'")]);
  });

  it('prefers literal path segments over parameters', () => {
    expect(contract.templateOf('/v1/actions/runs')).toBe('/v1/actions/runs');
    expect(contract.templateOf('/v1/actions/runs/r_1/logs')).toBe('/v1/actions/runs/{run_id}/logs');
  });
});
