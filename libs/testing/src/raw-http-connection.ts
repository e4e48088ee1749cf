import { connect, Socket } from 'node:net';

/**
 * A bare TCP connection to an HTTP server, for what the server does with a client that is silent, slow or idle:
 * send what you like, see what came back and whether the server closed the connection.
 */
export class RawHttpConnection {
  private text = '';
  private isClosed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.text += chunk.toString('latin1')));
    socket.on('close', () => (this.isClosed = true));
    // A reset is one more way for the server to close it.
    socket.on('error', () => undefined);
  }

  static open(url: string): Promise<RawHttpConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.off('error', reject);
        resolve(new RawHttpConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Everything the server sent so far. */
  get received(): string {
    return this.text;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
