import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { BODY_LIMIT_BYTES, CatalogError, TOO_LARGE } from './catalog-error';

/**
 * Parses JSON request bodies of up to 1 MiB, Port's limit, and answers 413 with Port's message beyond it (the
 * framework's own parser would answer 100 KB and its own error shape). An empty body leaves `request.body` undefined.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') {
      next();
      return;
    }
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > BODY_LIMIT_BYTES) {
      refuse(response, TOO_LARGE, true);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        refused = true;
        refuse(response, TOO_LARGE, true);
        return;
      }
      chunks.push(chunk);
    });
    // The request broke off (the client left, or the server's request timeout answered 408 and closed the
    // connection): nobody is left to answer, and it is no failure of the catalog's.
    request.on('error', () => {
      refused = true;
    });
    request.on('end', () => {
      if (refused) return;
      const text = Buffer.concat(chunks, size).toString('utf8');
      if (text.trim() === '') {
        request.body = undefined;
        next();
        return;
      }
      try {
        request.body = JSON.parse(text) as unknown;
      } catch (error) {
        refuse(response, new CatalogError(400, 'invalid_json', `The request body is not valid JSON: ${(error as Error).message}`), false);
        return;
      }
      next();
    });
  }
}

function refuse(response: Response, error: CatalogError, closeConnection: boolean): void {
  // The rest of an oversized body is not read: close the connection rather than drain it.
  if (closeConnection) response.setHeader('connection', 'close');
  response.status(error.status).json(error.body());
}
