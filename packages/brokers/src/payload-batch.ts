import type { InboundRecord, PayloadPoison, RawPayloads } from '@sluice/core';
import { SettleOnceBatch } from './in-flight.js';
import { decodePayloads, releasePayloads } from './payloads.js';

/**
 * A fetched batch that arrives either raw (payload bytes on a SharedArrayBuffer, decoded by
 * the parser's workers) or already decoded on this thread. The lists' and streams' batches
 * share it; what differs is only how a decision reaches the broker (`settleWith`).
 *
 * A raw batch is decoded here only when the handler reads `records` on this thread (a dead
 * letter, a batch the workers failed on); the same payloads give the same records. Once it
 * is settled its buffer goes back to the pool, and reading it after that throws rather than
 * return bytes that now belong to another batch.
 */
export abstract class PayloadBatch extends SettleOnceBatch {
  readonly raw?: RawPayloads;
  /** Raw batches: payloads (positions in `raw`) to dead-letter with the acknowledgement. */
  poison: readonly PayloadPoison[] = [];
  private decodedRecords: readonly InboundRecord[] | undefined;
  private decodedCount: number | undefined;
  private released = false;

  constructor(from: RawPayloads | readonly InboundRecord[]) {
    super();
    if (Array.isArray(from)) this.decodedRecords = from as readonly InboundRecord[];
    else this.raw = from as RawPayloads;
  }

  get records(): readonly InboundRecord[] {
    if (this.decodedRecords === undefined) {
      if (this.released)
        throw new Error('a raw batch was decoded after it was settled (its buffer is reused)');
      const { records, poison } = decodePayloads(this.raw as RawPayloads);
      this.decodedRecords = records;
      if (this.decodedCount === undefined) this.payloadsDecoded(records.length, poison);
    }
    return this.decodedRecords;
  }

  /** Records in the batch, without decoding a raw batch on this thread when its workers said. */
  get recordCount(): number {
    return this.decodedCount ?? this.records.length;
  }

  /** What the workers (or a decode here) found in a raw batch; the first report counts. */
  payloadsDecoded(records: number, poison: readonly PayloadPoison[]): void {
    if (this.raw === undefined || this.decodedCount !== undefined) return;
    this.decodedCount = records;
    this.poison = poison;
    this.onDecoded(this.raw, records, poison);
  }

  /** Hook for a consumer that keeps its own count of what raw batches held. */
  protected onDecoded(_raw: RawPayloads, _records: number, _poison: readonly PayloadPoison[]): void {}

  /** Acknowledges or hands back at the broker. */
  protected abstract settleWith(how: 'ack' | 'giveBack'): Promise<void>;

  protected async decide(how: 'ack' | 'giveBack'): Promise<void> {
    await this.settleWith(how);
    if (this.raw !== undefined && !this.released) {
      // Settled: no worker and no dead letter reads the payloads any more.
      this.released = true;
      releasePayloads(this.raw);
    }
  }
}
