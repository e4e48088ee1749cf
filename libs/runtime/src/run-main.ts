import { Logger } from '@nestjs/common';
import { ConfigError, GlintConfig, loadConfig, ServiceName } from '@glint/config';
import type { RunningService } from './start-service';

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * The entry point of every process: validates the environment once for the services about to run, then
 * starts them. A bad configuration or a failed boot ends the process with one clear message and exit code 1.
 * On SIGTERM or SIGINT the services close in reverse start order, so producers stop before their consumers.
 */
export async function runMain(
  services: readonly ServiceName[],
  start: (config: GlintConfig) => Promise<RunningService[]>,
): Promise<void> {
  let config: GlintConfig;
  try {
    config = loadConfig(process.env, services);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`glint: cannot start ${services.join(', ')}.\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  let running: RunningService[];
  try {
    running = await start(config);
  } catch (error) {
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`glint: ${services.join(', ')} failed to start: ${reason}\n`);
    process.exit(1);
  }
  const shutdown = async (signal: string) => {
    new Logger('glint').log(`${signal} received, closing ${running.map((service) => service.name).join(', ')}`);
    for (const service of [...running].reverse()) await service.app.close();
    process.exit(0);
  };
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, (name) => void shutdown(name));
}
