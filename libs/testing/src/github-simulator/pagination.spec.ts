import { linkHeader, pageOf } from './pagination';

const items = Array.from({ length: 250 }, (_, i) => i);

describe('pageOf', () => {
  it.each([
    ['', 30, 1, 9],
    ['per_page=100', 100, 1, 3],
    ['per_page=1000', 100, 1, 3],
    ['per_page=0&page=0', 30, 1, 9],
    ['per_page=100&page=3', 100, 3, 3],
  ])('reads %s', (query, perPage, page, lastPage) => {
    const sut = pageOf(items, new URLSearchParams(query));
    expect(sut).toMatchObject({ perPage, page, lastPage });
  });

  it('returns the slice of the page and nothing past the end', () => {
    expect(pageOf(items, new URLSearchParams('per_page=100&page=3')).items).toEqual(items.slice(200));
    expect(pageOf(items, new URLSearchParams('per_page=100&page=4')).items).toEqual([]);
  });
});

describe('linkHeader', () => {
  const url = new URL('http://127.0.0.1:1234/api/v3/orgs/acme/repos?type=all&per_page=100&page=2');

  it('lists prev, next, last and first with the other query parameters kept', () => {
    const sut = linkHeader(url, pageOf(items, url.searchParams));
    expect(sut).toBe(
      [
        '<http://127.0.0.1:1234/api/v3/orgs/acme/repos?type=all&per_page=100&page=1>; rel="prev"',
        '<http://127.0.0.1:1234/api/v3/orgs/acme/repos?type=all&per_page=100&page=3>; rel="next"',
        '<http://127.0.0.1:1234/api/v3/orgs/acme/repos?type=all&per_page=100&page=3>; rel="last"',
        '<http://127.0.0.1:1234/api/v3/orgs/acme/repos?type=all&per_page=100&page=1>; rel="first"',
      ].join(', '),
    );
  });

  it('has no next on the last page and no header for a single page', () => {
    const last = new URL('http://h/api/v3/x?per_page=100&page=3');
    expect(linkHeader(last, pageOf(items, last.searchParams))).not.toContain('rel="next"');
    const single = new URL('http://h/api/v3/x');
    expect(linkHeader(single, pageOf([1, 2], single.searchParams))).toBeUndefined();
  });
});
