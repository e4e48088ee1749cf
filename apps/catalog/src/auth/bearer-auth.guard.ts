import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { CatalogError } from '../http/catalog-error';
import { TokenIssuer } from './token-issuer';

/** The caller's identity, as recorded in createdBy/updatedBy. */
export interface Caller {
  clientId: string;
}

export type AuthenticatedRequest = Request & { caller?: Caller };

/** Every /v1 route but the token route needs `Authorization: Bearer <valid, unexpired token>`. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(@Inject(TokenIssuer) private readonly tokens: TokenIssuer) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (!header) throw CatalogError.unauthorized('Missing the Authorization header; send "Authorization: Bearer <accessToken>" from POST /v1/auth/access_token');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw CatalogError.unauthorized('The Authorization header must be "Bearer <accessToken>"');
    const check = this.tokens.check(match[1]);
    if (!check.ok) throw CatalogError.unauthorized(check.reason);
    request.caller = { clientId: check.clientId };
    return true;
  }
}

export function callerOf(request: AuthenticatedRequest): Caller {
  if (!request.caller) throw new Error('route is missing BearerAuthGuard');
  return request.caller;
}

/** `$datasource` of a write: the client's User-Agent, as Port records it. */
export function datasourceOf(request: Request): string | null {
  const agent = request.headers['user-agent'];
  return agent && agent.trim() !== '' ? agent : null;
}
