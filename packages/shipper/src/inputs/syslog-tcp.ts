import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@sluice/core';
import type { EventSink, Fields, FieldValue, Input } from '../event.js';
import { TAG_INVALID_UTF8, TAG_TRUNCATED } from '../lines.js';
import { parseSyslogHeader, SyslogFramer, TAG_SYSLOG_UNPARSED } from './syslog-parse.js';
import { listenTcp } from './tcp.js';

export interface SyslogTcpInputOptions {
  readonly host?: string;
  readonly port: number;
  readonly shipperId: string;
  readonly maxLineBytes: number;
  readonly maxConnections?: number;
  readonly fields?: Fields;
  readonly tags?: readonly string[];
}

/**
 * Syslog over TCP (RFC 6587: octet counting or LF-terminated, per frame; RFC 3164 or 5424
 * headers). Like the TCP input, a connection is paused while its messages wait for room.
 */
export class SyslogTcpInput implements Input {
  readonly name: string;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private bound = false;

  constructor(
    private readonly options: SyslogTcpInputOptions,
    private readonly log: Logger,
  ) {
    this.name = `syslog+tcp:${options.host ?? '127.0.0.1'}:${options.port}`;
    this.server = createServer({ pauseOnConnect: true });
    this.server.maxConnections = options.maxConnections ?? 1000;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  async prepare(): Promise<void> {
    if (this.bound) return;
    await listenTcp(this.server, this.options.host ?? '127.0.0.1', this.options.port, 'syslog over tcp');
    this.bound = true;
  }

  async run(sink: EventSink, signal: AbortSignal): Promise<void> {
    await this.prepare();
    const connections = new Set<Promise<void>>();
    this.server.on('connection', (socket) => {
      const done = this.serve(socket, sink).catch((error: unknown) => {
        if (!signal.aborted) this.log.warn('syslog connection failed', { input: this.name, error });
      });
      connections.add(done);
      void done.finally(() => connections.delete(done));
    });
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(connections);
  }

  private async serve(socket: Socket, sink: EventSink): Promise<void> {
    this.sockets.add(socket);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const idSource = `${this.options.shipperId}:syslog:${this.port}:${randomUUID()}`;
    const framer = new SyslogFramer(this.options.maxLineBytes);
    const emit = async (frame: { message: Buffer; offset: number; truncated: boolean }) => {
      const tags = [...(this.options.tags ?? [])];
      if (frame.truncated) tags.push(TAG_TRUNCATED);
      if (!isUtf8(frame.message)) tags.push(TAG_INVALID_UTF8);
      const text = frame.message.toString('utf8');
      const fields: Record<string, FieldValue> = { ...this.options.fields, 'log.source.address': peer };
      const header = parseSyslogHeader(text);
      if (header) Object.assign(fields, header.fields);
      else tags.push(TAG_SYSLOG_UNPARSED);
      await sink.push({
        input: 'syslog',
        text,
        source: `syslog+tcp://${peer}`,
        idSource,
        offset: frame.offset,
        byteOffset: frame.offset,
        bytes: frame.message.length,
        fields,
        tags,
        readAt: Date.now(),
      });
    };
    try {
      for await (const chunk of socket) {
        for (const frame of framer.push(chunk as Buffer)) await emit(frame);
      }
      const rest = framer.end();
      if (rest) await emit(rest);
    } finally {
      this.sockets.delete(socket);
    }
  }
}
