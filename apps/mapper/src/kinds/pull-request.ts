import { fetchPullRequests } from '@glint/github';
import { KindModule, PayloadFirstKind, listOption, payloadObject } from './kind-module';

/** A `pull_request` payload's object is the REST pull request (`GET …/pulls/{number}`), ordered by `updated_at`. */
export const pullRequestKind: KindModule & PayloadFirstKind = {
  kind: 'pull-request',
  repositoryScoped: true,
  list: (context, selector) => fetchPullRequests(context, selector),
  liveEvents: ['pull_request'],
  // The shipped mapping's fields, the `states` filter's, identity and order.
  payloadFields: ['id', 'number', 'updated_at', 'state', 'title', 'user.login', 'assignees[].login', 'requested_reviewers[].login', 'created_at', 'closed_at', 'merged_at', 'html_url', 'head.repo.name'],
  async liveObjects(live) {
    const pull = payloadObject(live.payload, 'pull_request', 'number');
    if (!pull || !live.repository) return [];
    return [await live.fromPayload(pullRequestKind, live.known(pull), () => live.readKnown('GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: pull['number'] }))];
  },
  keeps: (selector, object) => listOption(selector['states'], ['open']).includes(String(object['state'])),
};
