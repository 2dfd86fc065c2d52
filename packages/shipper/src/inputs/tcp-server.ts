import { createServer, type Server, type Socket } from 'node:net';
import { ConfigError, type Logger } from '@sluice/core';

/** Binds a TCP server, turning EADDRINUSE/EACCES into a config error that names the address. */
export async function listenTcp(server: Server, host: string, port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new ConfigError(`cannot listen for ${what} on ${host}:${port}: ${error.code ?? error.message}`, {
          cause: error,
          hint:
            error.code === 'EADDRINUSE'
              ? 'another process uses that port; pick another port'
              : 'ports below 1024 need privileges; pick a higher port',
        }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export interface TcpServerOptions {
  /** Default 127.0.0.1: listening on every interface is a choice to make explicitly. */
  readonly host?: string;
  readonly port: number;
  /** Connections at once. Default 1000; Node closes further ones as they arrive. */
  readonly maxConnections?: number;
  /** What listens, for messages: `tcp input`, `syslog over tcp`. */
  readonly what: string;
  /** The input's name, for logs. */
  readonly input: string;
}

/**
 * The server options of an input that listens: its own host, port and connection limit (an
 * empty host or a zero limit mean the default), plus what it is for messages and logs.
 */
export function serverOptionsOf(
  options: { readonly host?: string; readonly port: number; readonly maxConnections?: number },
  what: string,
  input: string,
): TcpServerOptions {
  return {
    port: options.port,
    what,
    input,
    ...(options.host ? { host: options.host } : {}),
    ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
  };
}

/** What one connection does with its bytes. Made per connection, so it may keep state. */
export interface ConnectionHandler {
  /** Handles one chunk. The socket is not read again until this resolves. */
  data(chunk: Buffer): Promise<void>;
  /** The peer closed its side: flush what is held (a last line without newline). */
  end(): Promise<void>;
  /** Always called last, whether the connection ended, failed or was cut at shutdown. */
  close?(): void;
}

/**
 * The listener and connection handling that the TCP inputs (newline-framed lines, syslog)
 * share. Backpressure: connections start paused and are read through their async iterator,
 * which asks for the next chunk only after `data` resolved for the one before; `data` awaits
 * room in the event queue, so a full queue stops reading the socket, the kernel's receive
 * buffer fills, and TCP flow control slows the sender instead of memory growing here.
 */
export class TcpServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private bound = false;

  constructor(
    private readonly options: TcpServerOptions,
    private readonly log: Logger,
  ) {
    this.server = createServer({ pauseOnConnect: true });
    this.server.maxConnections = options.maxConnections ?? 1000;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** The bound port (useful with port 0), or the configured one before binding. */
  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  /** Binds; idempotent. A port in use is a ConfigError. */
  async listen(): Promise<void> {
    if (this.bound) return;
    await listenTcp(this.server, this.host, this.options.port, this.options.what);
    this.bound = true;
  }

  /**
   * Serves connections until `signal` aborts, then stops listening, cuts open connections
   * (lines already received are shipped; unread bytes are the sender's to send again) and
   * resolves once every handler finished. `connect` is called once per connection with the
   * peer's `address:port`.
   */
  async serve(signal: AbortSignal, connect: (peer: string) => ConnectionHandler): Promise<void> {
    await this.listen();
    const connections = new Set<Promise<void>>();
    const onConnection = (socket: Socket) => {
      const done = this.read(socket, connect).catch((error: unknown) => {
        if (!signal.aborted) {
          this.log.warn(`${this.options.what} connection failed`, { input: this.options.input, error });
        }
      });
      connections.add(done);
      void done.finally(() => connections.delete(done));
    };
    this.server.on('connection', onConnection);
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.server.off('connection', onConnection);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(connections);
  }

  private async read(socket: Socket, connect: (peer: string) => ConnectionHandler): Promise<void> {
    this.sockets.add(socket);
    let handler: ConnectionHandler | undefined;
    try {
      handler = connect(`${socket.remoteAddress}:${socket.remotePort}`);
      // The async iterator resumes the paused socket for one chunk at a time.
      for await (const chunk of socket) await handler.data(chunk as Buffer);
      await handler.end();
    } finally {
      handler?.close?.();
      this.sockets.delete(socket);
    }
  }
}
