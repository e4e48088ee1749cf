import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CatalogError } from '../http/catalog-error';
import { IssuedToken, TokenIssuer } from './token-issuer';

@Controller('v1/auth')
export class AuthController {
  constructor(@Inject(TokenIssuer) private readonly tokens: TokenIssuer) {}

  @Post('access_token')
  @HttpCode(200)
  accessToken(@Body() body: unknown): { ok: true } & IssuedToken {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw CatalogError.invalid('body must be an object with clientId and clientSecret');
    const { clientId, clientSecret, ...rest } = body as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) throw CatalogError.invalid(`body must NOT have additional properties (${extra.join(', ')})`);
    if (typeof clientId !== 'string' || typeof clientSecret !== 'string') throw CatalogError.invalid('body must have the strings clientId and clientSecret');
    const token = this.tokens.issue(clientId, clientSecret);
    if (!token) throw CatalogError.unauthorized('The client id or client secret is wrong');
    return { ok: true, ...token };
  }
}
