import { Secret } from '@glint/config';
import { createGithubAccess } from '@glint/github';
import { DispatchSpec, GithubWorkflows } from './github-workflows';

const SPEC: DispatchSpec = { org: 'acme', repo: 'deployments', workflow: 'deploy.yml', ref: 'main', inputs: { environment: 'staging' } };
const DISPATCH_URL = 'https://github.example.com/api/v3/repos/acme/deployments/actions/workflows/deploy.yml/dispatches';

/** GitHub as the real client sees it, answering each request with `answer`; records what was sent. */
function githubAnswering(answer: (url: string) => Response | Promise<Response>) {
  const sent: Array<{ method: string; url: string }> = [];
  const fetchFake: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    sent.push({ method: init?.method ?? 'GET', url });
    return answer(url);
  };
  const access = createGithubAccess(
    { auth: { kind: 'token', token: new Secret('ghp_test') }, apiUrl: 'https://github.example.com/api/v3', graphqlUrl: 'https://github.example.com/api/graphql' },
    { fetch: fetchFake, sleep: async () => undefined },
  );
  const dispatches = () => sent.filter((request) => request.method === 'POST' && request.url === DISPATCH_URL);
  return { sut: new GithubWorkflows(access, async () => undefined), client: access.clientFor(1), dispatches };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('GithubWorkflows.dispatch', () => {
  it('sends a dispatch answered 502 once and calls it uncertain: GitHub may have created the run, so it is looked for, never sent again', async () => {
    const { sut, client, dispatches } = githubAnswering(() => json(502, { message: 'Bad Gateway' }));

    const answer = await sut.dispatch(client, SPEC);

    expect(answer).toEqual({ kind: 'uncertain', reason: expect.stringContaining('answered 502') });
    expect(dispatches()).toHaveLength(1);
  });

  it('sends a dispatch that got no answer in time once and calls it uncertain', async () => {
    const { sut, client, dispatches } = githubAnswering(() => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    });

    const answer = await sut.dispatch(client, SPEC);

    expect(answer).toEqual({ kind: 'uncertain', reason: expect.stringContaining('timeout') });
    expect(dispatches()).toHaveLength(1);
  });

  it("takes GitHub's run from a dispatch answered with its details", async () => {
    const { sut, client, dispatches } = githubAnswering(() => json(200, { workflow_run_id: 7, run_url: 'https://github.example.com/api/v3/repos/acme/deployments/actions/runs/7', html_url: 'https://github.example.com/acme/deployments/actions/runs/7' }));

    expect(await sut.dispatch(client, SPEC)).toEqual({ kind: 'run', runId: 7, htmlUrl: 'https://github.example.com/acme/deployments/actions/runs/7' });
    expect(dispatches()).toHaveLength(1);
  });
});
