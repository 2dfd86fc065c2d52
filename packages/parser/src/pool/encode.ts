import { type EncodedBatch, encodeBody, type IndexNameFn, type LogEvent } from '@sluice/core';
import { type CompiledPipeline, PROCESSOR_FAILURE_TAG } from '../pipeline/compile.js';
import { failedEventSource, type RecordInput, runRecord, timedOutEvent } from './event.js';

export interface EncodeOptions {
  readonly pipeline: CompiledPipeline;
  readonly indexName: IndexNameFn;
  /** Records (by position) not to parse, emitted tagged `_groktimeout` instead. */
  readonly skip?: ReadonlySet<number>;
  /** Written before each record is parsed, so a watchdog outside can tell which one is slow. */
  readonly progress?: Int32Array;
  readonly now?: number;
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
 * Parses records and writes the bulk body directly, as UTF-8 bytes: the main thread then
 * does no per-event JSON work and no text encoding at all. Items are in record order; dropped records leave no item.
 *
 * Per item, the only walk of the event is JSON.stringify (measured on Node 20: no
 * JavaScript serializer, string- or byte-building, beats it for these events); the action
 * line is assembled from the quoted index name, kept while consecutive events share it,
 * and the quoted id.
 */
export function encodeRecords(records: readonly RecordInput[], options: EncodeOptions): EncodedBatch {
  const { pipeline, indexName, skip, progress } = options;
  const now = options.now ?? Date.now();
  const parts: string[] = [];
  const starts = new Int32Array(records.length + 1);
  const recordIndex = new Int32Array(records.length);
  const failures: Record<string, number> = {};
  let items = 0;
  let offset = 0;
  let dropped = 0;
  let lastIndex: string | undefined;
  let actionHead = '';
  for (let r = 0; r < records.length; r++) {
    const record = records[r] as RecordInput;
    if (progress !== undefined) Atomics.store(progress, 0, r);
    let index: string;
    let source: string;
    // One record must never fail its batch: whatever throws here (a stack overflow
    // serialising a value nested thousands of levels deep, a bug) marks that record
    // `_processorfailure` and the batch goes on. Processors' own throws are caught per
    // step in the pipeline; this catches what runs around it.
    let stage = 'pipeline';
    try {
      const event: LogEvent | null = skip?.has(r)
        ? timedOutEvent(record, now)
        : runRecord(pipeline, record, true, now);
      if (event === null) {
        dropped += 1;
        continue;
      }
      stage = 'index name';
      index = indexName(event);
      stage = 'encoder';
      source = JSON.stringify(event);
      const tags = event.tags;
      if (tags !== undefined && Array.isArray(tags)) {
        for (const tag of tags) {
          if (typeof tag === 'string' && tag.charCodeAt(0) === 0x5f) failures[tag] = (failures[tag] ?? 0) + 1;
        }
      }
    } catch (error) {
      source = failedEventSource(record, stage, error, now);
      failures[PROCESSOR_FAILURE_TAG] = (failures[PROCESSOR_FAILURE_TAG] ?? 0) + 1;
      index = safeIndexName(indexName, source);
    }
    if (index !== lastIndex) {
      lastIndex = index;
      actionHead = `{"create":{"_index":${quoteJson(index)},"_id":`;
    }
    const action = `${actionHead}${quoteJson(record.id)}}}\n`;
    starts[items] = offset;
    recordIndex[items] = r;
    parts.push(action, source, '\n');
    offset += action.length + source.length + 1;
    items += 1;
  }
  starts[items] = offset;
  if (progress !== undefined) Atomics.store(progress, 0, -2);
  const itemStarts = items === records.length ? starts : starts.slice(0, items + 1);
  return {
    // UTF-8 here, in the worker: the main thread then only hands the bytes to the socket.
    body: encodeBody(parts.join(''), itemStarts),
    starts: itemStarts,
    recordIndex: items === records.length ? recordIndex : recordIndex.slice(0, items),
    dropped,
    failures,
  };
}

/** The index for a failed record's replacement event; the template's fallback when even that throws. */
function safeIndexName(indexName: IndexNameFn, source: string): string {
  try {
    return indexName(JSON.parse(source) as LogEvent);
  } catch {
    return indexName({});
  }
}
