import type { RunningService } from '@glint/runtime';
import { PrivateRedisServer, sendWebhook, testConfig } from '@glint/testing';
import { startGateway } from '../index';
import { GITHUB_EVENT_NAMES } from './github-event-names';

const SECRET = 'metrics-test-secret';
const MADE_UP = 3_000;
const CONCURRENCY = 16;

/** The gateway's own series in a Prometheus text exposition (the Node.js ones come and go with the runtime): each sample line without its value. */
function glintSeriesOf(exposition: string): string[] {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith('glint_'))
    .map((line) => line.slice(0, line.lastIndexOf(' ')))
    .sort();
}

/** Runs `count` calls of `send`, `CONCURRENCY` at a time. */
async function inParallel(count: number, send: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await send(next++);
    }),
  );
}

describe('the gateway’s webhook metrics under made-up X-GitHub-Event names, with a real Redis', () => {
  let redis: PrivateRedisServer;
  let gateway: RunningService;

  const metrics = async () => (await fetch(`${gateway.url}/metrics`)).text();
  const issue = { action: 'opened', issue: { number: 1 }, repository: { id: 1 } };
  const unsigned = (event: string, index: number) =>
    fetch(`${gateway.url}/webhook`, {
      method: 'POST',
      body: JSON.stringify(issue),
      // Anyone can send these: half without a signature, half with a made-up one.
      headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': `made-up-${index}`, ...(index % 2 ? {} : { 'x-hub-signature-256': `sha256=${'ab'.repeat(32)}` }) },
    }).then((response) => response.status);

  beforeAll(async () => {
    redis = await PrivateRedisServer.start();
    gateway = await startGateway(await testConfig({ REDIS_URL: redis.url, WEBHOOK_SECRET: SECRET }, ['gateway']));
  });

  afterAll(async () => {
    await gateway?.app.close();
    await redis?.destroy();
  });

  it('adds no series for 3,000 unsigned requests with made-up event names, nor for signed deliveries of events GitHub does not send', async () => {
    expect([await unsigned('warm_up', 0), await unsigned('warm_up', 1)]).toEqual([401, 401]);
    expect((await sendWebhook(`${gateway.url}/webhook`, SECRET, 'not_a_github_event_0', issue)).status).toBe(202);
    const before = await metrics();

    const statuses: number[] = [];
    await inParallel(MADE_UP, async (index) => statuses.push(await unsigned(`made_up_event_${index}`, index)));
    for (let index = 1; index <= 20; index += 1) {
      expect((await sendWebhook(`${gateway.url}/webhook`, SECRET, `not_a_github_event_${index}`, issue)).status).toBe(202);
    }

    const after = await metrics();
    expect(statuses.filter((status) => status !== 401)).toEqual([]);
    expect(glintSeriesOf(after)).toEqual(glintSeriesOf(before));
    expect(after).toMatch(new RegExp(`glint_webhooks_received_total\\{event="unverified",service="gateway"\\} ${MADE_UP + 2}\\b`));
    expect(after).toMatch(/glint_webhooks_accepted_total\{event="other",service="gateway"\} 21\b/);
    const eventLabels = [...after.matchAll(/glint_webhooks_(?:received|accepted)_total\{event="([^"]*)"/g)].map((match) => match[1]);
    expect(eventLabels.filter((label) => !GITHUB_EVENT_NAMES.has(label) && label !== 'other' && label !== 'unverified')).toEqual([]);
  });
});
