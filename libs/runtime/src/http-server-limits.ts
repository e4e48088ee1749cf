import type { Server } from 'node:http';

/** How long every service's HTTP server waits on a client, and how many connections it keeps at once. */
export interface HttpServerLimits {
  /** The request line and headers must arrive within this from the start of a request (or of a silent connection). */
  headersTimeoutMs: number;
  /** The whole request, headers and body; past it the server answers 408 and closes the connection. */
  requestTimeoutMs: number;
  /** How long a connection may stay idle after an answer before the server closes it. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; the server closes any more as they arrive. */
  maxConnections: number;
}

/**
 * Sized for webhooks: GitHub gives up on a delivery after 10 s (GitHub Enterprise Server after 30 s), so a request
 * whose headers are not in after 15 s, or that is not complete after 30 s, is no delivery anyone still waits for.
 * Idle keep-alive connections stay 65 s, longer than the 60 s a load balancer in front usually keeps its idle
 * connections (AWS ALB, ingress-nginx), so it is the balancer that closes them and never sends a request on a
 * connection the service is closing (a 502 to GitHub). A connection that never sends a request is closed by the
 * headers timeout.
 */
export const HTTP_SERVER_LIMITS: HttpServerLimits = {
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 1_000,
};

/** Applies `limits` to a server that is not listening yet. */
export function applyHttpServerLimits(server: Server, limits: HttpServerLimits): void {
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error(`the headers timeout (${limits.headersTimeoutMs} ms) must not be longer than the request timeout (${limits.requestTimeoutMs} ms)`);
  }
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  // Node looks for expired headers and requests on this interval (30 s by default, which would let either run up to
  // 30 s late), read when the server starts listening; @types/node only knows it as a createServer option.
  Object.assign(server, { connectionsCheckingInterval: Math.min(1_000, Math.ceil(limits.headersTimeoutMs / 4)) });
}
