/**
 * A dependency the service cannot reach, naming it, the variable that points at it and its address (never the URL
 * itself, which may carry a password), e.g. `cannot reach Redis at 127.0.0.1:6399 (REDIS_URL): connect ECONNREFUSED
 * 127.0.0.1:6399`. Printed as that one line when a service fails to start.
 */
export class DependencyUnreachableError extends Error {
  constructor(
    readonly dependency: string,
    readonly variable: string,
    readonly address: string,
    readonly reason: unknown,
  ) {
    super(`cannot reach ${dependency} at ${address} (${variable}): ${reasonOf(reason)}`);
    this.name = 'DependencyUnreachableError';
  }
}

/** `host:port` of a URL, with the scheme's default port when it names none, or the text itself when it is no URL. */
export function addressOf(url: string, defaultPort?: number): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (defaultPort === undefined ? '' : String(defaultPort));
    return port ? `${parsed.hostname}:${port}` : parsed.hostname;
  } catch {
    return url;
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** Whether `error` (or what it wraps) says the other side could not be reached at all, as opposed to refusing us. */
export function isNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof AggregateError && current.errors.some((inner) => isNetworkError(inner))) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (/timeout|timed out|Connection terminated|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/i.test(current.message)) return true;
  }
  return false;
}

function reasonOf(reason: unknown): string {
  if (reason instanceof AggregateError && reason.errors.length > 0) return reasonOf(reason.errors[0]);
  if (reason instanceof Error) return reason.message || (typeof (reason as { code?: unknown }).code === 'string' ? String((reason as { code?: unknown }).code) : reason.name);
  return String(reason);
}
