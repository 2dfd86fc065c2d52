import type {
  DecodedPayloads,
  EncodedBatch,
  InboundRecord,
  PayloadPoison,
  RawPayloads,
  WireFormat,
} from '@sluice/core';
import type { LogMetricDefinition } from '../log-metrics/config.js';
import type { LogMetricRow } from '../log-metrics/evaluator.js';
import type { RecordInput } from './event.js';
import type { PipelineSource } from './source.js';

/** What every worker gets once, when it starts. */
/**
 * Starts the message of a task's error when its worker could not start (the pipeline did
 * not compile there, the payload decoder did not load): no batch can succeed on this pool.
 */
export const WORKER_START_FAILED = 'parser worker failed to start: ';

export interface WorkerData {
  readonly pipeline: PipelineSource;
  readonly index: string;
  readonly indexMissing?: string;
  /**
   * The logs-to-metrics declarations, validated once in the main thread: every worker
   * evaluates this same list, so a row's metric position means the same on both sides.
   */
  readonly metrics: readonly LogMetricDefinition[];
  /**
   * URL of a module exporting `decodePayloads(raw: RawPayloads): DecodedPayloads` (the
   * broker package's payloads.js), for batches that arrive as raw payloads. Passed by URL
   * so the parser does not depend on the broker package.
   */
  readonly payloadDecoder?: string;
}

/** What the payload decoder module exports. */
export interface PayloadDecoderModule {
  decodePayloads(raw: RawPayloads): DecodedPayloads;
}

/**
 * A batch as it crosses into a worker: a few strings and typed arrays whatever the batch
 * size, never an object per line. Lines and ids are concatenated with their lengths
 * beside them: joining and slicing strings is a copy, where JSON would scan every
 * character for escapes on both sides (measured 12x slower for the lines of a batch).
 */
export interface WireBatch {
  /**
   * All lines, back to back, in chunks of about WIRE_CHUNK_CHARS (a line is never split):
   * one string of a whole batch (100-500 KB) is allocated in V8's large-object space, on
   * fresh pages the kernel zeroes, every batch; chunks stay in the young generation and
   * cost the calling thread a third less per line of combined-log text (benchmarks/parse).
   */
  readonly lines: readonly string[];
  /** All ids, back to back. */
  readonly ids: string;
  /** Per record: line length, then id length. */
  readonly lengths: Int32Array;
  /** Per record: shippedAt, NaN when absent. */
  readonly shippedAt: Float64Array;
  /** Per record: index in FORMATS. */
  readonly formats: Uint8Array;
  /** JSON array of each record's fields (null when absent), or '' when no record has any. */
  readonly fields: string;
}

/** A batch of raw broker payloads, decoded in the worker (the lean path). */
export interface PayloadsBatch {
  readonly raw: RawPayloads;
}

/** The part of a task every batch has, whichever form its records take. */
export interface TaskControl {
  /** Shared with the main thread: index of the record being parsed (-1 not started, -2 done). */
  readonly progress: Int32Array;
  /** Records to emit tagged `_groktimeout` without parsing (they overran the budget before). */
  readonly skip: readonly number[];
  /** When the task was submitted, ms since the epoch (performance.timeOrigin + now()), for the queue wait. */
  readonly queuedAt: number;
  /**
   * Buffers of earlier bodies the consumer is done with (ParserPool.accepted), transferred
   * back for the worker to write its next bodies into (BulkWriter.recycle).
   */
  readonly spareBodies?: readonly ArrayBuffer[];
}

export type WorkerTask = (WireBatch | PayloadsBatch) & TaskControl;

export function isPayloadsTask(task: WorkerTask): task is PayloadsBatch & TaskControl {
  return (task as Partial<PayloadsBatch>).raw !== undefined;
}

