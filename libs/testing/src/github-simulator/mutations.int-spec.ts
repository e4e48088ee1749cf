import { GithubSimulator } from './index';
import { call, expectExampleShape, Item } from './test-helpers.spec-helper';
import { ReceivedWebhook, WebhookReceiver } from './webhooks/receiver';

describe('GithubSimulator mutations', () => {
  let sim: GithubSimulator;
  let receiver: WebhookReceiver;
  let pat: string;
  let repo: string;

  const get = async <T = Item>(path: string): Promise<T> => {
    const answer = await call(sim, path, pat);
    expect(answer.status).toBe(200);
    return answer.json<T>();
  };
  /** Everything sent by `mutate`, as `event.action` (or `event`). */
  const sent = async (mutate: () => unknown): Promise<ReceivedWebhook[]> => {
    await sim.webhooksIdle();
    receiver.clear();
    mutate();
    await sim.webhooksIdle();
    return [...receiver.received];
  };
  const names = (hooks: ReceivedWebhook[]): string[] => hooks.map((hook) => (hook.action ? `${hook.event}.${hook.action}` : hook.event));

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    sim = await GithubSimulator.start({ seed: 4, reposPerOrg: 2, webhook: { url: receiver.url, secret: receiver.secret } });
    pat = `token ${sim.createPersonalAccessToken()}`;
    repo = sim.state.organization('acme')?.repos.find((candidate) => candidate.name !== '.github-private')?.name ?? '';
  });
  afterEach(async () => {
    await sim.webhooksIdle();
    await sim.close();
    await receiver.close();
  });

  it('opens, edits, closes and merges pull requests', async () => {
    const opened = await sent(() => sim.openPullRequest('acme', repo, { title: 'Feature', head: 'feature/x' }));
    expect(names(opened)).toEqual(['pull_request.opened']);
    expectExampleShape(opened[0].payload, 'pull_request', 'opened');
    const number = opened[0].payload.number as number;
    expect(await get(`/repos/acme/${repo}/pulls/${number}`)).toMatchObject({ title: 'Feature', state: 'open', head: { ref: 'feature/x' } });
    expect(opened.every((hook) => hook.signatureValid)).toBe(true);

    const edited = await sent(() => sim.editPullRequest('acme', repo, number, { title: 'Better feature' }));
    expect(names(edited)).toEqual(['pull_request.edited']);
    expect(edited[0].payload.changes).toEqual({ title: { from: 'Feature' } });
    expect(await get(`/repos/acme/${repo}/pulls/${number}`)).toMatchObject({ title: 'Better feature' });

    const closed = await sent(() => sim.closePullRequest('acme', repo, number));
    expect(names(closed)).toEqual(['pull_request.closed']);
    expect(closed[0].payload.pull_request).toMatchObject({ state: 'closed', merged: false });
    expectExampleShape(closed[0].payload, 'pull_request', 'closed');

    const other = sim.openPullRequest('acme', repo, { title: 'To merge' });
    const mainBefore = await get<Item>(`/repos/acme/${repo}/branches/main`);
    const merged = await sent(() => sim.mergePullRequest('acme', repo, other.number));
    expect(names(merged)).toEqual(['pull_request.closed', 'push']);
    expect(merged[0].payload.pull_request).toMatchObject({ merged: true, merge_commit_sha: other.mergeCommitSha });
    expect(merged[1].payload).toMatchObject({ ref: 'refs/heads/main', before: (mainBefore.commit as Item).sha, after: other.mergeCommitSha });
    expect(await get(`/repos/acme/${repo}/branches/main`)).toMatchObject({ commit: { sha: other.mergeCommitSha } });
    expect((await get<Item[]>(`/repos/acme/${repo}/pulls?state=closed&per_page=100`)).some((pull) => pull.number === other.number && pull.merged_at !== null)).toBe(true);
  });

  it('pushes files: the push payload lists added, modified and removed paths, and the contents API follows', async () => {
    const [push] = await sent(() => sim.push('acme', repo, { branch: 'main', files: { 'src/new.ts': 'export {};\n', 'README.md': '# changed\n' } }));
    expectExampleShape(push.payload, 'push');
    expect(push.payload).toMatchObject({ ref: 'refs/heads/main', created: false, deleted: false, forced: false, head_commit: { added: ['src/new.ts'], modified: ['README.md'], removed: [] } });
    expect(push.payload.commits).toHaveLength(1);
    expect(push.payload.before).not.toBe(push.payload.after);
    const file = await get<{ content: string }>(`/repos/acme/${repo}/contents/src/new.ts`);
    expect(Buffer.from(file.content, 'base64').toString('utf8')).toBe('export {};\n');
    expect(await get(`/repos/acme/${repo}/branches/main`)).toMatchObject({ commit: { sha: push.payload.after } });

    const [removal] = await sent(() => sim.push('acme', repo, { branch: 'main', files: { 'src/new.ts': null } }));
    expect(removal.payload).toMatchObject({ before: push.payload.after, head_commit: { removed: ['src/new.ts'], added: [] } });
    expect((await call(sim, `/repos/acme/${repo}/contents/src/new.ts`, pat)).status).toBe(404);
    const tree = await get<{ tree: Item[] }>(`/repos/acme/${repo}/git/trees/main?recursive=1`);
    expect(tree.tree.some((entry) => entry.path === 'src/new.ts')).toBe(false);

    const newBranch = await sent(() => sim.push('acme', repo, { branch: 'topic', files: { 'a.txt': 'a' } }));
    expect(names(newBranch)).toEqual(['create', 'push']);
    expect(newBranch[1].payload).toMatchObject({ created: true, before: '0000000000000000000000000000000000000000' });
  });

  it('opens a pull request that changes files on its own branch: the files route lists them and contents differ per ref', async () => {
    const text = async (path: string, ref?: string): Promise<string | number> => {
      const answer = await call(sim, `/repos/acme/${repo}/contents/${path}${ref ? `?ref=${ref}` : ''}`, pat);
      return answer.status === 200 ? Buffer.from(answer.json<{ content: string }>().content, 'base64').toString('utf8') : answer.status;
    };
    const readmeBefore = await text('README.md');
    const opened = await sent(() => sim.openPullRequest('acme', repo, { title: 'Config', head: 'config', files: { 'port.yml': 'identifier: api\nblueprint: service\n', 'README.md': '# new\n', 'docs/old.md': null } }));
    expect(names(opened)).toEqual(['create', 'push', 'pull_request.opened']);
    const pull = opened[2].payload.pull_request as Item;
    const head = (pull.head as Item).sha as string;
    expect(opened[1].payload).toMatchObject({ after: head, head_commit: { added: ['port.yml'], modified: ['README.md'], removed: [] } });
    expect(pull).toMatchObject({ changed_files: 2, additions: 3, deletions: 3 });

    const files = await get<Item[]>(`/repos/acme/${repo}/pulls/${String(pull.number)}/files`);
    expect(files).toEqual([
      expect.objectContaining({ filename: 'README.md', status: 'modified', additions: 1, deletions: 3, changes: 4, patch: expect.stringMatching(/^@@ -1,\d+ \+1,1 @@\n-/) }),
      expect.objectContaining({ filename: 'port.yml', status: 'added', additions: 2, deletions: 0, changes: 2, patch: '@@ -0,0 +1,2 @@\n+identifier: api\n+blueprint: service', contents_url: `${sim.apiUrl}/repos/acme/${repo}/contents/port.yml?ref=${head}` }),
    ]);
    expect(await text('port.yml', head)).toBe('identifier: api\nblueprint: service\n');
    expect(await text('port.yml', 'config')).toBe('identifier: api\nblueprint: service\n');
    expect(await text('port.yml')).toBe(404);
    expect(await text('README.md', 'main')).toBe(readmeBefore);

    const synchronized = await sent(() => sim.push('acme', repo, { branch: 'config', files: { 'port.yml': null, 'services/port.yml': 'identifier: api\nblueprint: service\n' } }));
    expect(names(synchronized)).toEqual(['push', 'pull_request.synchronize']);
    expectExampleShape(synchronized[1].payload, 'pull_request', 'synchronize');
    const after = synchronized[0].payload.after as string;
    expect(synchronized[1].payload).toMatchObject({ before: head, after, pull_request: { head: { sha: after } } });
    expect((await get<Item[]>(`/repos/acme/${repo}/pulls/${String(pull.number)}/files`)).map((file) => [file.filename, file.status, file.previous_filename])).toEqual([
      ['README.md', 'modified', undefined],
      ['services/port.yml', 'added', undefined],
    ]);
    expect(await text('port.yml', head)).toBe('identifier: api\nblueprint: service\n');
    expect(await text('port.yml', after)).toBe(404);

    const merged = await sent(() => sim.mergePullRequest('acme', repo, pull.number as number));
    expect(merged[1].payload).toMatchObject({ ref: 'refs/heads/main', head_commit: { added: ['services/port.yml'], modified: ['README.md'] } });
    expect(await text('services/port.yml')).toBe('identifier: api\nblueprint: service\n');
    expect(await text('README.md', merged[1].payload.before as string)).toBe(readmeBefore);
  });

  it('lists a renamed file once, with its previous name', async () => {
    sim.push('acme', repo, { branch: 'main', files: { 'old/port.yml': 'identifier: x\nblueprint: y\n' } });
    const pull = sim.openPullRequest('acme', repo, { files: { 'old/port.yml': null, 'new/port.yml': 'identifier: x\nblueprint: y\n' } });
    expect(await get<Item[]>(`/repos/acme/${repo}/pulls/${pull.number}/files`)).toEqual([expect.objectContaining({ filename: 'new/port.yml', status: 'renamed', previous_filename: 'old/port.yml', changes: 0 })]);
    expect((await call(sim, `/repos/acme/${repo}/pulls/999/files`, pat)).status).toBe(404);
  });

  it('creates and deletes branches and tags, and creates and deletes releases', async () => {
    const created = await sent(() => sim.createBranch('acme', repo, { name: 'release/2.x' }));
    expect(names(created)).toEqual(['create', 'push']);
    expectExampleShape(created[0].payload, 'create');
    expect(created[0].payload).toMatchObject({ ref: 'release/2.x', ref_type: 'branch', master_branch: 'main' });
    expect((await get<Item[]>(`/repos/acme/${repo}/branches?per_page=100`)).some((branch) => branch.name === 'release/2.x')).toBe(true);

    const deleted = await sent(() => sim.deleteBranch('acme', repo, 'release/2.x'));
    expect(names(deleted)).toEqual(['delete', 'push']);
    expectExampleShape(deleted[0].payload, 'delete');
    expect(deleted[1].payload).toMatchObject({ deleted: true, after: '0000000000000000000000000000000000000000' });
    expect((await call(sim, `/repos/acme/${repo}/branches/release%2F2.x`, pat)).status).toBe(404);
    expect(() => sim.deleteBranch('acme', repo, 'main')).toThrow(/default branch/);

    const tag = await sent(() => sim.createTag('acme', repo, { name: 'v9.0.0' }));
    expect(names(tag)).toEqual(['create', 'push']);
    expect(tag[0].payload).toMatchObject({ ref: 'v9.0.0', ref_type: 'tag' });
    expect(await get(`/repos/acme/${repo}/git/refs/tags/v9.0.0`)).toMatchObject({ ref: 'refs/tags/v9.0.0' });

    const release = await sent(() => sim.createRelease('acme', repo, { tagName: 'v9.1.0', name: 'Nine one' }));
    expect(names(release)).toEqual(['create', 'push', 'release.created', 'release.published', 'release.released']);
    expectExampleShape(release[2].payload, 'release', 'created');
    const id = (release[2].payload.release as Item).id as number;
    expect(await get(`/repos/acme/${repo}/releases/latest`)).toMatchObject({ id, tag_name: 'v9.1.0', name: 'Nine one' });

    const removed = await sent(() => sim.deleteRelease('acme', repo, id));
    expect(names(removed)).toEqual(['release.deleted']);
    expect((await call(sim, `/repos/acme/${repo}/releases/${id}`, pat)).status).toBe(404);
  });

  it('opens, labels, closes and deletes issues', async () => {
    const [opened] = await sent(() => sim.openIssue('acme', repo, { title: 'Broken', labels: ['bug'] }));
    expect(opened.event).toBe('issues');
    expectExampleShape(opened.payload, 'issues', 'opened');
    const number = (opened.payload.issue as Item).number as number;
    expect(await get(`/repos/acme/${repo}/issues/${number}`)).toMatchObject({ title: 'Broken', state: 'open', labels: [{ name: 'bug' }] });

    const [labeled] = await sent(() => sim.labelIssue('acme', repo, number, 'urgent'));
    expect(labeled.payload).toMatchObject({ action: 'labeled', label: { name: 'urgent' } });
    expectExampleShape(labeled.payload, 'issues', 'labeled');
    const [closed] = await sent(() => sim.closeIssue('acme', repo, number, { reason: 'not_planned' }));
    expect(closed.payload).toMatchObject({ action: 'closed', issue: { state: 'closed', state_reason: 'not_planned' } });
    expect(await get(`/repos/acme/${repo}/issues/${number}`)).toMatchObject({ state: 'closed', labels: [{ name: 'bug' }, { name: 'urgent' }] });

    const [deleted] = await sent(() => sim.deleteIssue('acme', repo, number));
    expect(deleted.payload).toMatchObject({ action: 'deleted', issue: { number } });
    expect((await call(sim, `/repos/acme/${repo}/issues/${number}`, pat)).status).toBe(404);

    const pull = sim.openPullRequest('acme', repo, {});
    const [pullLabeled] = await sent(() => sim.labelIssue('acme', repo, pull.number, 'bug'));
    expect(pullLabeled).toMatchObject({ event: 'pull_request', action: 'labeled' });
  });

  it('creates, archives, unarchives, renames and deletes repositories', async () => {
    const [created] = await sent(() => sim.createRepository('acme', { name: 'brand-new', visibility: 'public' }));
    expectExampleShape(created.payload, 'repository', 'created');
    expect(created.payload).toMatchObject({ action: 'created', repository: { full_name: 'acme/brand-new', private: false } });
    expect(await get('/repos/acme/brand-new')).toMatchObject({ name: 'brand-new', archived: false });
    expect((await get<Item[]>('/orgs/acme/repos?per_page=100')).some((candidate) => candidate.name === 'brand-new')).toBe(true);
    expect(await get<Item[]>('/repos/acme/brand-new/pulls')).toEqual([]);

    expect((await sent(() => sim.archiveRepository('acme', 'brand-new')))[0].payload).toMatchObject({ action: 'archived', repository: { archived: true } });
    expect(await get('/repos/acme/brand-new')).toMatchObject({ archived: true });
    expect((await sent(() => sim.unarchiveRepository('acme', 'brand-new')))[0].payload).toMatchObject({ action: 'unarchived', repository: { archived: false } });

    const [renamed] = await sent(() => sim.renameRepository('acme', 'brand-new', 'renamed'));
    expectExampleShape(renamed.payload, 'repository', 'renamed');
    expect(renamed.payload).toMatchObject({ action: 'renamed', changes: { repository: { name: { from: 'brand-new' } } }, repository: { full_name: 'acme/renamed' } });
    expect((await call(sim, '/repos/acme/brand-new', pat)).status).toBe(404);
    const id = (await get<Item>('/repos/acme/renamed')).id;

    const [deleted] = await sent(() => sim.deleteRepository('acme', 'renamed'));
    expect(deleted.payload).toMatchObject({ action: 'deleted', repository: { id } });
    expect((await call(sim, '/repos/acme/renamed', pat)).status).toBe(404);
    expect((await call(sim, `/repositories/${String(id)}`, pat)).status).toBe(404);
  });

  it('adds and removes members (with team memberships), and creates and deletes teams', async () => {
    const [team] = await sent(() => sim.createTeam('acme', { name: 'Site Reliability' }));
    expectExampleShape(team.payload, 'team', 'created');
    expect(team.payload).toMatchObject({ action: 'created', team: { slug: 'site-reliability', name: 'Site Reliability' } });
    expect(await get('/orgs/acme/teams/site-reliability')).toMatchObject({ members_count: 0 });

    const added = await sent(() => sim.addMember('acme', 'newcomer', { teams: ['site-reliability'] }));
    expect(names(added)).toEqual(['organization.member_added', 'membership.added']);
    expectExampleShape(added[0].payload, 'organization', 'member_added');
    expectExampleShape(added[1].payload, 'membership', 'added');
    expect(added[0].payload).toMatchObject({ membership: { user: { login: 'newcomer' }, role: 'member' } });
    expect(added[1].payload).toMatchObject({ scope: 'team', member: { login: 'newcomer' }, team: { slug: 'site-reliability' } });
    expect((await get<Item[]>('/orgs/acme/members?per_page=100')).map((member) => member.login)).toContain('newcomer');
    expect((await get<Item[]>('/orgs/acme/teams/site-reliability/members')).map((member) => member.login)).toEqual(['newcomer']);

    const removed = await sent(() => sim.removeMember('acme', 'newcomer'));
    expect(names(removed)).toEqual(['membership.removed', 'organization.member_removed']);
    expect((await get<Item[]>('/orgs/acme/members?per_page=100')).map((member) => member.login)).not.toContain('newcomer');
    expect(await get<Item[]>('/orgs/acme/teams/site-reliability/members')).toEqual([]);

    const [deleted] = await sent(() => sim.deleteTeam('acme', 'site-reliability'));
    expect(deleted.payload).toMatchObject({ action: 'deleted', team: { slug: 'site-reliability' } });
    expect((await call(sim, '/orgs/acme/teams/site-reliability', pat)).status).toBe(404);
  });

  it('creates deployments (and the environment they name) and deployment statuses, which move the deployment\'s updated_at', async () => {
    const [created] = await sent(() => sim.createDeployment('acme', repo, { environment: 'preview-1', task: 'deploy:migrations' }));
    expect(created.event).toBe('deployment');
    expectExampleShape(created.payload, 'deployment', 'created');
    const deployment = created.payload.deployment as Item;
    const head = (await get<Item>(`/repos/acme/${repo}/branches/main`)).commit as Item;
    expect(deployment).toMatchObject({ ref: 'main', sha: head.sha, environment: 'preview-1', task: 'deploy:migrations' });
    expect(await get(`/repos/acme/${repo}/deployments/${String(deployment.id)}`)).toEqual(deployment);
    expect((await get<Item[]>(`/repos/acme/${repo}/deployments?environment=preview-1`)).map((candidate) => candidate.id)).toEqual([deployment.id]);
    expect(await get(`/repos/acme/${repo}/environments/preview-1`)).toMatchObject({ name: 'preview-1' });
    expect(() => sim.createDeployment('acme', repo, { ref: 'no-such-ref' })).toThrow(/No branch or tag no-such-ref/);

    sim.advanceClock(60_000);
    const [status] = await sent(() => sim.createDeploymentStatus('acme', repo, deployment.id as number, { state: 'success' }));
    expect(status.event).toBe('deployment_status');
    expectExampleShape(status.payload, 'deployment_status', 'created');
    const statusObject = status.payload.deployment_status as Item;
    expect(statusObject).toMatchObject({ state: 'success', environment: 'preview-1' });
    expect(status.payload.deployment).toMatchObject({ id: deployment.id, updated_at: statusObject.created_at });
    expect(statusObject.created_at).not.toBe(deployment.updated_at);
    expect(await get(`/repos/acme/${repo}/deployments/${String(deployment.id)}`)).toMatchObject({ updated_at: statusObject.created_at });
    expect(await get<Item[]>(`/repos/acme/${repo}/deployments/${String(deployment.id)}/statuses`)).toEqual([statusObject]);
  });

  it('opens, dismisses, fixes and reopens Dependabot alerts, each webhook carrying the alert as the REST API shows it', async () => {
    const alerts = (state: string): Promise<Item[]> => get<Item[]>(`/repos/acme/${repo}/dependabot/alerts?state=${state}&per_page=100`);
    const [created] = await sent(() => sim.createDependabotAlert('acme', repo, { packageName: 'axios', severity: 'critical' }));
    expect(created.event).toBe('dependabot_alert');
    expectExampleShape(created.payload, 'dependabot_alert', 'created');
    const number = (created.payload.alert as Item).number as number;
    expect(created.payload.alert).toEqual(await get(`/repos/acme/${repo}/dependabot/alerts/${number}`));
    expect(created.payload.alert).toMatchObject({ state: 'open', dependency: { package: { name: 'axios' } }, security_advisory: { severity: 'critical' } });
    expect((await alerts('open')).map((alert) => alert.number)).toContain(number);

    const [dismissed] = await sent(() => sim.dismissDependabotAlert('acme', repo, number));
    expect(dismissed.payload).toMatchObject({ action: 'dismissed', alert: { number, state: 'dismissed', dismissed_reason: 'tolerable_risk' } });
    expectExampleShape(dismissed.payload, 'dependabot_alert', 'dismissed', 'created');
    expect((await alerts('open')).map((alert) => alert.number)).not.toContain(number);
    expect((await sent(() => sim.reopenDependabotAlert('acme', repo, number)))[0].payload).toMatchObject({ action: 'reopened', alert: { state: 'open', dismissed_at: null } });

    const [fixed] = await sent(() => sim.fixDependabotAlert('acme', repo, number));
    expectExampleShape(fixed.payload, 'dependabot_alert', 'fixed');
    expect(fixed.payload).toMatchObject({ action: 'fixed', alert: { state: 'fixed' } });
    expect(await get(`/repos/acme/${repo}/dependabot/alerts/${number}`)).toMatchObject({ state: 'fixed' });
    expect((await sent(() => sim.reopenDependabotAlert('acme', repo, number)))[0].payload).toMatchObject({ action: 'reintroduced', alert: { state: 'open', fixed_at: null } });
    expect(() => sim.reopenDependabotAlert('acme', repo, number)).toThrow(/already open/);
    expect((await call(sim, `/repos/acme/${repo}/dependabot/alerts/999`, pat)).status).toBe(404);
  });

  it('creates, closes, fixes and reopens code scanning alerts: webhooks carry the rule without its security severity, and no ref for what a user did', async () => {
    const [created] = await sent(() => sim.createCodeScanningAlert('acme', repo, { ruleId: 'js/xss', securitySeverity: 'medium' }));
    expect(created.event).toBe('code_scanning_alert');
    expectExampleShape(created.payload, 'code_scanning_alert', 'created');
    const number = (created.payload.alert as Item).number as number;
    const head = ((await get<Item>(`/repos/acme/${repo}/branches/main`)).commit as Item).sha;
    expect(created.payload).toMatchObject({ ref: 'refs/heads/main', commit_oid: head, alert: { state: 'open', rule: { id: 'js/xss' } } });
    expect((created.payload.alert as { rule: Item }).rule).not.toHaveProperty('security_severity_level');
    expect(await get(`/repos/acme/${repo}/code-scanning/alerts/${number}`)).toMatchObject({ state: 'open', rule: { id: 'js/xss', security_severity_level: 'medium' } });

    const [closed] = await sent(() => sim.closeCodeScanningAlert('acme', repo, number));
    expectExampleShape(closed.payload, 'code_scanning_alert', 'closed_by_user');
    expect(closed.payload).toMatchObject({ action: 'closed_by_user', ref: '', commit_oid: '', alert: { state: 'dismissed' } });
    expect((await get<Item[]>(`/repos/acme/${repo}/code-scanning/alerts?state=open`)).map((alert) => alert.number)).not.toContain(number);
    const [reopenedByUser] = await sent(() => sim.reopenCodeScanningAlert('acme', repo, number));
    expectExampleShape(reopenedByUser.payload, 'code_scanning_alert', 'reopened_by_user', 'reopened');
    expect(reopenedByUser.payload).toMatchObject({ action: 'reopened_by_user', ref: '', alert: { state: 'open' } });

    const [fixed] = await sent(() => sim.fixCodeScanningAlert('acme', repo, number));
    expectExampleShape(fixed.payload, 'code_scanning_alert', 'fixed');
    expect(fixed.payload).toMatchObject({ action: 'fixed', ref: 'refs/heads/main', alert: { state: 'fixed' } });
    expect((await get<Item[]>(`/repos/acme/${repo}/code-scanning/alerts?state=closed`)).map((alert) => alert.number)).toContain(number);
    expect((await sent(() => sim.reopenCodeScanningAlert('acme', repo, number)))[0].payload).toMatchObject({ action: 'reopened', ref: 'refs/heads/main', alert: { state: 'open' } });
    expect(() => sim.fixCodeScanningAlert('acme', repo, 999)).toThrow(/not found/);
  });

  it('creates, resolves and reopens secret scanning alerts: webhooks carry the alert without its state or the secret', async () => {
    // @octokit/webhooks-examples has no secret_scanning_alert example: the keys are those GitHub documents.
    const keys = ['action', 'alert', 'repository', 'organization', 'sender', 'installation'];
    const [created] = await sent(() => sim.createSecretScanningAlert('acme', repo, { secretType: 'slack_api_token', secretTypeDisplayName: 'Slack API Token' }));
    expect(created.event).toBe('secret_scanning_alert');
    expect(Object.keys(created.payload).sort()).toEqual([...keys].sort());
    const alert = created.payload.alert as Item;
    expect(alert).toMatchObject({ secret_type: 'slack_api_token', resolution: null });
    expect(alert).not.toHaveProperty('state');
    expect(alert).not.toHaveProperty('secret');
    const number = alert.number as number;
    expect(await get(`/repos/acme/${repo}/secret-scanning/alerts/${number}?hide_secret=true`)).toEqual({ ...alert, state: 'open' });
    expect(await get(`/repos/acme/${repo}/secret-scanning/alerts/${number}`)).toMatchObject({ secret: expect.stringMatching(/^ghp_/) });

    const [resolved] = await sent(() => sim.resolveSecretScanningAlert('acme', repo, number, { resolution: 'false_positive' }));
    expect(resolved.payload).toMatchObject({ action: 'resolved', alert: { number, resolution: 'false_positive' } });
    expect(await get(`/repos/acme/${repo}/secret-scanning/alerts/${number}`)).toMatchObject({ state: 'resolved', resolution: 'false_positive' });
    expect((await get<Item[]>(`/repos/acme/${repo}/secret-scanning/alerts?state=open`)).map((candidate) => candidate.number)).not.toContain(number);
    const [reopened] = await sent(() => sim.reopenSecretScanningAlert('acme', repo, number));
    expect(reopened.payload).toMatchObject({ action: 'reopened', alert: { number, resolution: null } });
    expect(await get(`/repos/acme/${repo}/secret-scanning/alerts/${number}`)).toMatchObject({ state: 'open' });
    expect(() => sim.reopenSecretScanningAlert('acme', repo, number)).toThrow(/already open/);
  });

  it('adds, edits and removes repository collaborators: organization members as direct ones, others as outside ones', async () => {
    const logins = async (affiliation: string): Promise<unknown[]> => (await get<Item[]>(`/repos/acme/${repo}/collaborators?affiliation=${affiliation}&per_page=100`)).map((user) => user.login);
    const [added] = await sent(() => sim.addCollaborator('acme', repo, 'contractor', { permission: 'pull' }));
    expect(added.event).toBe('member');
    expectExampleShape(added.payload, 'member', 'added');
    expect(added.payload).toMatchObject({ action: 'added', member: { login: 'contractor' }, changes: { permission: { to: 'read' } } });
    expect(await logins('outside')).toContain('contractor');
    expect(await get(`/repos/acme/${repo}/collaborators/contractor/permission`)).toMatchObject({ permission: 'read', user: { login: 'contractor', role_name: 'read' } });
    expect(() => sim.addCollaborator('acme', repo, 'contractor')).toThrow(/already a collaborator/);

    const [edited] = await sent(() => sim.editCollaborator('acme', repo, 'contractor', { permission: 'maintain' }));
    expectExampleShape(edited.payload, 'member', 'edited');
    expect(edited.payload).toMatchObject({ action: 'edited', changes: { old_permission: { from: 'read' }, permission: { from: 'read', to: 'maintain' } } });
    expect(await get(`/repos/acme/${repo}/collaborators/contractor/permission`)).toMatchObject({ permission: 'maintain' });

    const member = sim.addMember('acme', 'insider');
    sim.addCollaborator('acme', repo, member.login);
    expect(await logins('outside')).not.toContain('insider');
    expect(await logins('direct')).toEqual(expect.arrayContaining(['insider', 'contractor']));

    const [removed] = await sent(() => sim.removeCollaborator('acme', repo, 'contractor'));
    expect(removed.payload).toMatchObject({ action: 'removed', member: { login: 'contractor' } });
    expect(await logins('all')).not.toContain('contractor');
    expect((await call(sim, `/repos/acme/${repo}/collaborators/contractor/permission`, pat)).status).toBe(404);
    expect(() => sim.removeCollaborator('acme', repo, 'contractor')).toThrow(/not a direct or outside collaborator/);
  });

  it('runs mutations over HTTP at /_simulator/mutations/{name} without auth', async () => {
    const post = (name: string, body: unknown): Promise<Response> => fetch(`${sim.url}/_simulator/mutations/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await post('openIssue', { args: ['acme', repo, { title: 'Over HTTP' }] });
    expect(answer.status).toBe(200);
    const issue = (await answer.json()) as Item;
    expect(issue).toMatchObject({ title: 'Over HTTP', state: 'open' });
    expect(await get(`/repos/acme/${repo}/issues/${String(issue.number)}`)).toMatchObject({ title: 'Over HTTP' });
    const [hook] = await receiver.waitFor(1);
    expect(hook.payload).toMatchObject({ action: 'opened', issue: { title: 'Over HTTP' } });

    expect((await post('closeIssue', ['acme', repo, issue.number])).status).toBe(200);
    expect((await post('nope', [])).status).toBe(404);
    expect((await post('closeIssue', ['acme', 'missing-repo', 1])).status).toBe(422);
    expect((await post('closeIssue', { not: 'args' })).status).toBe(400);
  });
});
