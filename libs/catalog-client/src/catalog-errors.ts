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

  /** 429, 5xx and network failures (status 0) may succeed later; everything else will not. */
  get retryable(): boolean {
    return isRetryableStatus(this.status);
  }
}

export class CatalogAuthenticationError extends CatalogApiError {
  constructor(message: string, status: number, route: string) {
    super(message, status, route);
    this.name = 'CatalogAuthenticationError';
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}
