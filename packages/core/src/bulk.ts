/**
 * A batch of parsed events ready for Elasticsearch, as a parser worker hands it back.
 *
 * Crossing the worker boundary costs per object and per byte copied, so a batch crosses as
 * three typed arrays whose buffers are transferred, not copied, whatever its size. The
 * body is already the bulk request fragment in UTF-8, the bytes the indexer sends: for each
 * item an action line (`{"create":{"_index":...,"_id":...}}`) and a source line, each
 * ending in `\n`. The indexer slices items out of it by `starts` to retry them one by one,
 * and maps each bulk item back to its broker record by `recordIndex`.
 */
export interface EncodedBatch {
  /** NDJSON bulk body in UTF-8: action line + source line per item. */
  readonly body: Uint8Array;
  /** `starts[i]` is the byte offset in `body` where item i begins; `starts[items]` is `body.length`. */
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

/** The bytes of item i (action line and source line), a view on the body, not a copy. */
export function itemBytes(batch: EncodedBatch, i: number): Uint8Array {
  return batch.body.subarray(batch.starts[i], batch.starts[i + 1]);
}

const decoder = new TextDecoder();

/** The text of item i: its action line and its source line. */
export function itemText(batch: EncodedBatch, i: number): string {
  return decoder.decode(itemBytes(batch, i));
}

const encoder = new TextEncoder();

/**
 * Turns a bulk body built as a string, with `starts` in UTF-16 units, into the UTF-8 bytes
 * an EncodedBatch carries, converting `starts` to byte offsets in place.
 *
 * The bytes own their whole ArrayBuffer (TextEncoder allocates a fresh one; checked all the
 * same), so a worker can transfer it without detaching memory anything else uses. When
 * the byte length equals the string length every character is ASCII and the offsets
 * already are byte offsets, the usual case for log text; otherwise each item is measured.
 */
export function encodeBody(text: string, starts: Int32Array): Uint8Array {
  let body = encoder.encode(text);
  if (body.byteOffset !== 0 || body.byteLength !== body.buffer.byteLength) body = body.slice();
  if (body.length !== text.length) {
    const items = starts.length - 1;
    let bytes = 0;
    let from = starts[0] as number;
    for (let i = 0; i < items; i++) {
      const to = starts[i + 1] as number;
      starts[i] = bytes;
      bytes += Buffer.byteLength(text.slice(from, to));
      from = to;
    }
    starts[items] = bytes;
  }
  return body;
}

/**
 * A JSON string literal for `text`: JSON.stringify's output, without the builtin when no
 * character needs escaping (record ids and index names are short ASCII, and the builtin
 * costs more than the scan).
 */
export function quoteJson(text: string): string {
  const len = text.length;
  if (len > 256) return JSON.stringify(text);
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * Writes the action line of each bulk item: `create`, so that a redelivered record (same
 * `_id`) is a 409 the indexer counts as a duplicate, never a second document. The one
 * place the action line is spelled; everything that builds an EncodedBatch uses it.
 *
 * Keeps the quoted index name while consecutive items share it (the usual case: a batch
 * goes to one or two daily indices), so an item costs one quoting, of its id. One per
 * batch being built; not shared between threads.
 */
export class BulkActionLines {
  private index: string | undefined;
  private head = '';

  /** `{"create":{"_index":...,"_id":...}}` and its newline. */
  line(index: string, id: string): string {
    if (index !== this.index) {
      this.index = index;
      this.head = bulkActionHead(index);
    }
    return `${this.head}${quoteJson(id)}${BULK_ACTION_END}`;
  }
}

/**
 * The action line up to its id, `{"create":{"_index":INDEX,"_id":`; the id (a JSON string) and
 * BULK_ACTION_END complete it. Shared with the parser workers, which write it as bytes.
 */
export function bulkActionHead(index: string): string {
  return `{"create":{"_index":${quoteJson(index)},"_id":`;
}

export const BULK_ACTION_END = '}}\n';
