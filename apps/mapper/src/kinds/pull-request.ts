import { fetchPullRequests } from '@glint/github';
import { KindModule, listOption, payloadObject } from './kind-module';

/** A `pull_request` payload's object is the REST pull request (`GET …/pulls/{number}`), ordered by `updated_at`. */
export const pullRequestKind: KindModule = {
  kind: 'pull-request',
  repositoryScoped: true,
  list: (context, selector) => fetchPullRequests(context, selector),
  liveEvents: ['pull_request'],
  async liveObjects(live) {
    const pull = payloadObject(live.payload, 'pull_request', 'number');
    if (!pull || !live.repository) return [];
    return [await live.fromPayload('pull-request', live.known(pull), () => live.readKnown('GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: pull['number'] }))];
  },
  keeps: (selector, object) => listOption(selector['states'], ['open']).includes(String(object['state'])),
};
