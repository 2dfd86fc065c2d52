import type { EncodedBatch } from './bulk.js';
import type { InboundRecord } from './record.js';

/**
 * The two stages the consumer runtime drives, as the runtime sees them: the parser pool is
 * a BatchEncoder, the Elasticsearch sink a BatchSink. They live here, not in the consumer
 * package, so that the parser and the indexer can declare `implements` without depending
 * on the runtime that calls them.
 */

/** A parsed batch; `queueWaitSeconds`, when the encoder measures it, is exported as `sluice_parser_queue_wait_seconds`. */
export type EncodedBatchWithWait = EncodedBatch & { readonly queueWaitSeconds?: number };

/** What a sink needs to dead-letter a record with its original line. */
export interface RecordRef {
  readonly id: string;
  readonly line: string;
  readonly origin: string;
}

/**
 * The records of a written batch as the sink looks them up: only for the items it
 * dead-letters, so a batch whose records were decoded in the workers can build them on
 * that rare path instead of for every batch (an array is one).
 */
export interface RecordRefs {
  readonly length: number;
  at(index: number): RecordRef | undefined;
}

/**
 * Broker messages as they arrived, not decoded yet (packages/brokers/README.md, "Raw
 * batches"): the parser's workers decode them (envelopes, Filebeat and
 * Logstash events, frames of many lines) with the broker package's `decodePayloads`, so
 * the consumer's main thread never touches a line. `bytes` is on a SharedArrayBuffer:
 * crossing into a worker copies nothing, and the adapter still holds the payloads to
 * dead-letter or decode them itself.
 */
export interface RawPayloads {
  /**
   * Which decoder reads them: `list` (a Redis list element each), `stream` (a Redis stream
   * entry's `data`), `kafka` (a Kafka message each: value, key and headers, see kafka/raw.ts),
   * `amqp` (a RabbitMQ message each: body and the properties the decoder reads, see rabbitmq/raw.ts).
   */
  readonly codec: 'list' | 'stream' | 'kafka' | 'amqp';
  /** Topic, list or stream: the salt of content-derived ids. */
  readonly stream: string;
  /** `origin` of the records, or its prefix (`@<coordinate>` follows for streams). */
  readonly origin: string;
  /** The payloads' UTF-8 bytes, back to back. */
  readonly bytes: Uint8Array;
  /** `ends[i]` is the byte offset in `bytes` where payload i ends (it starts where i-1 ended). */
  readonly ends: Int32Array;
  /** Per payload, its coordinate in the stream (a stream entry id, a Kafka offset), when the codec uses one. */
  readonly coordinates?: readonly string[];
  /** Kafka: the partition the messages came from. */
  readonly partition?: number;
}

/** A payload that cannot be turned into records: the adapter dead-letters it as it arrived. */
export interface PayloadPoison {
  /** Position in `RawPayloads`. */
  readonly payload: number;
  readonly reason: string;
  /**
   * Set when only this line of the payload is poison (a RabbitMQ NDJSON message holds many):
   * the adapter dead-letters the line alone, and the payload's other lines are records.
   */
  readonly line?: string;
}

/** What decoding a RawPayloads gives: the records in payload order (a frame's lines in its order), and the poison. */
export interface DecodedPayloads {
  readonly records: InboundRecord[];
  readonly poison: readonly PayloadPoison[];
  /**
   * Some payload held several records (a frame): theirs share the frame's `fields` values,
   * so whoever mutates one record's fields must copy them first. Absent or false: every
   * record's fields are its own.
   */
  readonly framed?: boolean;
}

/** A batch encoded from raw payloads, with what the main thread needs of its records. */
export type EncodedPayloads = EncodedBatchWithWait & {
  /** Records the payloads held; `recordIndex` points into them, in decoding order. */
  readonly records: number;
  /** Per record, when the shipper read it (ms since the epoch), NaN when unknown: the end-to-end latency. */
  readonly shippedAt: Float64Array;
  readonly poison: readonly PayloadPoison[];
};

/** How the items of one written batch ended; together they account for every item. */
export interface BatchWriteOutcome {
  readonly indexed: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  /** Which items (positions in the encoded batch) were dead-lettered, in order, when the sink knows. */
  readonly deadLetteredItems?: readonly number[];
}

/** Parses records into a bulk-ready batch (the parser's worker pool). */
export interface BatchEncoder {
  encode(records: readonly InboundRecord[]): Promise<EncodedBatchWithWait>;
  /** Busy share of the pool's threads (the most it may start) since the previous call, 0..1. */
  utilization?(): number;
  /** Worker threads running now (a pool starts few and grows while batches wait). */
  readonly startedThreads?: number;
  /**
   * Called once the sink accepted a batch this encoder produced (every item indexed, a
   * duplicate or dead-lettered), before the broker batch is acknowledged, with the sink's
   * outcome. The parser pool counts the batch's logs-to-metrics here, so a batch handed
   * back for redelivery is counted only when a later delivery is written, and the items
   * the outcome lists as dead-lettered are not counted at all.
   */
  accepted?(batch: EncodedBatch, outcome?: BatchWriteOutcome): void;
  /**
   * Decodes and parses raw broker payloads in the workers (present only when the encoder
   * was given the decoder). Rejects as `encode` does; the caller then decodes the payloads
   * itself and uses `encode`, which isolates a record that fails the parser.
   */
  readonly encodePayloads?: (raw: RawPayloads) => Promise<EncodedPayloads>;
}

/**
 * Writes a batch to Elasticsearch. When `write` resolves, every item is indexed, a
 * duplicate, or dead-lettered, so the broker batch may be acknowledged. It retries
 * retriable failures itself; a rejection with a retriable error hands the batch back
 * to the broker, a non-retriable one (401/403) stops the consumer.
 */
export interface BatchSink {
  /** `records.at(batch.recordIndex[i])` is the record of item i. */
  write(batch: EncodedBatch, records: RecordRefs): Promise<BatchWriteOutcome>;
  /**
   * Dead-letters records the encoder could not turn into events at all (see the
   * runtime's `poisonAttempts`); resolves once they are durable. Without it such a batch
   * is handed back to the broker, as any failed batch.
   */
  deadLetterRecords?(
    records: readonly RecordRef[],
    error: { readonly type: string; readonly reason: string },
  ): Promise<void>;
}
