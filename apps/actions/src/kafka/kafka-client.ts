import { Logger } from '@nestjs/common';
import type { KafkaConfig } from '@glint/config';
import type { DependencyProbe } from '@glint/observability';
import { Kafka, KafkaConfig as KafkaJsConfig, LogEntry, logLevel } from 'kafkajs';
import { DependencyUnreachableError, isNetworkError } from '@glint/runtime';
import type { KafkaConnectionSource } from './kafka-connection';

/** Plaintext for a local broker; SASL_SSL with SCRAM-SHA-512 for Port's managed Kafka. */
function connectionOptions(config: KafkaConfig): Pick<KafkaJsConfig, 'brokers' | 'ssl' | 'sasl'> {
  return {
    brokers: config.brokers,
    ssl: config.sasl !== undefined,
    sasl: config.sasl && { mechanism: 'scram-sha-512', username: config.sasl.username, password: config.sasl.password.reveal() },
  };
}

const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|Connection timeout|Failed to connect to seed broker|KafkaJSNumberOfRetriesExceeded|KafkaJSConnectionError/;

export function createKafka(config: KafkaConfig, clientId: string): Kafka {
  const logger = new Logger('kafkajs');
  return new Kafka({
    ...connectionOptions(config),
    clientId,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const line = `${message} ${JSON.stringify(extra)}`;
        // An unreachable broker is reported by the consumer in one line per try (and on /health); kafkajs's own
        // lines for each connection attempt are for debugging.
        if (UNREACHABLE.test(line)) logger.debug(line);
        else if (level <= logLevel.ERROR) logger.error(line);
        else logger.warn(line);
      },
  });
}

/** Healthy when the cluster answers a metadata request; a fresh admin client each time, so a dead connection is never reused. */
export function kafkaProbe(config: KafkaConfig): DependencyProbe {
  const kafka = new Kafka({
    ...connectionOptions(config),
    clientId: 'glint-health',
    connectionTimeout: 1_500,
    requestTimeout: 1_500,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  return {
    name: 'kafka',
    async check() {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('the cluster reports no live broker');
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}

/** `kafkaProbe` once the connection is resolved; down, saying why, while the service still waits for it. */
export function kafkaSourceProbe(source: Pick<KafkaConnectionSource, 'current' | 'waiting' | 'brokersVariable'>): DependencyProbe {
  let probe: DependencyProbe | undefined;
  return {
    name: 'kafka',
    async check() {
      const connection = source.current();
      if (!connection) throw new Error(source.waiting() ?? 'no Kafka connection yet');
      probe ??= kafkaProbe(connection);
      try {
        await probe.check();
      } catch (error) {
        throw kafkaFailure(error, source, connection);
      }
    },
  };
}

/** `error`, or when the brokers could not be reached at all, one line naming them and where they come from. */
export function kafkaFailure(error: unknown, source: Pick<KafkaConnectionSource, 'brokersVariable'>, connection: KafkaConfig): unknown {
  return isNetworkError(error) ? new DependencyUnreachableError('Kafka', source.brokersVariable(), connection.brokers.join(','), error) : error;
}
