import { changedFiles, commitOnBranch, filesAtRef, lineDiff } from './repo-files';
import { RepoData, RepoRecord } from './state';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('repository files per ref', () => {
  const repo = { defaultBranch: 'main' } as RepoRecord;
  const repoData = (): RepoData =>
    ({ files: files({ 'README.md': '# a\n' }), commitFiles: new Map(), branches: [{ name: 'main', sha: 'a'.repeat(40), protection: null }], tags: [] }) as unknown as RepoData;

  it('keeps the default branch in place and older commits readable by sha', () => {
    const data = repoData();
    const main = data.branches[0];
    const changes = commitOnBranch(repo, data, main, 'b'.repeat(40), { 'README.md': '# b\n', 'new.txt': 'n' });

    expect(changes).toEqual({ added: ['new.txt'], modified: ['README.md'], removed: [] });
    expect(filesAtRef(repo, data, 'main')).toBe(data.files);
    expect(filesAtRef(repo, data, 'b'.repeat(40))?.get('README.md')).toBe('# b\n');
    expect(filesAtRef(repo, data, 'a'.repeat(40))?.get('README.md')).toBe('# a\n');
    expect(filesAtRef(repo, data, 'c'.repeat(40))).toBeUndefined();
  });

  it('gives a branch its own files once something is committed on it, leaving the default branch alone', () => {
    const data = repoData();
    const topic = { name: 'topic', sha: data.branches[0].sha, protection: null };
    data.branches.push(topic);
    expect(filesAtRef(repo, data, 'topic')).toBe(data.files);

    commitOnBranch(repo, data, topic, 'd'.repeat(40), { 'README.md': null });

    expect(filesAtRef(repo, data, 'refs/heads/topic')?.has('README.md')).toBe(false);
    expect(filesAtRef(repo, data, 'main')?.get('README.md')).toBe('# a\n');
  });
});

describe('changedFiles', () => {
  it('lists added, modified, removed and renamed (same text) files by name', () => {
    const before = files({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c', 'same.txt': 's' });
    const after = files({ 'a.txt': 'A', 'c2.txt': 'c', 'd.txt': 'd', 'same.txt': 's' });

    expect(changedFiles(before, after)).toEqual([
      { filename: 'a.txt', status: 'modified', before: 'a', after: 'A' },
      { filename: 'b.txt', status: 'removed', before: 'b' },
      { filename: 'c2.txt', status: 'renamed', previousFilename: 'c.txt', before: 'c', after: 'c' },
      { filename: 'd.txt', status: 'added', after: 'd' },
    ]);
  });
});

describe('lineDiff', () => {
  it('counts the lines a change adds and removes, with a one-hunk patch', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual({ additions: 2, deletions: 1, patch: '@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d' });
  });

  it('treats an added file as all additions and a removed one as all deletions', () => {
    expect(lineDiff(undefined, 'x\ny\n')).toEqual({ additions: 2, deletions: 0, patch: '@@ -0,0 +1,2 @@\n+x\n+y' });
    expect(lineDiff('x\n', undefined)).toEqual({ additions: 0, deletions: 1, patch: '@@ -1,1 +0,0 @@\n-x' });
  });

  it('has no patch when nothing changed', () => {
    expect(lineDiff('same\n', 'same\n')).toEqual({ additions: 0, deletions: 0, patch: undefined });
  });
});
