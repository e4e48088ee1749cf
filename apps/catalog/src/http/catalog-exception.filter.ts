import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { CatalogError, ErrorBody } from './catalog-error';

const NEST_ERROR_NAMES: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large' };

/** Every failure leaves the catalog as Port's `{ok: false, error, message}`; unexpected ones are logged and answer 500. */
@Catch()
export class CatalogExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('catalog');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.answer(exception);
    if (response.headersSent) return;
    response.status(status).json(body);
  }

  private answer(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof CatalogError) return { status: exception.status, body: exception.body() };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) return { status, body: { ok: false, error: NEST_ERROR_NAMES[status] ?? 'bad_request', message: exception.message } };
    }
    this.logger.error(`request failed: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`);
    return { status: 500, body: { ok: false, error: 'internal_error', message: 'The catalog failed to handle this request' } };
  }
}
