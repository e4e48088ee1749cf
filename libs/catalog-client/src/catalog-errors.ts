/** A catalog API answer that is not a success, with the API's own `error` and `message`. */
export class CatalogApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly route: string,
    readonly error?: string,
    readonly apiMessage?: string,
  ) {
    super(message);
    this.name = 'CatalogApiError';
  }

  /** 408, 429, 5xx and network failures (status 0) may succeed on the next try; the client retries them itself. */
  get retryable(): boolean {
    return isRetryableStatus(this.status);
  }

  /**
   * The catalog could not take the request at all (down, unreachable, overloaded, or its credentials not accepted),
   * as opposed to refusing what was sent: nothing is wrong with the entity, so it must not be dead-lettered for it.
   */
  get unavailable(): boolean {
    return isUnavailableStatus(this.status);
  }
}

/** The catalog refused the client credentials: unavailable until they are fixed (a rotated or wrong secret). */
export class CatalogAuthenticationError extends CatalogApiError {
  constructor(message: string, status: number, route: string) {
    super(message, status, route);
    this.name = 'CatalogAuthenticationError';
  }

  override get unavailable(): boolean {
    return true;
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/**
 * Answers that say nothing about the request's content: no answer (0), 401 (a token that even a renewed one did not
 * cure), 408, 429 and 5xx. Any other 4xx is the catalog refusing what was sent.
 */
export function isUnavailableStatus(status: number): boolean {
  return isRetryableStatus(status) || status === 401;
}

/** A catalog error that is the catalog being unavailable (see `CatalogApiError.unavailable`), not a refusal. */
export function isCatalogUnavailable(error: unknown): error is CatalogApiError {
  return error instanceof CatalogApiError && error.unavailable;
}
