import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { ConfigError, type Logger } from '@sluice/core';
import type { EventSink, Fields, Input } from '../event.js';
import { type Joiner, joinerFactory, type MultilineConfig } from '../multiline.js';
import { StreamReader } from './stream.js';

export interface TcpInputOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly port: number;
  readonly shipperId: string;
  readonly maxLineBytes: number;
  readonly multiline?: MultilineConfig;
  /** Default 1000; further connections are refused (counted in the log). */
  readonly maxConnections?: number;
  readonly fields?: Fields;
  readonly tags?: readonly string[];
}

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

/**
 * Newline-framed lines over TCP. Each connection is its own stream (own multi-line state,
 * ids scoped to the connection). Backpressure: a socket is paused while its lines wait
 * for room in the queue, so a slow broker slows the senders through TCP flow control
 * instead of growing memory.
 */
export class TcpInput implements Input {
  readonly name: string;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly newJoiner: () => Joiner;
  private bound = false;

  constructor(
    private readonly options: TcpInputOptions,
    private readonly log: Logger,
  ) {
    this.name = `tcp:${options.host ?? '127.0.0.1'}:${options.port}`;
    this.newJoiner = joinerFactory(options.multiline);
    this.server = createServer({ pauseOnConnect: true });
    this.server.maxConnections = options.maxConnections ?? 1000;
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  async prepare(): Promise<void> {
    if (this.bound) return;
    await listenTcp(this.server, this.options.host ?? '127.0.0.1', this.options.port, 'tcp input');
    this.bound = true;
  }

  async run(sink: EventSink, signal: AbortSignal): Promise<void> {
    await this.prepare();
    const connections = new Set<Promise<void>>();
    this.server.on('connection', (socket) => {
      const done = this.serve(socket, sink).catch((error: unknown) => {
        if (!signal.aborted) this.log.warn('tcp connection failed', { input: this.name, error });
      });
      connections.add(done);
      void done.finally(() => connections.delete(done));
    });
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Lines already received are shipped; unread bytes are the sender's to resend.
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(connections);
  }

  private async serve(socket: Socket, sink: EventSink): Promise<void> {
    this.sockets.add(socket);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const reader = new StreamReader({
      input: 'tcp',
      source: `tcp://${peer}`,
      idSource: `${this.options.shipperId}:tcp:${this.port}:${randomUUID()}`,
      joiner: this.newJoiner(),
      maxLineBytes: this.options.maxLineBytes,
      fields: { ...this.options.fields, 'log.source.address': peer },
      tags: this.options.tags ?? [],
    });
    const ticker = setInterval(() => void reader.tick(sink).catch(() => undefined), 250);
    try {
      // The async iterator pauses the socket between chunks: no read while the queue is full.
      for await (const chunk of socket) await reader.feed(chunk as Buffer, sink);
      await reader.end(sink);
    } finally {
      clearInterval(ticker);
      this.sockets.delete(socket);
    }
  }
}
