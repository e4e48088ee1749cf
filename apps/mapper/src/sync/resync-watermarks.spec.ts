import { decideMode, mappingHash, type ResyncWatermark } from './resync-watermarks';

const DAY_MS = 24 * 60 * 60 * 1_000;
const LAST_FULL = Date.parse('2026-03-01T00:00:00Z');

const watermark: ResyncWatermark = { since: new Date(LAST_FULL + DAY_MS / 2).toISOString(), mappingHash: 'abc', lastFullAt: new Date(LAST_FULL).toISOString(), units: { full: 900 } };

describe('decideMode', () => {
  const nextFullAt = new Date(LAST_FULL + DAY_MS);

  it('is incremental for a scheduled resync with a watermark of the same mapping before the full interval elapsed', () => {
    expect(decideMode('auto', watermark, 'abc', new Date(LAST_FULL + DAY_MS - 1), DAY_MS)).toEqual({ mode: 'incremental', nextFullAt });
  });

  it.each([
    ['asked to be full', 'full', watermark, 'abc', LAST_FULL + 1, 'requested'],
    ['without a watermark', 'auto', undefined, 'abc', LAST_FULL + 1, 'no complete resync yet'],
    ['after the mapping changed', 'auto', watermark, 'def', LAST_FULL + 1, 'the mapping changed since the last complete resync'],
    ['once the full interval elapsed', 'auto', watermark, 'abc', LAST_FULL + DAY_MS, 'the full resync interval elapsed'],
  ] as const)('is full %s', (_case, requested, given, hash, now, why) => {
    expect(decideMode(requested, given, hash, new Date(now), DAY_MS)).toMatchObject({ mode: 'full', why });
  });
});

describe('mappingHash', () => {
  it('is the same for equal mappings and differs when a selector changes', () => {
    const mapping = { resources: [{ kind: 'pull-request', selector: { query: 'true', states: ['open'] } }] };
    expect(mappingHash(mapping)).toBe(mappingHash(JSON.parse(JSON.stringify(mapping))));
    expect(mappingHash(mapping)).not.toBe(mappingHash({ resources: [{ kind: 'pull-request', selector: { query: 'true', states: ['open', 'closed'] } }] }));
  });
});
