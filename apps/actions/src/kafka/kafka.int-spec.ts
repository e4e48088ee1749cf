import { randomUUID } from 'node:crypto';
import { loadConfig } from '@glint/config';
import { testServices } from '@glint/testing';
import { Consumer, Partitioners, Producer } from 'kafkajs';
import { createKafka, kafkaProbe } from './kafka-client';

describe('Kafka client on the real broker', () => {
  const config = loadConfig({ KAFKA_BROKERS: testServices.kafkaBrokers.join(',') }, ['actions']);
  const kafka = createKafka(config.kafka, 'glint-test');
  let producer: Producer;
  let consumer: Consumer;

  afterAll(async () => {
    await producer?.disconnect();
    await consumer?.disconnect();
  });

  it('round-trips a message through a topic', async () => {
    const topic = `glint-test-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'run-1', value: JSON.stringify({ runId: 'run-1' }) }] });

    consumer = kafka.consumer({ groupId: `glint-test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: unknown }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => resolve({ key: String(message.key), value: JSON.parse(String(message.value)) }),
      });
    });

    expect(received).toEqual({ key: 'run-1', value: { runId: 'run-1' } });
  });

  it('probes the broker as healthy, and a port without a broker as down', async () => {
    await expect(kafkaProbe(config.kafka).check()).resolves.toBeUndefined();
    const nowhere = loadConfig({ KAFKA_BROKERS: '127.0.0.1:1' }, ['actions']);
    await expect(kafkaProbe(nowhere.kafka).check()).rejects.toThrow();
  });
});
