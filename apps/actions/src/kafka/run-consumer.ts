import { Logger } from '@nestjs/common';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { ConsumerHalted } from '../runs/run-processor';
import { errorMessage } from '@glint/runtime';

export interface RunMessage {
  topic: string;
  partition: number;
  offset: string;
  /** The producer's timestamp, milliseconds since the epoch as text (kafkajs). */
  timestamp: string;
  value: Buffer | null;
}

export type RunMessageHandler = (message: RunMessage, keepAlive: () => Promise<void>) => Promise<void>;

/** Partitions handled at once; each partition's messages one after the other, committed in order. */
export const PARTITIONS_IN_PARALLEL = 4;

/**
 * Consumes `<PORT_ORG_ID>.runs` with manual commits: a message's offset is committed once it was handled, whatever
 * the outcome (invalid and ignored messages included, so no poison message loops). A handler error leaves it
 * uncommitted, and kafkajs delivers it again; `ConsumerHalted` stops this consumer altogether, as a crash would.
 */
export class RunConsumer {
  private readonly logger = new Logger('actions');
  private consumer?: Consumer;
  private halted = false;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    readonly groupId: string,
    private readonly handle: RunMessageHandler,
  ) {}

  async start(): Promise<void> {
    // Port's topic exists already; a local broker creates `<org>.runs` on first use.
    const consumer = this.kafka.consumer({ groupId: this.groupId, sessionTimeout: 45_000, heartbeatInterval: 3_000 });
    this.consumer = consumer;
    try {
      await consumer.connect();
      // A new group starts at the beginning, as Port's agent does: a finished run in the catalog is skipped.
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, partitionsConsumedConcurrently: PARTITIONS_IN_PARALLEL, eachMessage: (payload) => this.eachMessage(payload) });
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.logger.log(`consuming ${this.topic} as group ${this.groupId}`);
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async eachMessage({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    if (this.halted) throw new ConsumerHalted('this consumer was halted; the message stays uncommitted');
    try {
      await this.handle({ topic, partition, offset: message.offset, timestamp: message.timestamp, value: message.value }, heartbeat);
    } catch (error) {
      if (error instanceof ConsumerHalted) {
        this.halted = true;
        this.logger.error(`${error.message}; the consumer stops without committing`);
        const consumer = this.consumer;
        setImmediate(() => void consumer?.stop().catch(() => undefined));
      } else {
        this.logger.error(`${topic}[${partition}]@${message.offset} failed and will be delivered again: ${errorMessage(error)}`);
      }
      throw error;
    }
    await this.consumer?.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  }
}
