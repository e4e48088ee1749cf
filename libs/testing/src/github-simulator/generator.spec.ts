import { generateState } from './generator';
import { resolveOptions } from './options';

const anchor = new Date('2026-03-01T00:00:00Z');

function generate(seed: number, reposPerOrg = 10, organizations = 2) {
  return generateState(resolveOptions({ seed, reposPerOrg, organizations, dataAnchor: anchor }, Date.now()));
}

describe('generateState', () => {
  it('is deterministic for a seed, whatever order repositories are first visited in', () => {
    const a = generate(9);
    const b = generate(9);
    expect(JSON.stringify(a.organizations)).toBe(JSON.stringify(b.organizations));
    const reposA = a.organizations.flatMap((org) => org.repos);
    const reposB = [...b.organizations.flatMap((org) => org.repos)].reverse();
    const dataB = new Map(reposB.map((repo) => [repo.id, JSON.stringify({ ...b.repoData(repo), files: [...b.repoData(repo).files] })]));
    for (const repo of reposA) expect(JSON.stringify({ ...a.repoData(repo), files: [...a.repoData(repo).files] })).toBe(dataB.get(repo.id));
    expect(JSON.stringify(generate(10).organizations)).not.toBe(JSON.stringify(a.organizations));
  });

  it('creates one installation, a sorted repository list and an .github-private repository per organization', () => {
    const sut = generate(1, 6, 3);
    expect(sut.installations.map((installation) => installation.orgLogin)).toEqual(sut.organizations.map((org) => org.login));
    for (const org of sut.organizations) {
      const names = org.repos.map((repo) => repo.fullName);
      expect(names).toEqual([...names].sort());
      expect(names).toHaveLength(7);
      const config = sut.repo(org.login, '.github-private');
      expect(config && sut.repoData(config).files.has('.github/port-app-config.yml')).toBe(true);
    }
  });

  it('spreads pull requests and issues over the last 120 days with one number sequence', () => {
    const sut = generate(2, 40, 1);
    const oldest = new Date(anchor.getTime() - 120 * 86_400_000).toISOString();
    for (const repo of sut.organizations[0].repos.filter((candidate) => candidate.name !== '.github-private')) {
      const data = sut.repoData(repo);
      const numbers = [...data.pulls.map((pull) => pull.number), ...data.issues.map((issue) => issue.number)].sort((x, y) => x - y);
      expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (const item of [...data.pulls, ...data.issues]) {
        expect(item.createdAt >= oldest && item.createdAt <= anchor.toISOString()).toBe(true);
        expect(item.updatedAt >= item.createdAt).toBe(true);
        if (item.closedAt) expect(item.closedAt >= item.createdAt).toBe(true);
      }
      for (const pull of data.pulls) expect(pull.mergedAt === null || pull.state === 'closed').toBe(true);
    }
  });

  it('generates 10,000 repositories without generating their contents up front', () => {
    const sut = generate(3, 10_000, 1);
    expect(sut.organizations[0].repos).toHaveLength(10_001);
    expect(sut.reposById.size).toBe(10_001);
    const ids = new Set(sut.organizations[0].repos.map((repo) => repo.id));
    expect(ids.size).toBe(10_001);
  });
});
