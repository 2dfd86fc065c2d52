import { isUtf8 } from 'node:buffer';
import { createSocket, type Socket } from 'node:dgram';
import { ConfigError, type Logger } from '@sluice/core';
import { type CommonInput, commonOf } from '../config/common.js';
import type { EventSink, Fields, FieldValue, Input, ShipEvent } from '../event.js';
import { TAG_INVALID_UTF8, TAG_TRUNCATED } from '../lines.js';
import { shipperMetrics } from '../metrics.js';
import { type InputKind, inputBase } from './kind.js';
import { parseSyslogHeader, TAG_SYSLOG_UNPARSED } from './syslog-parse.js';

export const TAG_JSON_FAILURE = 'sluice.json_parse_failure';

export interface UdpInputOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly port: number;
  readonly shipperId: string;
  readonly maxLineBytes: number;
  /** `plain`: the datagram is the line. `json`: `message` is the line, other scalar keys become fields. `syslog`: header parsed into log.syslog.*. */
  readonly codec?: 'plain' | 'json' | 'syslog';
  readonly fields?: Fields;
  readonly tags?: readonly string[];
  /** Socket receive buffer, bytes. Default: the OS default. */
  readonly receiveBufferBytes?: number;
}

/**
 * One datagram, one record. UDP cannot be paused: when the queue is full the datagram is
 * dropped and counted (`sluice_shipper_udp_dropped_total`), the only place the shipper drops
 * data, because the alternative is unbounded memory. Ids are scoped to this run
 * (`<shipperId>:udp:<port>:<start>` + sequence number); a datagram is never sent twice.
 */
export class UdpInput implements Input {
  readonly name: string;
  private readonly socket: Socket;
  private bound = false;
  dropped = 0;

  constructor(
    private readonly options: UdpInputOptions,
    private readonly log: Logger,
  ) {
    const host = options.host ?? '127.0.0.1';
    this.name = `${options.codec === 'syslog' ? 'syslog+udp' : 'udp'}:${host}:${options.port}`;
    this.socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
  }

  get port(): number {
    return this.bound ? this.socket.address().port : this.options.port;
  }

  async prepare(): Promise<void> {
    if (this.bound) return;
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) =>
        reject(
          new ConfigError(
            `cannot listen for ${this.name} on ${host}:${this.options.port}: ${error.code ?? error.message}`,
            {
              cause: error,
              hint: 'another process uses that port, or ports below 1024 need privileges; pick another port',
            },
          ),
        );
      this.socket.once('error', onError);
      this.socket.bind(this.options.port, host, () => {
        this.socket.off('error', onError);
        resolve();
      });
    });
    if (this.options.receiveBufferBytes) this.socket.setRecvBufferSize(this.options.receiveBufferBytes);
    this.bound = true;
  }

  async run(sink: EventSink, signal: AbortSignal): Promise<void> {
    await this.prepare();
    const input = this.options.codec === 'syslog' ? 'syslog' : 'udp';
    const idSource = `${this.options.shipperId}:${input}:${this.port}:${Date.now()}:${process.pid}`;
    let seq = 0;
    let warned = 0;
    this.socket.on('message', (msg, rinfo) => {
      const event = this.toEvent(msg, `${rinfo.address}:${rinfo.port}`, idSource, seq++, input);
      if (!sink.offer(event)) {
        this.dropped++;
        shipperMetrics().udpDropped.inc({ input });
        if (Date.now() - warned > 10_000) {
          warned = Date.now();
          this.log.warn('queue full: dropping datagrams (the broker is slower than the senders)', {
            input: this.name,
            dropped: this.dropped,
          });
        }
      }
    });
    this.socket.on('error', (error) => this.log.warn('udp socket error', { input: this.name, error }));
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private toEvent(
    msg: Buffer,
    peer: string,
    idSource: string,
    seq: number,
    input: 'udp' | 'syslog',
  ): ShipEvent {
    const tags = [...(this.options.tags ?? [])];
    let body = msg;
    // Trailing newlines are framing some senders add, not content.
    while (body.length > 0 && (body[body.length - 1] === 0x0a || body[body.length - 1] === 0x0d))
      body = body.subarray(0, -1);
    if (body.length > this.options.maxLineBytes) {
      body = body.subarray(0, this.options.maxLineBytes);
      tags.push(TAG_TRUNCATED);
    }
    if (!isUtf8(body)) tags.push(TAG_INVALID_UTF8);
    let text = body.toString('utf8');
    const fields: Record<string, FieldValue> = { ...this.options.fields, 'log.source.address': peer };
    if (this.options.codec === 'json') {
      try {
        const doc: unknown = JSON.parse(text);
        if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not an object');
        for (const [k, v] of Object.entries(doc)) {
          if (k === 'message' && typeof v === 'string') text = v;
          else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = v;
          else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) fields[k] = v as string[];
          else if (v !== null) fields[k] = JSON.stringify(v);
        }
      } catch {
        tags.push(TAG_JSON_FAILURE);
      }
    } else if (this.options.codec === 'syslog') {
      const header = parseSyslogHeader(text);
      if (header) Object.assign(fields, header.fields);
      else tags.push(TAG_SYSLOG_UNPARSED);
    }
    return {
      input,
      text,
      source: `${input === 'syslog' ? 'syslog+udp' : 'udp'}://${peer}`,
      idSource,
      offset: seq,
      bytes: msg.length,
      fields,
      tags,
      readAt: Date.now(),
    };
  }
}

// ---- config: the `type: udp` map of the shipper YAML --------------------------------------

export interface UdpInputConfig extends CommonInput {
  readonly type: 'udp';
  readonly host?: string;
  readonly port: number;
  /** `plain` (default): the datagram is the line. `json`: a JSON object; `message` is the line, other keys fields. */
  readonly codec?: 'plain' | 'json';
}

export const udpInputKind: InputKind<'udp', UdpInputConfig> = {
  type: 'udp',
  schema: ({ oneOf, section, text, z, commonShape, portSchema }) =>
    section(
      {
        type: z.literal('udp'),
        host: text('The address to listen on. Default 127.0.0.1.').optional(),
        port: portSchema(),
        codec: oneOf(
          ['plain', 'json'],
          'plain: the datagram is the line; json: a JSON object. Default plain.',
        ).optional(),
        ...commonShape,
      },
      { is: 'a map with a type' },
    ).transform(
      (v): UdpInputConfig => ({
        type: 'udp',
        port: v.port,
        ...commonOf(v),
        ...(v.host ? { host: v.host } : {}),
        ...(v.codec ? { codec: v.codec } : {}),
      }),
    ),
  create: (u, context) =>
    new UdpInput(
      {
        port: u.port,
        ...inputBase(u, context),
        codec: u.codec ?? 'plain',
        ...(u.host ? { host: u.host } : {}),
      },
      context.logger,
    ),
};
