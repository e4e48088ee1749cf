import { connect } from 'node:net';

export interface RawHttpAnswer {
  /** The status of the final (non-1xx) response. */
  status: number;
  /** Header names in lowercase; repeated ones joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends `request` byte for byte (no client validates or fixes it up) and reads the answer until the server
 * closes the connection, so the request should carry `connection: close`. Rejects when no complete answer
 * came within `timeoutMs`, or when the server closed without one.
 */
export function rawHttpExchange(host: string, port: number, request: Buffer, timeoutMs = 15_000): Promise<RawHttpAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const received: Buffer[] = [];
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const timer = setTimeout(() => settle(() => reject(new Error(`no complete HTTP answer within ${timeoutMs} ms (received ${Buffer.concat(received).length} bytes)`))), timeoutMs);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    // The server may answer and close while the request is still being written (e.g. 413): a reset after an answer is that answer.
    const finish = (error?: Error) => {
      const answer = parseAnswer(Buffer.concat(received));
      settle(() => (answer ? resolve(answer) : reject(error ?? new Error(`the server closed the connection without an answer (${Buffer.concat(received).length} bytes)`))));
    };
    socket.on('error', finish);
    socket.on('close', () => finish());
    socket.write(request, () => undefined);
  });
}

function parseAnswer(bytes: Buffer): RawHttpAnswer | undefined {
  let rest = bytes;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...headerLines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!status) return undefined;
    rest = rest.subarray(end + 4);
    if (Number(status[1]) < 200) continue;
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const length = headers['content-length'];
    return { status: Number(status[1]), headers, body: length === undefined ? rest : rest.subarray(0, Number(length)) };
  }
}
