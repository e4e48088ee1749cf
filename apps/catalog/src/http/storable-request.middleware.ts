import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CatalogError } from './catalog-error';

/** Deeper bodies are refused: far deeper than any blueprint or entity, and well inside what JSON.stringify and Postgres' jsonb can nest. */
export const MAX_BODY_DEPTH = 256;

/** A UTF-16 surrogate without its pair (`"\ud800"` is valid JSON, but no Unicode text). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses, with a 422 that says where, what the database would fail on: the NUL character (U+0000), which Postgres
 * stores in no text or jsonb, in the URL (`%00`) or anywhere in the JSON body (`\u0000`); a lone surrogate in the body,
 * which jsonb refuses; and a body nested deeper than MAX_BODY_DEPTH. Runs after JsonBodyMiddleware, on the parsed body.
 */
@Injectable()
export class StorableRequestMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    const problem = unstorableRequestProblem(request.originalUrl, request.body);
    if (!problem) {
      next();
      return;
    }
    const error = CatalogError.invalid(problem);
    response.status(error.status).json(error.body());
  }
}

/** Why the catalog cannot store what this request carries, or undefined. */
export function unstorableRequestProblem(url: string, body: unknown): string | undefined {
  if (/%00/i.test(url)) return 'the URL has the NUL character (%00), which no identifier or value in the catalog can hold';
  return bodyProblem(body);
}

/** The first unstorable text (e.g. at `body/properties/notes`) or nesting too deep. Iterative: the body may nest deep. */
function bodyProblem(body: unknown): string | undefined {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: 'body', depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path, depth } = next;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return `${path} has ${problem}`;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth === MAX_BODY_DEPTH) return `body is nested more than ${MAX_BODY_DEPTH} levels deep (at ${path.slice(0, 200)}…)`;
    for (const [key, child] of Object.entries(value)) {
      const problem = textProblem(key);
      if (problem) return `${path} has a key with ${problem}`;
      pending.push({ value: child, path: `${path}/${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'the NUL character (\\u0000), which the catalog cannot store';
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate) return `a lone UTF-16 surrogate (\\u${surrogate[0].charCodeAt(0).toString(16)}), which is not Unicode text the catalog can store`;
  return undefined;
}
