/** The error body every catalog route answers with, as Port's API does: `{ok: false, error, message}`. */
export interface ErrorBody {
  ok: false;
  error: string;
  message: string;
}

/** A request the catalog refuses, with Port's status code and error name. */
export class CatalogError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }

  body(): ErrorBody {
    return { ok: false, error: this.error, message: this.message };
  }

  static notFound(message = 'A resource with the provided identifier was not found'): CatalogError {
    return new CatalogError(404, 'not_found', message);
  }

  /** 422, Port's answer to a body or query that does not match the route's schema. */
  static invalid(message: string): CatalogError {
    return new CatalogError(422, 'invalid_request', message);
  }

  static unauthorized(message: string): CatalogError {
    return new CatalogError(401, 'unauthorized', message);
  }

  static conflict(error: string, message: string): CatalogError {
    return new CatalogError(409, error, message);
  }
}

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const TOO_LARGE = new CatalogError(413, 'payload_too_large', 'Request body is too large (limit is 1MiB)');
