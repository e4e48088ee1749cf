import { createServer } from 'node:http';
import { applyHttpServerLimits, HTTP_SERVER_LIMITS } from './http-server-limits';

describe('applyHttpServerLimits', () => {
  it('sets the headers, request and keep-alive timeouts and the connection limit, and checks for expired requests often enough', () => {
    const server = createServer();

    applyHttpServerLimits(server, { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, keepAliveTimeoutMs: 3_000, maxConnections: 7 });

    expect(server).toMatchObject({ headersTimeout: 1_000, requestTimeout: 2_000, keepAliveTimeout: 3_000, maxConnections: 7, connectionsCheckingInterval: 250 });
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(() => applyHttpServerLimits(createServer(), { ...HTTP_SERVER_LIMITS, headersTimeoutMs: 31_000, requestTimeoutMs: 30_000 })).toThrow(/headers timeout .* must not be longer than the request timeout/);
  });
});
