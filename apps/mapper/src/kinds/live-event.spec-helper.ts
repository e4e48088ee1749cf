import type { WebhookEvent } from '@glint/queue';

/** The repository the live-object tests' events come from. */
export const REPOSITORY = { id: 100, name: 'api', owner: { login: 'acme' }, default_branch: 'main' };

/** The tests' clock. */
export const NOW = Date.parse('2026-11-21T12:00:00.000Z');

/** An open pull request of `REPOSITORY`, as a `pull_request` event's payload carries it. */
export const PULL_REQUEST = {
  id: 7,
  number: 7,
  title: 'first',
  state: 'open',
  user: { login: 'ada' },
  assignees: [],
  requested_reviewers: [],
  created_at: '2026-11-20T10:00:00Z',
  updated_at: '2026-11-21T10:00:00Z',
  closed_at: null,
  merged_at: null,
  html_url: 'https://github.example/acme/api/pull/7',
  head: { repo: { name: 'api' } },
};

/** A webhook event of `REPOSITORY`. */
export function webhook(event: string, payload: Record<string, unknown>): WebhookEvent {
  return { deliveryId: 'd-1', event, groupKey: 'repo-100', partition: 0, receivedAt: '2026-11-21T00:00:00.000Z', payload: { ...payload, repository: REPOSITORY } };
}
