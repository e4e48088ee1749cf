import { parseCatalogChange } from './catalog-change';

describe('parseCatalogChange', () => {
  it("reads the triggers' notifications", () => {
    expect(parseCatalogChange('{"kind":"entities","op":"update","blueprint":"service","count":2,"identifiers":["a","b"]}')).toEqual({ kind: 'entities', op: 'update', blueprint: 'service', count: 2, identifiers: ['a', 'b'] });
    expect(parseCatalogChange('{"kind":"blueprint","op":"delete","blueprint":"team"}')).toEqual({ kind: 'blueprint', op: 'delete', blueprint: 'team' });
  });

  it('drops identifiers that are not all strings', () => {
    expect(parseCatalogChange('{"kind":"entities","op":"insert","blueprint":"s","count":1,"identifiers":[1]}')).toEqual({ kind: 'entities', op: 'insert', blueprint: 's', count: 1 });
  });

  it.each([[undefined], ['not json'], ['"text"'], ['{"kind":"entities","op":"truncate","blueprint":"s"}'], ['{"kind":"entities","op":"insert"}']])('ignores %j', (payload) => {
    expect(parseCatalogChange(payload)).toBeUndefined();
  });
});
