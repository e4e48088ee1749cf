import { groupKeyOf, scanForIdentity } from './group-key';

const repository = { id: 100, full_name: 'acme/api' };
const otherRepository = { id: 200, full_name: 'acme/web' };
const installation = { id: 7 };
const sender = { id: 1, login: 'octocat' };

describe('groupKeyOf', () => {
  it.each([
    ['pull_request', { number: 5, pull_request: { id: 555, number: 5 } }, 'repo-100/pr-5'],
    ['pull_request_review', { review: { id: 9 }, pull_request: { id: 555, number: 5 } }, 'repo-100/pr-5'],
    ['pull_request_review_comment', { comment: { id: 9 }, pull_request: { number: 5 } }, 'repo-100/pr-5'],
    ['issues', { issue: { id: 444, number: 4 } }, 'repo-100/issue-4'],
    ['issue_comment', { comment: { id: 3 }, issue: { number: 4 } }, 'repo-100/issue-4'],
    ['push', { before: 'aaa', after: 'bbb', ref: 'refs/heads/main' }, 'repo-100/sha-bbb'],
    ['status', { id: 77, sha: 'ccc', state: 'success' }, 'repo-100/sha-ccc'],
    ['release', { release: { id: 31, tag_name: 'v1' } }, 'repo-100/release-31'],
    ['workflow_run', { workflow_run: { id: 999, run_number: 3 } }, 'repo-100/run-999'],
  ])('groups %s events by what they are about, within their repository', (event, payload, expected) => {
    expect(groupKeyOf(event, { ...payload, repository, installation, sender })).toBe(expected);
  });

  it('keeps PR #5 of two repositories in different groups', () => {
    const pr = { pull_request: { number: 5 }, installation, sender };

    expect(groupKeyOf('pull_request', { ...pr, repository })).not.toBe(groupKeyOf('pull_request', { ...pr, repository: otherRepository }));
  });

  it('puts a review and the PR it belongs to in the same group', () => {
    expect(groupKeyOf('pull_request_review', { pull_request: { number: 5 }, repository })).toBe(
      groupKeyOf('pull_request', { number: 5, pull_request: { number: 5 }, repository }),
    );
  });

  it('falls back to the scan for other events', () => {
    expect(groupKeyOf('deployment_status', { deployment_status: { id: 12 }, deployment: { id: 11 }, repository, sender })).toBe(
      'repo-100/deployment_status.id-12',
    );
    expect(groupKeyOf('dependabot_alert', { alert: { number: 3, security_advisory: { ghsa_id: 'x' } }, repository })).toBe(
      'repo-100/alert.number-3',
    );
  });

  it('falls back to the repository when the payload has nothing else to key on', () => {
    expect(groupKeyOf('create', { ref: 'feature', ref_type: 'branch', repository, sender, installation })).toBe('repo-100');
  });

  it('scopes events without a repository by installation, then organization', () => {
    expect(groupKeyOf('membership', { team: { id: 5 }, member: { id: 6 }, installation, organization: { id: 8 } })).toBe(
      'installation-7/team.id-5',
    );
    expect(groupKeyOf('organization', { action: 'member_added', organization: { id: 8 }, sender })).toBe('org-8');
    expect(groupKeyOf('meta', { hook_id: 1 })).toBe('unscoped');
  });

  it('uses the fallback when an explicit event lacks its field', () => {
    expect(groupKeyOf('release', { action: 'created', repository })).toBe('repo-100');
  });

  it('groups events named like Object.prototype members by the fallback scan', () => {
    expect(groupKeyOf('valueOf', {})).toBe('unscoped');
    expect(groupKeyOf('constructor', { thing: { id: 4 }, repository })).toBe('repo-100/thing.id-4');
  });
});

describe('scanForIdentity', () => {
  it('looks at the payload itself before nested objects', () => {
    expect(scanForIdentity({ id: 1, thing: { id: 2 } })).toEqual({ kind: 'id', value: 1 });
  });

  it('prefers number, then id, then sha within one object', () => {
    expect(scanForIdentity({ alert: { sha: 'x', id: 2, number: 3 } })).toEqual({ kind: 'alert.number', value: 3 });
    expect(scanForIdentity({ commit: { sha: 'abc' } })).toEqual({ kind: 'commit.sha', value: 'abc' });
  });

  it('goes breadth first, in payload key order', () => {
    expect(scanForIdentity({ a: { deep: { id: 1 } }, b: { id: 2 } })).toEqual({ kind: 'b.id', value: 2 });
    expect(scanForIdentity({ first: { id: 1 }, second: { id: 2 } })).toEqual({ kind: 'first.id', value: 1 });
  });

  it('never enters sender, installation, organization, enterprise or repository, nor arrays', () => {
    expect(
      scanForIdentity({
        sender: { id: 1 },
        installation: { id: 2 },
        organization: { id: 3 },
        enterprise: { id: 4 },
        repository: { id: 5 },
        items: [{ id: 6 }],
      }),
    ).toBeUndefined();
  });

  it('ignores empty strings, nulls and booleans', () => {
    expect(scanForIdentity({ id: null, sha: '', number: true, x: { id: 9 } })).toEqual({ kind: 'x.id', value: 9 });
  });
});
