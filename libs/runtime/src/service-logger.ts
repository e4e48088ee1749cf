import { ConsoleLogger, LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from '@glint/config';

const NEST_LEVELS: Record<LogLevel, NestLogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** JSON lines when output goes to a collector, readable lines on a terminal; each line names its service. */
export function createServiceLogger(service: string, level: LogLevel): ConsoleLogger {
  return new ConsoleLogger(service, {
    json: !process.stdout.isTTY,
    colors: process.stdout.isTTY,
    logLevels: NEST_LEVELS[level],
  });
}
