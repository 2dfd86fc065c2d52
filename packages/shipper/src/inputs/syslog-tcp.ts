import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { Logger } from '@sluice/core';
import type { EventSink, Fields, FieldValue, Input } from '../event.js';
import { TAG_INVALID_UTF8, TAG_TRUNCATED } from '../lines.js';
import { parseSyslogHeader, SyslogFramer, TAG_SYSLOG_UNPARSED } from './syslog-parse.js';
import { serverOptionsOf, TcpServer } from './tcp-server.js';

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
 * headers). Listening, connections and backpressure are the shared TcpServer's, as for the
 * TCP input: a connection is not read while its messages wait for room.
 */
export class SyslogTcpInput implements Input {
  readonly name: string;
  private readonly server: TcpServer;

  constructor(
    private readonly options: SyslogTcpInputOptions,
    log: Logger,
  ) {
    this.name = `syslog+tcp:${options.host ?? '127.0.0.1'}:${options.port}`;
    this.server = new TcpServer(serverOptionsOf(options, 'syslog over tcp', this.name), log);
  }

  get port(): number {
    return this.server.port;
  }

  prepare(): Promise<void> {
    return this.server.listen();
  }

  run(sink: EventSink, signal: AbortSignal): Promise<void> {
    return this.server.serve(signal, (peer) => {
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
      return {
        async data(chunk) {
          for (const frame of framer.push(chunk)) await emit(frame);
        },
        async end() {
          const rest = framer.end();
          if (rest) await emit(rest);
        },
      };
    });
  }
}
