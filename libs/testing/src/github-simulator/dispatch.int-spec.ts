import { waitFor } from '../wait-for';
import { GithubSimulator } from './index';
import { appJwt, call, expectExampleShape, Item } from './test-helpers.spec-helper';
import { WebhookReceiver } from './webhooks/receiver';

describe('GithubSimulator workflow dispatch and check runs', () => {
  let sim: GithubSimulator;
  let receiver: WebhookReceiver;
  let token: string;
  let repo: string;

  const dispatch = (workflow: string, body: unknown, target = repo): ReturnType<typeof call> => call(sim, `/repos/acme/${target}/actions/workflows/${workflow}/dispatches`, token, { method: 'POST', body });

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
    sim = await GithubSimulator.start({ seed: 6, reposPerOrg: 2, runStepMs: 50, webhook: { url: receiver.url, secret: receiver.secret } });
    const minted = await call(sim, `/app/installations/${sim.installations()[0].id}/access_tokens`, await appJwt(sim), { method: 'POST' });
    token = `token ${minted.json<{ token: string }>().token}`;
    repo = sim.state.organization('acme')?.repos.find((candidate) => candidate.name !== '.github-private')?.name ?? '';
  });
  afterEach(async () => {
    await sim.webhooksIdle();
    await sim.close();
    await receiver.close();
  });

  it('runs a dispatched workflow through requested, in_progress and completed, with workflow_run webhooks', async () => {
    const startedAt = new Date(sim.now() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const answer = await dispatch('ci.yml', { ref: 'main', inputs: { env: 'prod' } });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');

    const queued = await call(sim, `/repos/acme/${repo}/actions/runs?event=workflow_dispatch&created=>=${startedAt}`, token);
    const runs = queued.json<{ total_count: number; workflow_runs: Item[] }>();
    expect(runs.total_count).toBe(1);
    expect(runs.workflow_runs[0]).toMatchObject({ event: 'workflow_dispatch', status: 'queued', conclusion: null, head_branch: 'main', path: '.github/workflows/ci.yml' });
    const id = runs.workflow_runs[0].id;

    const hooks = await receiver.waitFor(3);
    expect(hooks.map((hook) => `${hook.event}.${hook.action ?? ''}`)).toEqual(['workflow_run.requested', 'workflow_run.in_progress', 'workflow_run.completed']);
    expectExampleShape(hooks[0].payload, 'workflow_run', 'requested');
    expect(hooks.map((hook) => (hook.payload.workflow_run as Item).status)).toEqual(['queued', 'in_progress', 'completed']);
    expect(hooks[2].payload).toMatchObject({ workflow_run: { id, conclusion: 'success' }, workflow: { path: '.github/workflows/ci.yml' } });
    expect((await call(sim, `/repos/acme/${repo}/actions/runs/${String(id)}`, token)).json()).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('returns the run when asked (return_run_details), and honours a configured failure outcome', async () => {
    sim.setWorkflowOutcome('acme', repo, 'ci.yml', 'failure');
    const answer = await dispatch('ci.yml', { ref: 'refs/heads/main', return_run_details: true });
    expect(answer.status).toBe(200);
    const details = answer.json<{ workflow_run_id: number; run_url: string; html_url: string }>();
    expect(details.run_url).toBe(`${sim.apiUrl}/repos/acme/${repo}/actions/runs/${details.workflow_run_id}`);
    expect(details.html_url).toBe(`${sim.url}/acme/${repo}/actions/runs/${details.workflow_run_id}`);
    const hooks = await receiver.waitFor(3);
    expect(hooks[2].payload).toMatchObject({ action: 'completed', workflow_run: { id: details.workflow_run_id, conclusion: 'failure' } });
    expect((await call(sim, `/repos/acme/${repo}/actions/runs?status=failure&event=workflow_dispatch`, token)).json<{ workflow_runs: Item[] }>().workflow_runs[0]).toMatchObject({ id: details.workflow_run_id });
  });

  it('keeps the inputs of a dispatched run, holds runs in queued on request, and cancels a run that has not completed', async () => {
    sim.holdWorkflowRuns('acme', repo, 'ci.yml');
    expect((await dispatch('ci.yml', { ref: 'main', inputs: { env: 'prod', port_payload: '{"runId":"r_1"}' } })).status).toBe(204);
    const record = sim.state.repo('acme', repo);
    if (!record) throw new Error('no repository');
    const run = sim.state.repoData(record).runs[0];
    expect(run).toMatchObject({ event: 'workflow_dispatch', status: 'queued', inputs: { env: 'prod', port_payload: '{"runId":"r_1"}' } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(run.status).toBe('queued');

    const cancelled = await call(sim, `/repos/acme/${repo}/actions/runs/${run.id}/cancel`, token, { method: 'POST' });
    expect(cancelled.status).toBe(202);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    const again = await call(sim, `/repos/acme/${repo}/actions/runs/${run.id}/cancel`, token, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.json()).toMatchObject({ message: 'Cannot cancel a workflow run that is completed.' });
    const hooks = await receiver.waitFor(2);
    expect(hooks.map((hook) => `${hook.event}.${hook.action ?? ''}`)).toEqual(['workflow_run.requested', 'workflow_run.completed']);
    expect(hooks[1].payload).toMatchObject({ workflow_run: { id: run.id, conclusion: 'cancelled' } });
  });

  it('creates no run for a dispatch failed by a fault, and creates it when the fault comes after the effect', async () => {
    const record = sim.state.repo('acme', repo);
    if (!record) throw new Error('no repository');
    const dispatches = new RegExp(`/repos/acme/${repo}/actions/workflows/ci\\.yml/dispatches`);

    sim.injectFaults({ status: 502, count: 1, routePattern: dispatches });
    expect((await dispatch('ci.yml', { ref: 'main', inputs: { attempt: 'before' } })).status).toBe(502);
    sim.injectFaults({ status: 503, count: 1, routePattern: dispatches, afterEffect: true });
    expect((await dispatch('ci.yml', { ref: 'main', inputs: { attempt: 'after' } })).status).toBe(503);

    expect(sim.state.repoData(record).runs.filter((run) => run.event === 'workflow_dispatch').map((run) => run.inputs)).toEqual([{ attempt: 'after' }]);
  });

  it('leaves a request unanswered under a no-answer fault until the client gives up, having acted on it with afterEffect', async () => {
    const record = sim.state.repo('acme', repo);
    if (!record) throw new Error('no repository');
    const dispatched = () => sim.state.repoData(record).runs.filter((run) => run.event === 'workflow_dispatch');
    sim.injectFaults({ status: 'no-answer', count: 1, routePattern: /\/dispatches/, afterEffect: true });
    const client = new AbortController();

    const unanswered = fetch(`${sim.apiUrl}/repos/acme/${repo}/actions/workflows/ci.yml/dispatches`, {
      method: 'POST',
      headers: { authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'main', inputs: { attempt: 'unanswered' } }),
      signal: client.signal,
    });
    await waitFor('the dispatch to take effect', async () => (dispatched().length > 0 ? true : undefined));

    // An answer would have settled the request by now (waitFor polls every 100 ms): aborting it fails it.
    client.abort();
    await expect(unanswered).rejects.toMatchObject({ name: 'AbortError' });
    expect(dispatched().map((run) => run.inputs)).toEqual([{ attempt: 'unanswered' }]);
    expect((await dispatch('ci.yml', { ref: 'main' })).status).toBe(204);
  });

  it('answers 204 for return_run_details once told to behave like an older server', async () => {
    sim.setReturnRunDetailsSupport(false);
    expect((await dispatch('ci.yml', { ref: 'main', return_run_details: true })).status).toBe(204);
    sim.setReturnRunDetailsSupport(true);
    expect((await dispatch('ci.yml', { ref: 'main', return_run_details: true })).status).toBe(200);
  });

  it('answers 204 for return_run_details when the server does not support it', async () => {
    const older = await GithubSimulator.start({ seed: 6, reposPerOrg: 2, supportsReturnRunDetails: false, runStepMs: 10 });
    try {
      const pat = `token ${older.createPersonalAccessToken()}`;
      const answer = await call(older, `/repos/acme/${repo}/actions/workflows/ci.yml/dispatches`, pat, { method: 'POST', body: { ref: 'main', return_run_details: true } });
      expect(answer.status).toBe(204);
    } finally {
      await older.close();
    }
  });

  it("answers 422 with GitHub's messages for too many inputs, an unknown ref and a workflow without workflow_dispatch", async () => {
    const inputs = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`input${i}`, 'x']));
    expect((await dispatch('ci.yml', { ref: 'main', inputs })).json()).toMatchObject({ message: 'you may only define up to 10 `inputs` for a `workflow_dispatch` event' });
    const unknownRef = await dispatch('ci.yml', { ref: 'no-such-branch' });
    expect(unknownRef.status).toBe(422);
    expect(unknownRef.json()).toMatchObject({ message: 'No ref found for: no-such-branch' });
    sim.push('acme', repo, { branch: 'main', files: { '.github/workflows/nightly.yml': 'name: Nightly\non:\n  schedule:\n    - cron: "0 3 * * *"\n' } });
    const workflows = (await call(sim, `/repos/acme/${repo}/actions/workflows`, token)).json<{ workflows: Item[] }>().workflows;
    expect(workflows.some((workflow) => workflow.name === 'Nightly')).toBe(true);
    const noTrigger = await dispatch('nightly.yml', { ref: 'main' });
    expect(noTrigger.status).toBe(422);
    expect(noTrigger.json()).toMatchObject({ message: "Workflow does not have 'workflow_dispatch' trigger" });
    expect((await dispatch('missing.yml', { ref: 'main' })).status).toBe(404);
    expect((await dispatch('ci.yml', {})).status).toBe(422);
  });

  it('creates, updates and lists check runs, with check_run webhooks', async () => {
    const record = sim.state.repo('acme', repo);
    if (!record) throw new Error('no repository');
    const sha = sim.state.repoData(record).branches[0].sha;
    const created = await call(sim, `/repos/acme/${repo}/check-runs`, token, { method: 'POST', body: { name: 'glint', head_sha: sha, status: 'in_progress', external_id: 'run-1', output: { title: 'Checking', summary: 'Working' } } });
    expect(created.status).toBe(201);
    const run = created.json<Item>();
    expect(run).toMatchObject({ name: 'glint', head_sha: sha, status: 'in_progress', conclusion: null, external_id: 'run-1', output: { title: 'Checking', summary: 'Working', annotations_count: 0 }, app: { id: sim.appId } });

    const patched = await call(sim, `/repos/acme/${repo}/check-runs/${String(run.id)}`, token, { method: 'PATCH', body: { conclusion: 'failure', output: { title: 'Failed', summary: 'Two problems' } } });
    expect(patched.json()).toMatchObject({ status: 'completed', conclusion: 'failure', completed_at: expect.any(String), output: { title: 'Failed' } });
    expect((await call(sim, `/repos/acme/${repo}/check-runs/${String(run.id)}`, token, { method: 'PATCH', body: { status: 'bogus' } })).status).toBe(422);

    await call(sim, `/repos/acme/${repo}/check-runs`, token, { method: 'POST', body: { name: 'glint', head_sha: sha, conclusion: 'success' } });
    await call(sim, `/repos/acme/${repo}/check-runs`, token, { method: 'POST', body: { name: 'other', head_sha: sha } });
    const latest = (await call(sim, `/repos/acme/${repo}/commits/main/check-runs`, token)).json<{ total_count: number; check_runs: Item[] }>();
    expect(latest.total_count).toBe(2);
    expect(latest.check_runs.map((candidate) => [candidate.name, candidate.conclusion])).toEqual([['other', null], ['glint', 'success']]);
    const all = (await call(sim, `/repos/acme/${repo}/commits/${sha}/check-runs?filter=all&check_name=glint`, token)).json<{ total_count: number }>();
    expect(all.total_count).toBe(2);
    expect((await call(sim, `/repos/acme/${repo}/check-runs`, token, { method: 'POST', body: { name: 'x' } })).status).toBe(422);

    const hooks = await receiver.waitFor(5);
    expect(hooks.map((hook) => `${hook.event}.${hook.action ?? ''}`)).toEqual(['check_run.created', 'check_run.completed', 'check_run.created', 'check_run.completed', 'check_run.created']);
    expectExampleShape(hooks[0].payload, 'check_run', 'created');
  });

  it('keeps the annotations each create and update appends, at most 50 per request, and lists them', async () => {
    const record = sim.state.repo('acme', repo);
    if (!record) throw new Error('no repository');
    const sha = sim.state.repoData(record).branches[0].sha;
    const annotation = (line: number) => ({ path: 'port.yml', start_line: line, end_line: line, annotation_level: 'failure', message: `problem on line ${line}` });
    const lines = (from: number, count: number) => Array.from({ length: count }, (_, index) => annotation(from + index));
    const created = await call(sim, `/repos/acme/${repo}/check-runs`, token, { method: 'POST', body: { name: 'glint', head_sha: sha, status: 'in_progress', output: { title: 'Checking', summary: 'Working', annotations: lines(1, 50) } } });
    expect(created.status).toBe(201);
    const id = String(created.json<Item>().id);
    const update = (body: unknown) => call(sim, `/repos/acme/${repo}/check-runs/${id}`, token, { method: 'PATCH', body });

    expect((await update({ output: { title: 'Checking', summary: 'Working', annotations: lines(51, 51) } })).status).toBe(422);
    expect((await update({ output: { title: 'Checking', annotations: lines(51, 1) } })).status).toBe(422);
    expect((await update({ output: { title: 'Checking', summary: 'Working', annotations: [{ ...annotation(51), annotation_level: 'error' }] } })).status).toBe(422);
    expect((await update({ output: { title: 'Checking', summary: 'Working', annotations: [{ path: 'port.yml', start_line: 3, end_line: 2, annotation_level: 'failure', message: 'x' }] } })).status).toBe(422);
    const completed = await update({ conclusion: 'failure', output: { title: 'Failed', summary: '51 problems', annotations: lines(51, 1) } });
    expect(completed.json()).toMatchObject({ status: 'completed', output: { annotations_count: 51, annotations_url: `${sim.apiUrl}/repos/acme/${repo}/check-runs/${id}/annotations` } });

    const first = await call(sim, `/repos/acme/${repo}/check-runs/${id}/annotations?per_page=100`, token);
    expect(first.status).toBe(200);
    const listed = first.json<Item[]>();
    expect(listed).toHaveLength(51);
    expect(listed[50]).toEqual({ path: 'port.yml', blob_href: `${sim.url}/acme/${repo}/blob/${sha}/port.yml`, start_line: 51, end_line: 51, start_column: null, end_column: null, annotation_level: 'failure', title: null, message: 'problem on line 51', raw_details: null });
    expect((await call(sim, `/repos/acme/${repo}/check-runs/${id}/annotations`, token)).headers.get('link')).toContain('rel="next"');
  });

  it('refuses check runs to an installation without the checks permission, as GitHub does', async () => {
    const record = sim.state.repo('acme', repo);
    if (!record) throw new Error('no repository');
    const body = { name: 'glint', head_sha: sim.state.repoData(record).branches[0].sha };
    const created = await call(sim, `/repos/acme/${repo}/check-runs`, token, { method: 'POST', body });
    sim.setInstallationPermissions('acme', { checks: 'read' });
    const denied = await call(sim, `/repos/acme/${repo}/check-runs`, token, { method: 'POST', body });
    expect(denied.status).toBe(403);
    expect(denied.json()).toMatchObject({ message: 'Resource not accessible by integration' });
    expect((await call(sim, `/repos/acme/${repo}/check-runs/${String(created.json<Item>().id)}`, token)).status).toBe(200);

    sim.setInstallationPermissions('acme', { checks: null });
    expect((await call(sim, `/repos/acme/${repo}/check-runs/${String(created.json<Item>().id)}`, token)).status).toBe(403);
    const minted = await call(sim, `/app/installations/${sim.installations()[0].id}/access_tokens`, await appJwt(sim), { method: 'POST' });
    expect(minted.json<{ permissions: Record<string, string> }>().permissions.checks).toBeUndefined();
    expect((await call(sim, `/repos/acme/${repo}/check-runs`, `token ${sim.createPersonalAccessToken()}`, { method: 'POST', body })).status).toBe(201);
  });
});
