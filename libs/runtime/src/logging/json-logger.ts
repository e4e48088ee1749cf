import { hostname } from 'node:os';
import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from '@glint/config';
import { DestinationStream, Logger as Pino, pino } from 'pino';
import { currentLogContext } from './log-context';
import { Redactor } from './redactor';

type PinoLevel = LogLevel;

const NEST_LEVELS: Record<NestLogLevel, PinoLevel> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };
const PINO_ORDER: readonly PinoLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const STACK_TRACE = /\n\s+at /;
const BOOT_FAILURE_CONTEXT = 'ExceptionHandler';

export interface ServiceLoggerOptions {
  /** Literal values to blank out of every line (see secretValuesOf). */
  secrets?: Iterable<string>;
  /** Where lines go; standard output, written synchronously so nothing is lost when the process exits. */
  destination?: DestinationStream;
}

/**
 * Nest's LoggerService on pino: one JSON object per line, with the level's name, an ISO time, the service, the
 * logger's context (`new Logger('events')`), the fields of the current log context (delivery id, group key,
 * installation, sync id, run id) and the fields passed as objects, every value redacted.
 *
 * Structured fields: `logger.warn('resync failed', { syncId, kind })`; an Error argument becomes `err`.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly pino: Pino,
    private readonly redactor: Redactor,
  ) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    // Nest's report of a failed boot: runMain prints it as one line, so the log keeps its stack for debug only.
    this.write(params[params.length - 1] === BOOT_FAILURE_CONTEXT ? 'debug' : 'error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest's way to change levels: the most detailed level named wins. */
  setLogLevels(levels: NestLogLevel[]): void {
    const enabled = levels.map((level) => NEST_LEVELS[level]).sort((a, b) => PINO_ORDER.indexOf(a) - PINO_ORDER.indexOf(b));
    this.pino.level = enabled[0] ?? 'silent';
  }

  private write(level: PinoLevel, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    // Nest's Logger appends its context as the last argument (after `undefined` for an error without a stack).
    let context: string | undefined;
    const last = rest[rest.length - 1];
    if (rest.length > 0 && typeof last === 'string' && !STACK_TRACE.test(last)) {
      context = last;
      rest.pop();
    }
    const fields: Record<string, unknown> = {};
    const texts: string[] = [];
    const take = (value: unknown) => {
      if (value === undefined) return;
      if (value instanceof Error) fields['err'] = value;
      else if (typeof value === 'string') {
        if (STACK_TRACE.test(value)) fields['stack'] = value;
        else texts.push(value);
      } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) Object.assign(fields, value);
      else texts.push(String(value));
    };
    if (message instanceof Error) {
      texts.push(message.message);
      fields['err'] = message;
    } else if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
      const { msg, ...others } = message as Record<string, unknown>;
      if (typeof msg === 'string') texts.push(msg);
      Object.assign(fields, others);
    } else if (message !== undefined) texts.push(typeof message === 'string' ? message : String(message));
    for (const param of rest) take(param);

    const scope = currentLogContext();
    const record = { ...scope, service: scope.service ?? this.service, ...(context ? { context } : {}), ...fields };
    this.pino[level](this.redactor.value(record) as object, this.redactor.text(texts.join(' ')));
  }
}

export function createJsonLogger(service: string, level: LogLevel, options: ServiceLoggerOptions = {}): JsonLogger {
  const logger = pino(
    {
      level,
      base: { pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors are already plain and redacted (Redactor); pino's own serializer would re-shape them.
      serializers: { err: (value: unknown) => value },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return new JsonLogger(service, logger, new Redactor(options.secrets));
}
