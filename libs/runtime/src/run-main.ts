import { Logger } from '@nestjs/common';
import { ConfigError, GlintConfig, loadConfig, ServiceName } from '@glint/config';
import { setProcessLogContext, withServiceLogContext } from './logging/log-context';
import { Redactor } from './logging/redactor';
import { secretValuesOf } from './logging/secret-values';
import { GracefulShutdown } from './shutdown';
import type { RunningService } from './start-service';

/**
 * The entry point of every process: validates the environment once for the services about to run, then
 * starts them. A bad configuration or a failed boot ends the process with one clear message and exit code 1.
 * On SIGTERM or SIGINT the services stop in reverse start order within SHUTDOWN_GRACE_SECONDS (see GracefulShutdown).
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
  // Several services in one process (`glint all`) are told apart by their log scopes; one service names the process.
  if (services.length === 1 && services[0]) setProcessLogContext(services[0]);
  let running: RunningService[];
  try {
    running = await withServiceLogContext('glint', () => start(config));
  } catch (error) {
    // One line naming what failed; the stack only for those who asked for it.
    const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
    const reason = error instanceof Error && verbose ? (error.stack ?? error.message) : oneLine(error);
    process.stderr.write(`glint: ${services.join(', ')} failed to start: ${new Redactor(secretValuesOf(config)).text(reason)}\n`);
    process.exit(1);
  }
  new GracefulShutdown(running, { graceMs: config.shutdownGraceSeconds * 1000, logger: new Logger('glint'), exit: (code) => process.exit(code) }).listen();
}

function oneLine(error: unknown): string {
  if (error instanceof AggregateError && !error.message && error.errors.length > 0) return oneLine(error.errors[0]);
  if (!(error instanceof Error)) return String(error);
  return error.message.split('\n')[0] || error.name;
}
