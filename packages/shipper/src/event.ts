import type { JsonObject } from '@sluice/core';
/** A value the shipper may put in a record's `fields` (what OutboundRecord allows). */
export type FieldValue = string | number | boolean | readonly string[] | JsonObject;
export type Fields = Readonly<Record<string, FieldValue>>;

/**
 * One event read by an input, on its way to the broker. The publisher turns it into an
 * OutboundRecord with id `recordId(idSource, offset)`.
 */
export interface ShipEvent {
  /** The input type (`file`, `stdin`, `tcp`, `udp`, `syslog`): a bounded metric label. */
  readonly input: InputType;
  /** The line (or joined lines), without terminator. */
  readonly text: string;
  /** Human-readable origin (`/var/log/app.log`, `stdin`, `tcp://10.0.0.1:5050`); the partition key. */
  readonly source: string;
  /**
   * Stable identity hashed into the record id together with `offset`. It must name the
   * same bytes every time they are read (see "Guarantees" in the README): for files it is the
   * shipper id, device, inode and truncation generation, never the path alone.
   */
  readonly idSource: string;
  /** Byte offset (files, streams) or sequence number (datagrams) within `idSource`. */
  readonly offset: number;
  /** The byte offset to publish as the record's `offset` (`log.offset`); absent for datagrams. */
  readonly byteOffset?: number;
  /** Bytes the event had at its source: queue accounting and the bytes metric. */
  readonly bytes: number;
  /** Per-event metadata (log.file.path, log.offset, syslog header fields, ...). */
  readonly fields?: Fields;
  readonly tags?: readonly string[];
  /** When the line was read (ms since epoch): `shippedAt` and `event.created`. */
  readonly readAt: number;
  /**
   * Where the source remembers how far the broker durably accepted its events (a file's
   * registry entry), with `end`, the position just after this event. Once a batch is
   * confirmed, each checkpoint in it is advanced once, to the end of its last event there
   * (never before the broker accepted them; batches are confirmed in order, so ends only grow).
   */
  readonly checkpoint?: Checkpoint;
  /** The checkpoint's position after this event: given with `checkpoint`. */
  readonly end?: number;
}

/**
 * One per source and generation, shared by its events: a call per batch instead of a
 * closure and a registry lookup per line (those were 4% of a shipper's CPU).
 */
export interface Checkpoint {
  advance(end: number): void;
}

export type InputType = 'file' | 'stdin' | 'tcp' | 'udp' | 'syslog';

/** Where inputs put events. `push` resolves when there is room: awaiting it is the backpressure. */
export interface EventSink {
  push(event: ShipEvent): Promise<void>;
  /** For inputs that cannot wait (UDP): false when the queue is full and the event was not taken. */
  offer(event: ShipEvent): boolean;
  /**
   * `push` without a promise when it would not wait: takes the event and returns true when
   * there is room and no pusher is waiting; otherwise takes nothing and returns false, and
   * the caller awaits `push`. Readers call it once per line (a promise per line was garbage).
   */
  tryPush?(event: ShipEvent): boolean;
}

/**
 * A source of events (files, stdin, TCP, UDP, syslog). One interface, implementations
 * side by side in `inputs/`.
 */
export interface Input {
  /** For logs and errors: `file:/var/log/*.log`, `tcp:127.0.0.1:5140`, ... */
  readonly name: string;
  /**
   * Reads until the input is exhausted (a one-shot file read, stdin at EOF) or `signal`
   * aborts, pushing events into `sink`. When it resolves, the input pushes nothing more.
   */
  run(sink: EventSink, signal: AbortSignal): Promise<void>;
  /**
   * Acquires what can fail for configuration reasons (binds sockets), before the shipper
   * connects to the broker, so "port in use" is a config error. Optional; idempotent.
   */
  prepare?(): Promise<void>;
}
