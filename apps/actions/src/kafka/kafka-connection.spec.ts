import { loadConfig } from '@glint/config';
import type { KafkaCredentials } from '@glint/catalog-client';
import { consumerGroupOf, KafkaConnectionSource, resolveKafkaConnection, runsTopicOf } from './kafka-connection';

const PORT = { PORT_CLIENT_ID: 'client', PORT_CLIENT_SECRET: 'secret', PORT_ORG_ID: 'org_1' };
const catalogAnswering = (credentials: KafkaCredentials | undefined) => {
  const asked: string[] = [];
  return { asked, catalog: { getKafkaCredentials: async () => (asked.push('credentials'), credentials) } };
};

describe('resolveKafkaConnection', () => {
  it("uses the catalog's credentials and brokers with SASL when only catalog credentials are set", async () => {
    const { catalog } = catalogAnswering({ brokers: ['b-1.example.com:9196', 'b-2.example.com:9196'], username: 'org_1', password: 'kafka-secret' });

    const sut = await resolveKafkaConnection(loadConfig(PORT, ['actions']), catalog);

    expect(sut.brokers).toEqual(['b-1.example.com:9196', 'b-2.example.com:9196']);
    expect(sut.sasl?.username).toBe('org_1');
    expect(sut.sasl?.password.reveal()).toBe('kafka-secret');
    expect(JSON.stringify(sut)).not.toContain('kafka-secret');
  });

  it('keeps KAFKA_BROKERS when the credentials name no brokers', async () => {
    const { catalog } = catalogAnswering({ brokers: [], username: 'org_1', password: 'kafka-secret' });

    const sut = await resolveKafkaConnection(loadConfig({ ...PORT, KAFKA_BROKERS: 'kafka.internal:9196' }, ['actions']), catalog);

    expect(sut).toMatchObject({ brokers: ['kafka.internal:9196'], sasl: { username: 'org_1' } });
  });

  it('uses the KAFKA_* settings when SASL is configured, when the catalog is the built-in one, and when the catalog has no credentials', async () => {
    const withSasl = loadConfig({ ...PORT, KAFKA_BROKERS: 'kafka.internal:9196', KAFKA_SASL_USERNAME: 'me', KAFKA_SASL_PASSWORD: 'pw' }, ['actions']);
    const builtIn = loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }, ['actions']);
    const glintCatalog = loadConfig({ ...PORT, KAFKA_BROKERS: '127.0.0.1:9092' }, ['actions']);
    const first = catalogAnswering({ brokers: [], username: 'x', password: 'y' });
    const none = catalogAnswering(undefined);

    expect(await resolveKafkaConnection(withSasl, first.catalog)).toBe(withSasl.kafka);
    expect(await resolveKafkaConnection(builtIn, first.catalog)).toBe(builtIn.kafka);
    expect(first.asked).toEqual([]);
    expect(await resolveKafkaConnection(glintCatalog, none.catalog)).toBe(glintCatalog.kafka);
    expect(none.asked).toEqual(['credentials']);
  });

  it("names Port's topic and an org-prefixed consumer group", () => {
    expect(runsTopicOf('org_1')).toBe('org_1.runs');
    expect(consumerGroupOf('org_1')).toBe('org_1.glint-actions');
  });
});

describe('KafkaConnectionSource', () => {
  it('keeps asking a catalog that does not answer, saying meanwhile what it waits for, until it gets the credentials', async () => {
    const config = loadConfig({ ...PORT, PORT_URL: 'http://catalog.internal:3000' }, ['actions']);
    let answers = 0;
    const catalog = {
      getKafkaCredentials: async () => {
        answers += 1;
        if (answers < 3) throw new Error('POST /v1/auth/access_token could not reach the catalog');
        return { brokers: ['b-1:9196'], username: 'org_1', password: 'kafka-secret' };
      },
    };

    const sut = new KafkaConnectionSource(config, catalog, { initialDelayMs: 1, maxDelayMs: 2 });
    expect(sut.current()).toBeUndefined();
    expect(sut.waiting()).toBe('waiting for the Kafka credentials from the catalog at http://catalog.internal:3000 (PORT_URL)');
    const connection = await sut.ready;

    expect(answers).toBe(3);
    expect(connection).toMatchObject({ brokers: ['b-1:9196'], sasl: { username: 'org_1' } });
    expect(sut.current()).toBe(connection);
    expect(sut.waiting()).toBeUndefined();
    expect(sut.brokersVariable()).toBe('the Kafka credentials from PORT_URL');
  });
});
