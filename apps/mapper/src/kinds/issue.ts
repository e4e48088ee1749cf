import { fetchIssues, fetchIssuesChangedSince } from '@glint/github';
import { KindModule, PayloadFirstKind, listOption, payloadObject, stringOption } from './kind-module';

const ISSUE_DELETING = new Set(['deleted', 'transferred']);

/** An `issues` payload's object is the REST issue (`GET …/issues/{number}`), ordered by `updated_at`. */
export const issueKind: KindModule & PayloadFirstKind = {
  kind: 'issue',
  repositoryScoped: true,
  list: (context, selector) => fetchIssues(context, selector),
  listChangedSince: (context, selector, since) => fetchIssuesChangedSince(context, selector, since),
  liveEvents: ['issues'],
  // The peer's documented issue mapping, the `state` and `labels` filters, identity and order.
  payloadFields: ['id', 'number', 'title', 'state', 'labels[].name', 'user.login', 'assignees[].login', 'html_url', 'created_at', 'updated_at', 'closed_at', 'body'],
  async liveObjects(live) {
    const issue = payloadObject(live.payload, 'issue', 'number');
    if (!issue || !live.repository) return [];
    if (ISSUE_DELETING.has(live.action ?? '')) return [{ kind: 'issue', current: null, known: live.known(issue), observedAt: live.deletedAt(issue) }];
    return [await live.fromPayload(issueKind, live.known(issue), () => live.readKnown('GET /repos/{owner}/{repo}/issues/{issue_number}', { issue_number: issue['number'] }))];
  },
  keeps(selector, object) {
    const state = stringOption(selector['state'], 'open');
    if (state !== 'all' && object['state'] !== state) return false;
    const has = new Set(((object['labels'] as Array<{ name?: string } | string> | undefined) ?? []).map((label) => (typeof label === 'string' ? label : label.name)));
    return listOption(selector['labels'], []).every((label) => has.has(label));
  },
};
