import { Controller, Get, Inject } from '@nestjs/common';
import { QueueOverview, QueueSummary } from '@glint/queue';
import { SyncStatusStore } from './sync-status';

/** `GET /status`: the last resync of each installation, with per-kind progress and errors; dead-letter counts and event lag. */
@Controller()
export class StatusController {
  constructor(
    @Inject(SyncStatusStore) private readonly status: SyncStatusStore,
    @Inject(QueueOverview) private readonly queues: QueueOverview,
  ) {}

  @Get('status')
  async current(): Promise<{ resyncs: unknown[]; queues: QueueSummary }> {
    const [resyncs, queues] = await Promise.all([this.status.all(), this.queues.summary()]);
    return { resyncs: resyncs.sort((a, b) => a.organization.localeCompare(b.organization)), queues };
  }
}
