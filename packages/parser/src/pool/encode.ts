import {
  BULK_ACTION_END,
  BulkActionLines,
  bulkActionHead,
  type EncodedBatch,
  type IndexNameFn,
  type LogEvent,
} from '@sluice/core';
import { type CompiledPipeline, PROCESSOR_FAILURE_TAG } from '../pipeline/compile.js';
import { BulkWriter, utf8 } from './bulk-writer.js';
import { directEncoderFor, timestampMs } from './direct.js';
import { failedEventSource, isoTime, type RecordInput, runRecord, timedOutEvent } from './event.js';

export interface EncodeOptions {
  readonly pipeline: CompiledPipeline;
  readonly indexName: IndexNameFn;
  /** Records (by position) not to parse, emitted tagged `_groktimeout` instead. */
  readonly skip?: ReadonlySet<number>;
  /** Written before each record is parsed, so a watchdog outside can tell which one is slow. */
  readonly progress?: Int32Array;
  readonly now?: number;
  /**
   * Whether the index name template reads event fields besides `@timestamp` (core's
   * indexNameReadsFields). Only when this is false can records be written without
   * building their event (compiled encoding, see direct.ts); absent counts as true.
   */
  readonly indexReadsFields?: boolean;
}

/**
 * Parses records and writes the bulk body directly, as UTF-8 bytes: the main thread then
 * does no per-event JSON work and no text encoding at all. Items are in record order; dropped records leave no item.
 *
 * Two ways to a document, chosen per record:
 * - compiled (direct.ts): where the pipeline knows the shape of its output and the index
 *   name follows from `@timestamp` alone (`indexReadsFields` false), the document is
 *   written from the regex match, without an event object;
 * - generic: the pipeline builds the event and JSON.stringify writes it.
 * Both go into one BulkWriter (no per-item strings joined and encoded afterwards); the
 * action line is assembled from the index name, kept while consecutive events share it,
 * and the record id. A compiled item (action line and document) is one string, written
 * by one native UTF-8 encode.
 */
export function encodeRecords(records: readonly RecordInput[], options: EncodeOptions): EncodedBatch {
  const { pipeline, indexName, skip, progress } = options;
  const now = options.now ?? Date.now();
  const direct = options.indexReadsFields === false ? directEncoderFor(pipeline) : undefined;
  const w = writer;
  w.offset = 0;
  const starts = new Int32Array(records.length + 1);
  const recordIndex = new Int32Array(records.length);
  const failures: Record<string, number> = {};
  let items = 0;
  let dropped = 0;
  const action = new ActionLines();
  let lastTimestampMs = Number.NaN;
  let timestampIndex = '';
  for (let r = 0; r < records.length; r++) {
    const record = records[r] as RecordInput;
    if (progress !== undefined) Atomics.store(progress, 0, r);
    const itemStart = w.offset;
    // One record must never fail its batch: whatever throws here (a stack overflow
    // serialising a value nested thousands of levels deep, a bug) marks that record
    // `_processorfailure` and the batch goes on. Processors' own throws are caught per
    // step in the pipeline; this catches what runs around it.
    let stage = 'pipeline';
    try {
      let event: LogEvent | null | undefined;
      if (direct !== undefined && !skip?.has(r) && direct.accepts(record)) {
        const ms = timestampMs(record, now);
        const timestamp = isoTime(ms);
        if (ms !== lastTimestampMs) {
          stage = 'index name';
          timestampIndex = indexName({ '@timestamp': timestamp });
          lastTimestampMs = ms;
        }
        stage = 'pipeline';
        const source = direct.source(record, timestamp, now);
        // Not written directly (nothing matched): the event goes the generic way below.
        if (typeof source !== 'string') event = source;
        else {
          stage = 'encoder';
          // The item as one string, one native UTF-8 write (see grok/writer.ts).
          w.text(action.line(timestampIndex, record.id) + source);
        }
      } else {
        event = skip?.has(r) ? timedOutEvent(record, now) : runRecord(pipeline, record, true, now);
      }
      if (event === null) {
        dropped += 1;
        continue;
      }
      if (event !== undefined) {
        stage = 'index name';
        const index = indexName(event);
        stage = 'encoder';
        const source = JSON.stringify(event);
        action.write(w, index, record.id);
        w.json(source);
        countFailureTags(event, failures);
      }
    } catch (error) {
      w.offset = itemStart;
      const source = failedEventSource(record, stage, error, now);
      failures[PROCESSOR_FAILURE_TAG] = (failures[PROCESSOR_FAILURE_TAG] ?? 0) + 1;
      action.write(w, safeIndexName(indexName, source), record.id);
      w.json(source);
    }
    w.byte(0x0a);
    starts[items] = itemStart;
    recordIndex[items] = r;
    items += 1;
  }
  starts[items] = w.offset;
  if (progress !== undefined) Atomics.store(progress, 0, -2);
  const itemStarts = items === records.length ? starts : starts.slice(0, items + 1);
  return {
    // UTF-8 already, and in a buffer of its own: the main thread only hands it to the socket.
    body: w.take(),
    starts: itemStarts,
    recordIndex: items === records.length ? recordIndex : recordIndex.slice(0, items),
    dropped,
    failures,
  };
}

/** One writer per thread, its buffer reused by every batch (take() hands out a copy, see recycleBody). */
const writer = new BulkWriter();

/**
 * Hands the memory of a body encodeRecords returned in this thread back for a later batch
 * (BulkWriter.recycle): the caller must not read the body, or another view of its buffer,
 * afterwards.
 */
export function recycleBody(body: Uint8Array): void {
  if (body.buffer instanceof ArrayBuffer) writer.recycle(body.buffer);
}

/**
 * The bulk action line, `{"create":{"_index":INDEX,"_id":ID}}\n`: the head up to the id is
 * encoded once per index name and kept while consecutive items share it. Core's
 * BulkActionLines spells the line as text, for an item written as one string.
 */
class ActionLines {
  private index: string | undefined;
  private head: Uint8Array = new Uint8Array(0);
  private readonly text = new BulkActionLines();

  write(w: BulkWriter, index: string, id: string): void {
    if (index !== this.index) {
      this.index = index;
      this.head = utf8(bulkActionHead(index));
    }
    w.chunk(this.head);
    w.string(id);
    w.chunk(ACTION_END);
  }

  /** The action line as text, for an item written as one string. */
  line(index: string, id: string): string {
    return this.text.line(index, id);
  }
}

const ACTION_END = utf8(BULK_ACTION_END);

/** Counts the failure tags (`_grokparsefailure`, ...) an event carries into `failures`. */
function countFailureTags(event: LogEvent, failures: Record<string, number>): void {
  const tags = event.tags;
  if (tags !== undefined && Array.isArray(tags)) {
    for (const tag of tags) {
      if (typeof tag === 'string' && tag.charCodeAt(0) === 0x5f) failures[tag] = (failures[tag] ?? 0) + 1;
    }
  }
}

/** The index for a failed record's replacement event; the template's fallback when even that throws. */
function safeIndexName(indexName: IndexNameFn, source: string): string {
  try {
    return indexName(JSON.parse(source) as LogEvent);
  } catch {
    return indexName({});
  }
}
