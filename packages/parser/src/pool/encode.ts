import type { EncodedBatch, IndexNameFn, LogEvent } from '@sluice/core';
import type { CompiledPipeline } from '../pipeline/compile.js';
import { type RecordInput, runRecord, timedOutEvent } from './event.js';

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
 * Parses records and writes the bulk body directly: the main thread then does no per-event
 * JSON work at all. Items are in record order; dropped records leave no item.
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
  for (let r = 0; r < records.length; r++) {
    const record = records[r] as RecordInput;
    if (progress !== undefined) Atomics.store(progress, 0, r);
    const event: LogEvent | null = skip?.has(r)
      ? timedOutEvent(record, now)
      : runRecord(pipeline, record, true, now);
    if (event === null) {
      dropped += 1;
      continue;
    }
    const tags = event.tags;
    if (Array.isArray(tags)) {
      for (const tag of tags) {
        if (typeof tag === 'string' && tag.startsWith('_')) failures[tag] = (failures[tag] ?? 0) + 1;
      }
    }
    const text = `{"create":{"_index":${JSON.stringify(indexName(event))},"_id":${JSON.stringify(record.id)}}}\n${JSON.stringify(event)}\n`;
    starts[items] = offset;
    recordIndex[items] = r;
    parts.push(text);
    offset += text.length;
    items += 1;
  }
  starts[items] = offset;
  if (progress !== undefined) Atomics.store(progress, 0, -2);
  return {
    body: parts.join(''),
    starts: items === records.length ? starts : starts.slice(0, items + 1),
    recordIndex: items === records.length ? recordIndex : recordIndex.slice(0, items),
    dropped,
    failures,
  };
}
