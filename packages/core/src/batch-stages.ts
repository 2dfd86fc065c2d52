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
  /** Busy share of the pool's threads since the previous call, 0..1. */
  utilization?(): number;
  /**
   * Called once the sink accepted a batch this encoder produced (every item indexed, a
   * duplicate or dead-lettered), before the broker batch is acknowledged, with the sink's
   * outcome. The parser pool counts the batch's logs-to-metrics here, so a batch handed
   * back for redelivery is counted only when a later delivery is written, and the items
   * the outcome lists as dead-lettered are not counted at all.
   */
  accepted?(batch: EncodedBatch, outcome?: BatchWriteOutcome): void;
}

/**
 * Writes a batch to Elasticsearch. When `write` resolves, every item is indexed, a
 * duplicate, or dead-lettered, so the broker batch may be acknowledged. It retries
 * retriable failures itself; a rejection with a retriable error hands the batch back
 * to the broker, a non-retriable one (401/403) stops the consumer.
 */
export interface BatchSink {
  /** `records[batch.recordIndex[i]]` is the record of item i. */
  write(batch: EncodedBatch, records: readonly RecordRef[]): Promise<BatchWriteOutcome>;
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
