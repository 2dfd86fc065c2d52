import type { InboundRecord, OutboundRecord, PayloadPoison, RawPayloads } from '@sluice/core';

/**
 * The broker contract, implemented once per backend folder (see registry.ts) and checked
 * by one conformance suite (test/brokers/conformance.test.ts). See "Guarantees" in the README.
 */
export interface Producer {
  /**
   * Publishes records. When the promise resolves, the broker has durably accepted every
   * record (Kafka acks=all, RabbitMQ publisher confirm, Redis reply); the caller may then
   * advance its checkpoint. On rejection, any subset may have been published: the caller
   * re-publishes the whole batch, and deterministic ids collapse the duplicates downstream.
   */
  publish(records: readonly OutboundRecord[]): Promise<void>;
  /** Flushes and disconnects. */
  close(): Promise<void>;
}

export interface InboundBatch {
  /**
   * The batch's records. On a batch with `raw`, they are decoded on the first read, on the
   * calling thread: a handler that decodes `raw` elsewhere reads them only when it must.
   */
  readonly records: readonly InboundRecord[];
  /**
   * The payloads undecoded, when the consumer was opened with `rawPayloads` (and could
   * hand this batch over so): the handler decodes them (decodePayloads, payloads.ts) and
   * reports what it found with `payloadsDecoded` before `ack()`.
   */
  readonly raw?: RawPayloads;
  /**
   * The handler decoded `raw` elsewhere: `records` records, and these payloads are poison.
   * The poison payloads go to the dead-letter destination when the batch is acknowledged
   * (a batch handed back takes them back with it). Without this call, `ack()` dead-letters
   * what decoding `records` found.
   */
  payloadsDecoded?(records: number, poison: readonly PayloadPoison[]): void;
  /**
   * The batch is done: every record is indexed or dead-lettered. After this resolves
   * the broker will not redeliver these records (Kafka: offsets committed up to the
   * highest contiguous acknowledged offset; Redis: removed from the processing list;
   * RabbitMQ: acked).
   */
  ack(): Promise<void>;
  /** Give the batch back for redelivery (to this or another consumer). */
  retryLater(): Promise<void>;
}

export interface LagSample {
  /** Topic, list or queue. */
  readonly stream: string;
  /** Kafka partition; undefined for lists and queues. */
  readonly partition?: number;
  /** Records published but not yet acknowledged by the group. */
  readonly lag: number;
  /**
   * Set when `lag` is known to leave something out: what, and how to get the whole number.
   * RabbitMQ without the management API: other consumers' unacknowledged messages.
   */
  readonly note?: string;
}

export interface Consumer {
  /**
   * Pulls batches and hands each to `handle`, which may run while later batches arrive
   * (up to the configured window). Resolves when `close()` has drained the in-flight
   * batches. A handler that throws leaves its batch unacknowledged for redelivery.
   */
  run(handle: (batch: InboundBatch) => Promise<void>): Promise<void>;
  /** Stop fetching new batches (backpressure); in-flight batches carry on. */
  pause(): void;
  resume(): void;
  /** Lag as the group sees it (committed, not fetched). */
  lag(): Promise<LagSample[]>;
  /** Stop fetching, wait for in-flight batches to be acked or handed back, commit, leave the group. */
  close(): Promise<void>;
  /** True while connected to the broker; drives `/readyz`. */
  readonly connected: boolean;
}

/**
 * A registered backend's `kind` (see `BROKERS` in registry.ts). A plain string so that a new
 * backend folder needs no edit here; `parseBrokerUrl` only ever produces registered kinds.
 */
export type BrokerKind = string;

/** A parsed broker URL: which backend, where, and which topic, list or queue. */
export interface BrokerTarget {
  readonly kind: BrokerKind;
  /** Connection URL without the stream path (credentials kept; print only through redactUrl). */
  readonly connection: string;
  /** Topic, list or queue name. */
  readonly stream: string;
  /** Kafka bootstrap brokers (host:port). */
  readonly brokers: readonly string[];
  /** Query-string options (`?partitions=3`, `?format=beats`, ...). */
  readonly options: Readonly<Record<string, string>>;
}

export interface ConsumerOptions {
  /** Consumer group (Kafka) or consumer name prefix (Redis/RabbitMQ). Default `sluice`. */
  readonly group?: string;
  /** Records per batch handed to the handler. Default 500. */
  readonly batchSize?: number;
  /** Batches that may be in the handler at once. Default 4. */
  readonly maxInFlightBatches?: number;
  /** Where malformed payloads go (a topic, list or queue name on the same broker). Default `<stream>.dlq`. */
  readonly deadLetter?: string;
  /** Kafka: start from the earliest offset when the group has none. Default true. */
  readonly fromBeginning?: boolean;
  /** Consumer identity, for Redis processing lists and logs. Default host + pid. */
  readonly consumerId?: string;
  /**
   * Hand batches over undecoded (`InboundBatch.raw`) where the backend can, for a handler
   * that decodes them in worker threads (the consumer runtime with a parser pool). Default
   * false: every batch arrives decoded, malformed payloads already dead-lettered.
   */
  readonly rawPayloads?: boolean;
}

export interface ProducerOptions {
  /** Kafka: partitions for a topic created on first publish. Default 3. */
  readonly partitions?: number;
  /** Kafka: `none`, `gzip`, `lz4`, `zstd`. Default `none`. */
  readonly compression?: string;
  /** Redis: write Logstash/Filebeat-style JSON events instead of Sluice's envelope. */
  readonly format?: 'sluice' | 'beats';
  /** Kafka: how long `close()` waits for queued records to be confirmed. Default 30 000. */
  readonly closeTimeoutMs?: number;
}
