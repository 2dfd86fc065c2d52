import { randomUUID } from 'node:crypto';
import type { Logger } from '@sluice/core';
import { type CommonInput, commonOf, type JoiningInput, joiningOf } from '../config/common.js';
import type { EventSink, Fields, Input } from '../event.js';
import { type Joiner, joinerFactory, type MultilineConfig } from '../multiline.js';
import { type InputKind, inputBase } from './kind.js';
import { StreamReader } from './stream.js';
import { serverOptionsOf, TcpServer } from './tcp-server.js';

export interface TcpInputOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly port: number;
  readonly shipperId: string;
  readonly maxLineBytes: number;
  readonly multiline?: MultilineConfig;
  /** Default 1000; further connections are closed as they arrive. */
  readonly maxConnections?: number;
  readonly fields?: Fields;
  readonly tags?: readonly string[];
}

/**
 * Newline-framed lines over TCP. Each connection is its own stream (own multi-line state,
 * ids scoped to the connection). Backpressure is the shared TcpServer's: a socket is not read
 * while its lines wait for room in the queue.
 */
export class TcpInput implements Input {
  readonly name: string;
  private readonly server: TcpServer;
  private readonly newJoiner: () => Joiner;

  constructor(
    private readonly options: TcpInputOptions,
    log: Logger,
  ) {
    this.name = `tcp:${options.host ?? '127.0.0.1'}:${options.port}`;
    this.newJoiner = joinerFactory(options.multiline);
    this.server = new TcpServer(serverOptionsOf(options, 'tcp input', this.name), log);
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    return this.server.port;
  }

  prepare(): Promise<void> {
    return this.server.listen();
  }

  run(sink: EventSink, signal: AbortSignal): Promise<void> {
    return this.server.serve(signal, (peer) => {
      const reader = new StreamReader({
        input: 'tcp',
        source: `tcp://${peer}`,
        idSource: `${this.options.shipperId}:tcp:${this.port}:${randomUUID()}`,
        joiner: this.newJoiner(),
        maxLineBytes: this.options.maxLineBytes,
        fields: { ...this.options.fields, 'log.source.address': peer },
        tags: this.options.tags ?? [],
      });
      // A multi-line event whose next line never comes is sent after the joiner's timeout.
      const ticker = setInterval(() => void reader.tick(sink).catch(() => undefined), 250);
      return {
        data: (chunk) => reader.feed(chunk, sink),
        end: () => reader.end(sink),
        close: () => clearInterval(ticker),
      };
    });
  }
}

// ---- config: the `type: tcp` map of the shipper YAML --------------------------------------

export interface TcpInputConfig extends CommonInput, JoiningInput {
  readonly type: 'tcp';
  /** Default 127.0.0.1: listening on every interface is a choice to make explicitly. */
  readonly host?: string;
  readonly port: number;
  /** Connections at once. Default 1000. */
  readonly maxConnections?: number;
}

export const tcpInputKind: InputKind<'tcp', TcpInputConfig> = {
  type: 'tcp',
  schema: ({ integer, section, text, z, commonShape, joiningShape, portSchema }) =>
    section(
      {
        type: z.literal('tcp'),
        host: text('The address to listen on. Default 127.0.0.1.').optional(),
        port: portSchema(),
        max_connections: integer(1, 100_000, 'Connections at once. Default 1000.').optional(),
        ...commonShape,
        ...joiningShape,
      },
      { is: 'a map with a type' },
    ).transform(
      (v): TcpInputConfig => ({
        type: 'tcp',
        port: v.port,
        ...commonOf(v),
        ...(v.host ? { host: v.host } : {}),
        ...(v.max_connections !== undefined ? { maxConnections: v.max_connections } : {}),
        ...joiningOf(v),
      }),
    ),
  create: (t, context) =>
    new TcpInput(
      {
        port: t.port,
        ...inputBase(t, context),
        ...(t.host ? { host: t.host } : {}),
        ...(t.maxConnections ? { maxConnections: t.maxConnections } : {}),
      },
      context.logger,
    ),
};
