import { readPullRequestEvent } from './pull-request-event';

const sha = 'a'.repeat(40);
const payload = { action: 'synchronize', number: 7, pull_request: { number: 7, head: { sha } }, repository: { name: 'api', owner: { login: 'acme' } } };

describe('readPullRequestEvent', () => {
  it('reads what a check run needs from a pull_request payload', () => {
    expect(readPullRequestEvent(payload)).toEqual({ action: 'synchronize', owner: 'acme', repository: 'api', number: 7, headSha: sha });
  });

  it.each([
    [{ ...payload, repository: { name: 'api' } }, 'repository.owner.login is missing or not a string'],
    [{ ...payload, pull_request: { number: '7', head: { sha } } }, 'pull_request.number is missing or not a number'],
    [{ ...payload, pull_request: { number: 7, head: { sha: 'main' } } }, 'pull_request.head.sha is not a commit sha: "main"'],
  ])('names what is wrong with a bad payload', (bad, message) => {
    expect(() => readPullRequestEvent(bad)).toThrow(`pull_request payload: ${message}`);
  });
});
