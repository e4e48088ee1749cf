import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startGateway } from '@glint/gateway';
import { startMapper } from '@glint/mapper';
import { DEAD_LETTER_TEXT_LIMIT_BYTES, DeadLetteredEvent, jobIdForDelivery, partitionQueueName, QueueName } from '@glint/queue';
import type { RunningService } from '@glint/runtime';
import { createTemporaryDatabase, GithubSimulator, PrivateRedisServer, sendWebhook, TemporaryDatabase, testConfig, waitFor } from '@glint/testing';
import { runDlqCommand } from './dlq/dlq';

const SECRET = 'deep-payload-secret';
const PARTITIONS = 2;
const DEPTH = 100_000;

/**
 * A signed pull_request payload with an object nested 100,000 levels deep (600 KB): JSON.parse takes it, the mapper's
 * jq mapping cannot (structured clone and JSON.stringify recurse), so every attempt throws RangeError. Its dead letter
 * must still be written and read back, without walking the payload.
 */
describe('a webhook nested 100,000 levels deep whose handler throws, through the gateway and the mapper on the GitHub simulator', () => {
  let sim: GithubSimulator;
  let redis: PrivateRedisServer;
  let database: TemporaryDatabase;
  const running: RunningService[] = [];
  let inspector: Redis;

  beforeAll(async () => {
    sim = await GithubSimulator.start({ seed: 5, organizations: 1, reposPerOrg: 1, pullRequestsPerRepo: 1 });
    redis = await PrivateRedisServer.start();
    database = await createTemporaryDatabase('deep_payload');
    const config = await testConfig(
      {
        APP_ID: String(sim.appId),
        PRIVATE_KEY: Buffer.from(sim.appPrivateKeyPem).toString('base64'),
        GHE_HOST: new URL(sim.url).host,
        GHE_PROTOCOL: 'http',
        RESYNC_INTERVAL_MINUTES: '0',
        REDELIVERY_SWEEP_MINUTES: '0',
        SEND_RAW_DATA_EXAMPLES: 'false',
        REDIS_URL: redis.url,
        DATABASE_URL: database.url,
        WEBHOOK_SECRET: SECRET,
        EVENT_PARTITIONS: String(PARTITIONS),
        EVENT_WORKERS_COUNT: '2',
        LOG_LEVEL: 'fatal',
      },
      ['gateway', 'mapper'],
    );
    running.push(await startMapper(config, { resyncAtStart: false }), await startGateway(config));
    inspector = new Redis(redis.url);
  }, 60_000);

  afterAll(async () => {
    inspector?.disconnect();
    for (const service of running.reverse()) await service.app.close();
    await database?.drop();
    await redis?.destroy();
    await sim?.close();
  });

  function deepPullRequestPayload(): string {
    const organization = sim.state.organizations[0];
    const repository = organization?.repos.find((candidate) => candidate.name !== '.github-private');
    if (!organization || !repository) throw new Error('the simulator has no repository');
    const deep = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
    return (
      `{"action":"opened","number":5,"pull_request":{"number":5,"id":77,"title":"deep","state":"open","updated_at":"2026-01-01T00:00:00Z","nested":${deep}},` +
      `"repository":{"id":${repository.id},"name":"${repository.name}","full_name":"${organization.login}/${repository.name}","owner":{"login":"${organization.login}","id":1}},` +
      `"installation":{"id":${organization.installationId}}}`
    );
  }

  it('becomes a dead letter naming its error, listed by glint dlq and counted, its payload kept as sent, nothing left in a failed set', async () => {
    const body = deepPullRequestPayload();
    const sent = await sendWebhook(`${running[1]?.url}/webhook`, SECRET, 'pull_request', body);
    expect(sent.status).toBe(202);
    const partition = Number(sent.body['partition']);

    const deadLetters = new Queue(QueueName.EventsDeadLetter, { connection: inspector, prefix: 'glint' });
    const failedSet = new Queue(partitionQueueName(QueueName.Events, partition), { connection: inspector, prefix: 'glint' });
    try {
      await waitFor('the event to be dead-lettered', async () => ((await deadLetters.count()) === 1 ? true : undefined), 90_000);

      const lines: string[] = [];
      const exitCode = await runDlqCommand(['list', '--queue', 'events'], { REDIS_URL: redis.url, EVENT_PARTITIONS: String(PARTITIONS) }, { out: (line) => lines.push(line), err: () => undefined });
      expect(exitCode).toBe(0);
      expect(lines).toHaveLength(1);
      expect(lines[0]?.split('\t').slice(0, 4)).toEqual(['events', jobIdForDelivery(sent.deliveryId), expect.stringMatching(/^pull_request\.opened repo-\d+\/pr-5$/), 'RangeError: Maximum call stack size exceeded']);

      const letter = (await deadLetters.getJob(jobIdForDelivery(sent.deliveryId)))?.data as DeadLetteredEvent | undefined;
      expect(letter?.payloadJson).toBe(body);
      expect(letter?.payloadTruncatedFromBytes).toBeUndefined();
      expect(letter?.attempts).toBe(5);
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(DEAD_LETTER_TEXT_LIMIT_BYTES);
      // What Redis holds for it: the payload as one JSON string (quotes escaped), not a re-serialised tree.
      expect(await inspector.hstrlen(deadLetters.toKey(jobIdForDelivery(sent.deliveryId)), 'data')).toBeLessThan(2 * DEAD_LETTER_TEXT_LIMIT_BYTES);

      expect(await failedSet.getFailedCount()).toBe(0);
      expect(await inspector.exists(`glint:payloads:${sent.deliveryId}`)).toBe(0);
      const metrics = await (await fetch(`${running[1]?.url}/metrics`)).text();
      expect(metrics).toMatch(/^glint_event_dlq_size\{service="gateway"\} 1$/m);
      expect(metrics).toMatch(new RegExp(`^glint_failed_jobs\\{queue="events-p${partition}",service="gateway"\\} 0$`, 'm'));
    } finally {
      await deadLetters.close();
      await failedSet.close();
    }
  }, 120_000);
});
