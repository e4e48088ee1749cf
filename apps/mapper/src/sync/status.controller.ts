import { Controller, Get, Inject } from '@nestjs/common';
import { SyncStatusStore } from './sync-status';

/** `GET /status`: the last resync of each installation, with per-kind progress and errors. */
@Controller()
export class StatusController {
  constructor(@Inject(SyncStatusStore) private readonly status: SyncStatusStore) {}

  @Get('status')
  async current(): Promise<{ resyncs: unknown[] }> {
    const resyncs = await this.status.all();
    return { resyncs: resyncs.sort((a, b) => a.organization.localeCompare(b.organization)) };
  }
}
