import type { LoggerService } from '@nestjs/common';
import { withServiceLogContext } from './logging/log-context';

export interface StoppableService {
  name: string;
  app: { close(): Promise<void> };
}

export interface ShutdownOptions {
  graceMs: number;
  logger: Pick<LoggerService, 'log' | 'error' | 'warn'>;
  /** process.exit, or a stand-in in tests. */
  exit: (code: number) => void;
}

export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** The same signal twice within this window is one signal delivered twice. */
const DUPLICATE_SIGNAL_WINDOW_MS = 1_000;

/**
 * Stops the services in reverse start order (the gateway, started last, stops taking webhooks first), each through
 * its Nest shutdown hooks: workers stop fetching, finish or hand back the jobs they hold, connections close. Exits 0
 * when all closed, 1 when one failed or the grace period ran out first (what was still running is taken up again by
 * another process or after the restart: a job's lock expires, an uncommitted Kafka offset is redelivered).
 */
export class GracefulShutdown {
  private stopping = false;
  private firstSignal?: string;
  private firstSignalAt = 0;

  constructor(
    private readonly services: readonly StoppableService[],
    private readonly options: ShutdownOptions,
  ) {}

  /** Calls `stop` on the first SIGTERM or SIGINT; a second signal exits at once (unless it is the first one's echo). */
  listen(): void {
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, (name) => void withServiceLogContext('glint', () => this.stop(name)));
  }

  async stop(reason: string): Promise<void> {
    const { logger, exit, graceMs } = this.options;
    if (this.stopping) {
      // One Ctrl-C or `timeout` reaches the whole process group, and wrappers (npm, scripts/start.mjs) forward it
      // too: the same signal again at once is that echo, not an operator insisting.
      if (reason === this.firstSignal && Date.now() - this.firstSignalAt < DUPLICATE_SIGNAL_WINDOW_MS) return;
      logger.warn(`${reason} received again while stopping: exiting now`);
      exit(1);
      return;
    }
    this.stopping = true;
    this.firstSignal = reason;
    this.firstSignalAt = Date.now();
    const names = this.services.map((service) => service.name).join(', ');
    logger.log(`${reason} received: stopping ${names} within ${graceMs / 1000} s`);
    const deadline = setTimeout(() => {
      logger.error(`not stopped within ${graceMs / 1000} s (SHUTDOWN_GRACE_SECONDS): exiting with work in flight, which is taken up again after its lock expires`);
      exit(1);
    }, graceMs);
    let failed = false;
    for (const service of [...this.services].reverse()) {
      try {
        await withServiceLogContext(service.name, () => service.app.close());
      } catch (error) {
        failed = true;
        logger.error(`${service.name} failed to stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    clearTimeout(deadline);
    logger.log(`stopped ${names}`);
    exit(failed ? 1 : 0);
  }
}
