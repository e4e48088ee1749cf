import { Connection, cursorAt } from './connection';

const items = Array.from({ length: 1_200 }, (_, index) => index + 1);

describe('Connection', () => {
  it('pages forward with after and backward with before, cursors pointing at items', () => {
    const first = new Connection(items, { first: 3 }, (item) => item);
    expect(first.nodes()).toEqual([1, 2, 3]);
    const second = new Connection(items, { first: 3, after: first.pageInfo.endCursor }, (item) => item);
    expect(second.nodes()).toEqual([4, 5, 6]);
    expect(new Connection(items, { last: 2, before: cursorAt(4) }, (item) => item).nodes()).toEqual([2, 3]);
    expect(second.edges()[0]).toEqual({ cursor: cursorAt(4), node: 4 });
  });

  it('stops pages at the reachable cap while the total count stays true', () => {
    const last = new Connection(items, { first: 100, after: cursorAt(950) }, (item) => item, { reachable: 1_000 });
    expect(last.nodes()).toHaveLength(50);
    expect(last.pageInfo.hasNextPage).toBe(false);
    expect(last.totalCount).toBe(1_200);
  });

  it('refuses a cursor it did not make, naming it', () => {
    expect(() => new Connection(items, { first: 1, after: 'bogus' }, (item) => item)).toThrow('`bogus` does not appear to be a valid cursor.');
  });
});
