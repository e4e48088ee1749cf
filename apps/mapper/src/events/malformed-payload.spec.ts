import { NonRetryableEventError, WebhookEvent } from '@glint/queue';
import { EventRouter } from './event-router';
import { CHECKED_EVENTS, malformationOf } from './malformed-payload';

interface ExampleSet {
  name: string;
  examples: Array<Record<string, unknown>>;
}
// GitHub's published example deliveries, for github.com and each GHES release.
const EXAMPLE_SETS: Record<string, ExampleSet[]> = {
  'api.github.com': require('@octokit/webhooks-examples/api.github.com/index.json'),
  'ghes-35': require('@octokit/webhooks-examples/ghes-35/index.json'),
  'ghes-31': require('@octokit/webhooks-examples/ghes-31/index.json'),
};

const examples = Object.entries(EXAMPLE_SETS).flatMap(([set, events]) =>
  events.filter((event) => CHECKED_EVENTS.includes(event.name)).flatMap((event) => event.examples.map((payload, index) => [`${set} ${event.name} #${index + 1}`, event.name, payload] as const)),
);

const pullRequest = { action: 'opened', number: 5, pull_request: { number: 5 }, repository: { id: 1, name: 'api', owner: { login: 'acme' } }, installation: { id: 9 } };

describe('malformationOf', () => {
  it('covers every event the mapper handles, and GitHub has examples of most', () => {
    expect(new Set(examples.map(([, name]) => name)).size).toBeGreaterThanOrEqual(15);
  });

  it.each(examples)('finds nothing missing in GitHub\'s example %s', (_, name, payload) => {
    expect(malformationOf({ event: name, payload })).toBeUndefined();
  });

  it.each([
    ['pull_request', { ...pullRequest, repository: undefined }, 'malformed pull_request payload: no `repository` object'],
    ['pull_request', { ...pullRequest, pull_request: { title: 'x' } }, 'malformed pull_request payload: `pull_request.number` is not a number'],
    ['pull_request', { ...pullRequest, repository: { id: 1, name: 'api' } }, 'malformed pull_request payload: `repository.owner.login` is not a string'],
    ['issues', { action: 'opened', repository: pullRequest.repository }, 'malformed issues payload: no `issue` object'],
    ['push', { repository: pullRequest.repository, after: 'abc' }, 'malformed push payload: no `ref` string'],
    ['membership', { action: 'added', organization: { login: 'acme' }, team: { id: 3 } }, 'malformed membership payload: no `member` object'],
    ['installation', { action: 'created' }, 'malformed installation payload: no `installation` object'],
  ])('names what a %s payload lacks: %j', (name, payload, reason) => {
    expect(malformationOf({ event: name, payload })).toBe(reason);
  });

  it('leaves events the mapper does not handle alone', () => {
    expect(malformationOf({ event: 'ping', payload: {} })).toBeUndefined();
  });
});

describe('EventRouter with a malformed payload', () => {
  const event = (payload: Record<string, unknown>): WebhookEvent => ({ deliveryId: 'd-1', event: 'pull_request', groupKey: 'installation-9', partition: 0, receivedAt: '2026-11-21T00:00:00.000Z', payload });
  const handled: string[] = [];
  const router = new EventRouter([{ events: ['pull_request'], handle: async (routed) => (handled.push(routed.deliveryId), 'processed') }]);

  it('fails it at once as never processable, naming what it lacks, without handing it to the handler', async () => {
    const routed = router.route(event({ ...pullRequest, repository: undefined }));

    await expect(routed).rejects.toThrow(NonRetryableEventError);
    await expect(routed).rejects.toThrow('malformed pull_request payload: no `repository` object');
    expect(handled).toEqual([]);
  });

  it('hands a well-formed one to its handler', async () => {
    expect(await router.route(event(pullRequest))).toBe('processed');
  });
});
