import { fetchIssues } from '@glint/github';
import { KindModule, listOption, payloadObject, stringOption } from './kind-module';

const ISSUE_DELETING = new Set(['deleted', 'transferred']);

/** An `issues` payload's object is the REST issue (`GET …/issues/{number}`), ordered by `updated_at`. */
export const issueKind: KindModule = {
  kind: 'issue',
  repositoryScoped: true,
  list: (context, selector) => fetchIssues(context, selector),
  liveEvents: ['issues'],
  async liveObjects(live) {
    const issue = payloadObject(live.payload, 'issue', 'number');
    if (!issue || !live.repository) return [];
    if (ISSUE_DELETING.has(live.action ?? '')) return [{ kind: 'issue', current: null, known: live.known(issue), observedAt: live.now().toISOString() }];
    return [await live.fromPayload('issue', live.known(issue), () => live.readKnown('GET /repos/{owner}/{repo}/issues/{issue_number}', { issue_number: issue['number'] }))];
  },
  keeps(selector, object) {
    const state = stringOption(selector['state'], 'open');
    if (state !== 'all' && object['state'] !== state) return false;
    const has = new Set(((object['labels'] as Array<{ name?: string } | string> | undefined) ?? []).map((label) => (typeof label === 'string' ? label : label.name)));
    return listOption(selector['labels'], []).every((label) => has.has(label));
  },
};
