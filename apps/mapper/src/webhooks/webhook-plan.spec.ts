import { chooseHook, GithubHook, hookDifferences } from './webhook-plan';

const URL = 'https://glint.example.com/webhook';
const desired = { url: URL, events: ['push', 'issues'] };

function hook(id: number, overrides: Partial<GithubHook> & { url?: string } = {}): GithubHook {
  const { url = URL, ...rest } = overrides;
  return { id, active: true, events: ['push', 'issues'], config: { url, content_type: 'json', secret: '********', insecure_ssl: '0' }, ...rest };
}

describe('chooseHook', () => {
  it('takes the recorded hook even when its URL drifted, and calls the others with our URL duplicates', () => {
    const recorded = hook(5, { url: 'https://old.example.com/webhook' });
    const sut = chooseHook([hook(9), recorded, hook(7), hook(3, { url: 'https://elsewhere.example.com' })], URL, 5);

    expect(sut.hook).toBe(recorded);
    expect(sut.duplicates.map((duplicate) => duplicate.id)).toEqual([7, 9]);
  });

  it('takes the oldest hook with our URL when the recorded one is gone', () => {
    const sut = chooseHook([hook(9), hook(7)], URL, 5);

    expect(sut.hook?.id).toBe(7);
    expect(sut.duplicates.map((duplicate) => duplicate.id)).toEqual([9]);
  });

  it('finds none when no hook has our URL', () => {
    expect(chooseHook([hook(3, { url: 'https://elsewhere.example.com' })], URL, undefined)).toEqual({ hook: undefined, duplicates: [] });
  });
});

describe('hookDifferences', () => {
  it('finds none for a hook as desired whose secret Glint set, events in any order', () => {
    expect(hookDifferences(hook(1, { events: ['issues', 'push'] }), desired, true)).toEqual([]);
  });

  it.each<[string, GithubHook, boolean, string]>([
    ['a drifted URL', hook(1, { url: 'https://old.example.com/webhook' }), true, 'URL "https://old.example.com/webhook"'],
    ['a missing event', hook(1, { events: ['push'] }), true, 'events without issues'],
    ['an extra event', hook(1, { events: ['push', 'issues', 'star'] }), true, 'extra events star'],
    ['form encoding', { ...hook(1), config: { url: URL, secret: '********' } }, true, 'content type form'],
    ['an inactive hook', hook(1, { active: false }), true, 'inactive'],
    ['no secret', { ...hook(1), config: { url: URL, content_type: 'json' } }, true, 'no secret'],
    ['a secret Glint did not set', hook(1), false, 'a secret Glint did not set (or WEBHOOK_SECRET changed)'],
  ])('names %s', (_label, github, secretKnown, difference) => {
    expect(hookDifferences(github, desired, secretKnown)).toEqual([difference]);
  });
});
