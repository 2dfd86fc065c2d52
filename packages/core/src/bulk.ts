/**
 * A batch of parsed events ready for Elasticsearch, as a parser worker hands it back.
 *
 * Crossing the worker boundary costs per object, so a batch crosses as one string and
 * two typed arrays, whatever its size. The body is already the bulk request fragment:
 * for each item an action line (`{"create":{"_index":...,"_id":...}}`) and a source
 * line, each ending in `\n`. The indexer slices items out of it by `starts` to retry
 * them one by one, and maps each bulk item back to its broker record by `recordIndex`.
 */
export interface EncodedBatch {
  /** NDJSON bulk body: action line + source line per item. */
  readonly body: string;
  /** `starts[i]` is the offset in `body` where item i begins; `starts[items]` is `body.length`. */
  readonly starts: Int32Array;
  /** For each item, the position of the input record it came from (items are in record order). */
  readonly recordIndex: Int32Array;
  /** How many input records a `drop` processor removed; they are acknowledged without indexing. */
  readonly dropped: number;
  /** Items carrying a failure tag, counted by tag (`_grokparsefailure`, ...). */
  readonly failures: Readonly<Record<string, number>>;
}

export function itemCount(batch: EncodedBatch): number {
  return batch.recordIndex.length;
}

/** The text of item i: its action line and its source line. */
export function itemText(batch: EncodedBatch, i: number): string {
  return batch.body.slice(batch.starts[i], batch.starts[i + 1]);
}
