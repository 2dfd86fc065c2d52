import {
  BulkActionLines,
  type EncodedBatch,
  encodeBody,
  type IndexNameFn,
  type LogEvent,
} from '@sluice/core';
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
 * Parses records and writes the bulk body directly, as UTF-8 bytes: the main thread then
 * does no per-event JSON work and no text encoding at all. Items are in record order; dropped records leave no item.
 *
 * Per item, the only walk of the event is JSON.stringify (measured on Node 20: no
 * JavaScript serializer, string- or byte-building, beats it for these events); the action
 * line comes from core's BulkActionLines, which quotes an index name once per run of it.
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
  const actions = new BulkActionLines();
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
    const action = actions.line(index, record.id);
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
