import { MAX_BODY_DEPTH, unstorableRequestProblem } from './storable-request.middleware';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('unstorableRequestProblem', () => {
  it('accepts any Unicode text, surrogate pairs included, and bodies nested up to the limit', () => {
    expect(unstorableRequestProblem('/v1/blueprints/service/entities/a%2Fb', { title: '💥 Ünïcödé', properties: { tags: ['\ud83d\udca5'] } })).toBeUndefined();
    expect(unstorableRequestProblem('/v1/blueprints', nested(MAX_BODY_DEPTH))).toBeUndefined();
    expect(unstorableRequestProblem('/v1/blueprints', undefined)).toBeUndefined();
  });

  it('names a NUL character in the URL, in a value or in a key', () => {
    expect(unstorableRequestProblem('/v1/blueprints/%00', undefined)).toMatch(/^the URL has the NUL character \(%00\)/);
    expect(unstorableRequestProblem('/v1/x', { properties: { notes: ['ok', 'a\u0000b'] } })).toBe('body/properties/notes/1 has the NUL character (\\u0000), which the catalog cannot store');
    expect(unstorableRequestProblem('/v1/x', { properties: { 'a\u0000': 1 } })).toBe('body/properties has a key with the NUL character (\\u0000), which the catalog cannot store');
  });

  it.each([
    ['a high surrogate without its low one', 'a\ud800b', '\\ud800'],
    ['a low surrogate without its high one', '\udfffa', '\\udfff'],
    ['a high surrogate at the end', 'x\udbff', '\\udbff'],
  ])('names %s', (_label, text, shown) => {
    expect(unstorableRequestProblem('/v1/x', { title: text })).toBe(`body/title has a lone UTF-16 surrogate (${shown}), which is not Unicode text the catalog can store`);
  });

  it('refuses a body nested deeper than the limit, however deep', () => {
    expect(unstorableRequestProblem('/v1/x', nested(MAX_BODY_DEPTH + 1))).toMatch(/^body is nested more than 256 levels deep \(at body\/0\/0/);
    expect(unstorableRequestProblem('/v1/x', nested(200_000))).toMatch(/^body is nested more than 256 levels deep/);
  });
});
