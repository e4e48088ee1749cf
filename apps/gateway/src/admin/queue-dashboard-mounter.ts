import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import type { GlintConfig } from '@glint/config';
import { createQueueDashboard, QUEUE_DASHBOARD_PATH, QueueDashboard } from '@glint/queue';
import type { Redis } from 'ioredis';

/**
 * Mounts the queue dashboard (Bull Board) at /admin/queues behind HTTP basic auth when ADMIN_USERNAME and
 * ADMIN_PASSWORD are set. Mounted at module init: after Nest's routes, before its not-found handler.
 */
export class QueueDashboardMounter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('admin');
  private dashboard?: QueueDashboard;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly connection: Redis,
    private readonly config: GlintConfig,
  ) {}

  onModuleInit(): void {
    const { admin } = this.config;
    if (!admin) {
      this.logger.log(`queue dashboard off: set ADMIN_USERNAME and ADMIN_PASSWORD to serve it at ${QUEUE_DASHBOARD_PATH}`);
      return;
    }
    this.dashboard = createQueueDashboard({
      connection: this.connection,
      partitions: this.config.events.partitions,
      credentials: { username: admin.username, password: admin.password.reveal() },
    });
    this.adapterHost.httpAdapter.use(QUEUE_DASHBOARD_PATH, this.dashboard.handler);
    this.logger.log(`queue dashboard at ${QUEUE_DASHBOARD_PATH} (basic auth as ${admin.username})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dashboard?.close();
  }
}
