import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { REPOSITORY_ROOT } from './dockerfile';

/** Folders that hold no file of the repository's own. */
const NOT_OURS = new Set(['node_modules', 'dist', '.git', '.infra', '.nx', 'coverage', 'tmp']);

function filesUnder(folder: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    if (NOT_OURS.has(name)) return [];
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return filesUnder(path, keep);
    return keep(name) ? [path] : [];
  });
}

const isMarkdown = (name: string) => name.endsWith('.md');
const pages = [
  join(REPOSITORY_ROOT, 'README.md'),
  ...filesUnder(join(REPOSITORY_ROOT, 'docs'), isMarkdown),
  ...readdirSync(join(REPOSITORY_ROOT, 'apps')).map((app) => join(REPOSITORY_ROOT, 'apps', app, 'README.md')).filter((page) => existsSync(page)),
  ...filesUnder(join(REPOSITORY_ROOT, 'apps'), isMarkdown).filter((page) => !/^apps\/[^/]+\/README\.md$/.test(relative(REPOSITORY_ROOT, page).split(sep).join('/'))),
  ...filesUnder(join(REPOSITORY_ROOT, 'libs'), isMarkdown),
  ...filesUnder(join(REPOSITORY_ROOT, 'deploy'), isMarkdown),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchorsOf = (markdown: string) =>
  new Set([...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map(([, heading]) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));

/** The markdown without its fenced code blocks, where `[a](b)` is code, not a link. */
const withoutCode = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '');

const links = pages.flatMap((page) =>
  [...withoutCode(readFileSync(page, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target]) => target)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => [relative(REPOSITORY_ROOT, page), target] as const),
);

describe('the docs', () => {
  it('cover the README, docs/, and the READMEs of apps, libs and deploy', () => {
    const covered = pages.map((page) => relative(REPOSITORY_ROOT, page).split(sep).join('/'));

    expect(covered).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/architecture.md', 'apps/glint/README.md', 'libs/runtime/README.md']));
  });

  it.each(links)('%s links to %s, a file of the repository that exists', (page, target) => {
    const [path, anchor] = target.split('#');
    const file = path === '' ? join(REPOSITORY_ROOT, page) : join(dirname(join(REPOSITORY_ROOT, page)), decodeURI(path));
    const inRepository = relative(REPOSITORY_ROOT, file);

    expect({ target, leavesTheRepository: inRepository.startsWith('..') }).toEqual({ target, leavesTheRepository: false });
    expect({ target, exists: existsSync(file) }).toEqual({ target, exists: true });
    if (anchor) expect([...anchorsOf(readFileSync(file, 'utf8'))]).toContain(anchor);
  });
});

/** Text files of the repository: sources, tests, scripts, docs and deployment files. */
const TEXT_FILE = /\.(ts|js|mjs|cjs|json|md|ya?ml|sh|sql|html|css|txt)$|^(Dockerfile|\.env\.example|\.dockerignore)$/;
const ownFiles = [...filesUnder(REPOSITORY_ROOT, (name) => TEXT_FILE.test(name) && name !== 'package-lock.json')];

/** Documents that are not in the repository, which no reader of it can open; spelled in pieces so this file passes. */
const OUTSIDE_DOCUMENTS: ReadonlyArray<readonly [string, RegExp]> = [
  ['a path into a folder beside the repository', new RegExp(['\\.\\.', 'shared'].join('/'))],
  ['a numbered design note', new RegExp(['seed', '0\\d'].join('\\s+'), 'i')],
  ['a section of an outside architecture document', new RegExp(['ARCHITECTURE', '§'].join('\\s*'))],
  ['an outside facts document', new RegExp(['integration', 'facts'].join('-'), 'i')],
];

describe('the repository', () => {
  it('has source and doc files to check', () => {
    expect(ownFiles.length).toBeGreaterThan(100);
  });

  it.each(OUTSIDE_DOCUMENTS)('mentions no document outside it: %s', (_, pattern) => {
    const mentions = ownFiles.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (pattern.test(line) ? [`${relative(REPOSITORY_ROOT, file)}:${index + 1}: ${line.trim()}`] : [])),
    );

    expect(mentions).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  const architecture = readFileSync(join(REPOSITORY_ROOT, 'docs/architecture.md'), 'utf8');
  /** Each test file it names, with the test names quoted after it: `path` ("name", "name"). */
  const guards = [...architecture.matchAll(/`((?:apps|libs|deploy)\/[^`]+\.ts)`(?: \(([^)]*)\))?/g)].map(([, file, quoted]) => [file, [...(quoted ?? '').matchAll(/"([^"]+)"/g)].map(([, name]) => name)] as const);

  it('names the tests that guard the invariants', () => {
    expect(guards.length).toBeGreaterThan(20);
  });

  it.each(guards)('names %s, which exists and holds the tests quoted', (file, names) => {
    expect(existsSync(join(REPOSITORY_ROOT, file))).toBe(true);
    const source = readFileSync(join(REPOSITORY_ROOT, file), 'utf8').replace(/\\(['"])/g, '$1');
    for (const name of names) for (const part of name.split(/\s*…\s*/).filter(Boolean)) expect({ file, test: source.includes(part) ? part : `missing: ${part}` }).toEqual({ file, test: part });
  });
});
