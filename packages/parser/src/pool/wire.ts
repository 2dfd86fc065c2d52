import type { EncodedBatch, InboundRecord, WireFormat } from '@sluice/core';
import type { PipelineSource } from './source.js';

/** What every worker gets once, when it starts. */
export interface WorkerData {
  readonly pipeline: PipelineSource;
  readonly index: string;
  readonly indexMissing?: string;
}

/** One record as it crosses into a worker, inside one JSON string per batch: no object per line is cloned. */
export type WireRecord = [
  id: string,
  line: string,
  shippedAt: number | null,
  format: WireFormat,
  fields: Readonly<Record<string, unknown>> | null,
];

export interface WorkerTask {
  /** JSON array of WireRecord. */
  readonly input: string;
  /** Shared with the main thread: index of the record being parsed (-1 not started, -2 done). */
  readonly progress: Int32Array;
  /** Records to emit tagged `_groktimeout` without parsing (they overran the budget before). */
  readonly skip: readonly number[];
}

export interface WorkerResult extends EncodedBatch {
  /** [pattern label, matches, misses, seconds] since the previous batch of this worker. */
  readonly stats: readonly (readonly [string, number, number, number])[];
}

export function toWire(records: readonly InboundRecord[]): string {
  const wire: WireRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as InboundRecord;
    wire[i] = [r.id, r.line, r.shippedAt ?? null, r.format, r.fields ?? null];
  }
  return JSON.stringify(wire);
}
