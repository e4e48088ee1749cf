import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPOSITORY_ROOT } from './dockerfile';

const pages = [join(REPOSITORY_ROOT, 'README.md'), ...readdirSync(join(REPOSITORY_ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join(REPOSITORY_ROOT, 'docs', name))];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchorsOf = (markdown: string) =>
  new Set([...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map(([, heading]) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));

const links = pages.flatMap((page) =>
  [...readFileSync(page, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target]) => target)
    .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('../shared/') && !target.startsWith('../../shared/'))
    .map((target) => [relative(REPOSITORY_ROOT, page), target] as const),
);

describe('the operator docs', () => {
  it.each(links)('%s links to %s, which exists', (page, target) => {
    const [path, anchor] = target.split('#');
    const file = path === '' ? join(REPOSITORY_ROOT, page) : join(dirname(join(REPOSITORY_ROOT, page)), path);

    expect(existsSync(file)).toBe(true);
    if (anchor) expect([...anchorsOf(readFileSync(file, 'utf8'))]).toContain(anchor);
  });
});
