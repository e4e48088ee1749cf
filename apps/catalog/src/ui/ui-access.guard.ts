import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { CatalogError } from '../http/catalog-error';

export const UI_CREDENTIALS = Symbol('UI_CREDENTIALS');

/** The pair the UI asks for with HTTP Basic auth, or undefined to leave it open (only with the built-in local pair). */
export type UiCredentials = { clientId: string; clientSecret: string } | undefined;

/**
 * With configured catalog credentials the browse UI asks for them (HTTP Basic: client id and secret), so it shows
 * no more than the API would; with the built-in local pair the API is open to anyone anyway, and so is the UI.
 */
@Injectable()
export class UiAccessGuard implements CanActivate {
  constructor(@Inject(UI_CREDENTIALS) private readonly credentials: UiCredentials) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.credentials) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (match) {
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      if (separator >= 0 && same(decoded.slice(0, separator), this.credentials.clientId) && same(decoded.slice(separator + 1), this.credentials.clientSecret)) return true;
    }
    context.switchToHttp().getResponse<Response>().setHeader('www-authenticate', 'Basic realm="Glint catalog", charset="UTF-8"');
    throw CatalogError.unauthorized('Sign in with the catalog client id and client secret');
  }
}

function same(a: string, b: string): boolean {
  const digest = (text: string): Buffer => createHmac('sha256', 'compare').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
