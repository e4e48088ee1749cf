import type { WebhookEvent } from '@glint/queue';
import { EventKindHandler, EventRouter } from './event-router';

const event = (name: string): WebhookEvent => ({
  deliveryId: 'd-1',
  event: name,
  groupKey: 'repo-1/pr-1',
  partition: 0,
  receivedAt: '2026-11-21T00:00:00.000Z',
  payload: {},
});

describe('EventRouter', () => {
  const pullRequests: EventKindHandler = { events: ['pull_request', 'pull_request_review'], handle: async () => 'processed' };

  it('sends an event to the handler registered for its name', async () => {
    const sut = new EventRouter([pullRequests]);

    expect(await sut.route(event('pull_request_review'))).toBe('processed');
  });

  it('ignores an event no handler takes, unknown names included', async () => {
    const sut = new EventRouter([pullRequests]);

    expect(await sut.route(event('brand_new_event'))).toBe('ignored');
  });

  it('refuses two handlers for one event', () => {
    expect(() => new EventRouter([pullRequests, { events: ['pull_request'], handle: async () => 'processed' }])).toThrow(
      'two handlers registered for the pull_request event',
    );
  });
});
