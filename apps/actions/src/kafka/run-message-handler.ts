import { Logger } from '@nestjs/common';
import type { ActionsMetrics } from '../actions-metrics';
import { parseRunMessage } from '../messages/run-message';
import type { MessageSource } from '../runs/action-run-store';
import type { RunProcessor } from '../runs/run-processor';
import type { RunMessage } from './run-consumer';

/** One Kafka message: parsed once, then dispatched, failed with its reason, or ignored. */
export class RunMessageHandler {
  private readonly logger = new Logger('actions');

  constructor(
    private readonly processor: RunProcessor,
    private readonly metrics: ActionsMetrics,
  ) {}

  async handle(message: RunMessage, keepAlive?: () => Promise<void>): Promise<void> {
    this.metrics.count('received');
    const where = `${message.topic}[${message.partition}]@${message.offset}`;
    const timestamp = Number(message.timestamp);
    const source: MessageSource = { topic: message.topic, partition: message.partition, offset: message.offset, producedAt: new Date(Number.isFinite(timestamp) ? timestamp : Date.now()) };
    const parsed = parseRunMessage(message.value);
    switch (parsed.kind) {
      case 'invalid':
        this.metrics.count('invalid');
        this.logger.warn(`invalid message ${where}${parsed.runId ? ` (run ${parsed.runId}, marked FAILURE)` : ''}: ${parsed.reason}`);
        if (parsed.runId) await this.processor.failInvalid(parsed.runId, parsed.reason, source);
        return;
      case 'ignored':
        this.metrics.count('ignored');
        this.logger.log(`ignored message ${where}${parsed.runId ? ` (run ${parsed.runId})` : ''}: ${parsed.reason}`);
        return;
      case 'dispatch':
        await this.processor.dispatchRun(parsed.request, source, keepAlive);
        return;
    }
  }
}