export interface WorkerResult extends EncodedBatch {
  /** [pattern label, matches, misses, seconds] since the previous batch of this worker. */
  readonly stats: readonly (readonly [string, number, number, number])[];
  /** How long the worker spent on this batch, in seconds (for the pool's utilization). */
  readonly busySeconds: number;
  /** How long the task waited between submit and the worker starting it, in seconds. */
  readonly waitSeconds: number;
  /** Logs-to-metrics changes from this batch's indexed (not dropped) events. */
  readonly logMetrics: readonly LogMetricRow[];
  /** Payload tasks only: records decoded, their shippedAt (NaN when unknown), the poison payloads. */
  readonly decoded?: {
    readonly records: number;
    readonly shippedAt: Float64Array;
    readonly poison: readonly PayloadPoison[];
  };
}

const FORMATS: readonly WireFormat[] = ['sluice', 'beats', 'logstash', 'raw'];

/** Characters per chunk of `WireBatch.lines`: below V8's large-object size (128 KiB) in one- and two-byte strings. */
export const WIRE_CHUNK_CHARS = 32 * 1024;

/** `chunkChars` is for tests (chunk boundaries with short batches); at least 1. */
export function toWire(records: readonly InboundRecord[], chunkChars = WIRE_CHUNK_CHARS): WireBatch {
  const n = records.length;
  const chunks: string[] = [];
  let chunk: string[] = [];
  let chunkSize = 0;
  const ids: string[] = new Array(n);
  const lengths = new Int32Array(n * 2);
  const shippedAt = new Float64Array(n);
  const formats = new Uint8Array(n);
  let anyFields = false;
  for (let i = 0; i < n; i++) {
    const r = records[i] as InboundRecord;
    chunk.push(r.line);
    chunkSize += r.line.length;
    if (chunkSize >= chunkChars) {
      chunks.push(chunk.join(''));
      chunk = [];
      chunkSize = 0;
    }
    ids[i] = r.id;
    lengths[2 * i] = r.line.length;
    lengths[2 * i + 1] = r.id.length;
    shippedAt[i] = r.shippedAt ?? Number.NaN;
    const format = FORMATS.indexOf(r.format);
    formats[i] = format < 0 ? 3 : format;
    if (r.fields !== undefined) anyFields = true;
  }
  if (chunk.length > 0) chunks.push(chunk.join(''));
  return {
    lines: chunks,
    ids: ids.join(''),
    lengths,
    shippedAt,
    formats,
    fields: anyFields ? JSON.stringify(records.map((r) => r.fields ?? null)) : '',
  };
}

export function fromWire(batch: WireBatch): RecordInput[] {
  const n = batch.formats.length;
  const fields =
    batch.fields === '' ? undefined : (JSON.parse(batch.fields) as (Record<string, unknown> | null)[]);
  const records: RecordInput[] = new Array(n);
  let chunkIndex = 0;
  let chunk = batch.lines[0] ?? '';
  let lineAt = 0;
  let idAt = 0;
  for (let i = 0; i < n; i++) {
    const lineLength = batch.lengths[2 * i] as number;
    const idLength = batch.lengths[2 * i + 1] as number;
    // Lines never span chunks: one that does not fit in what is left starts the next chunk
    // (an empty line reads '' from either side of a boundary).
    if (lineAt + lineLength > chunk.length) {
      chunk = batch.lines[++chunkIndex] ?? '';
      lineAt = 0;
    }
    const record: { -readonly [K in keyof RecordInput]: RecordInput[K] } = {
      id: batch.ids.slice(idAt, idAt + idLength),
      line: chunk.slice(lineAt, lineAt + lineLength),
      format: FORMATS[batch.formats[i] as number] as WireFormat,
    };
    lineAt += lineLength;
    idAt += idLength;
    const shipped = batch.shippedAt[i] as number;
    if (!Number.isNaN(shipped)) record.shippedAt = shipped;
    const f = fields?.[i];
    if (f !== undefined && f !== null) record.fields = f;
    records[i] = record;
  }
  return records;
}
