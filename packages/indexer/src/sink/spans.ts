import { type BatchWriteOutcome, type EncodedBatch, itemCount, type RecordRefs } from '@sluice/core';
import type { DeadLetterEntry } from '../dead-letter.js';
import type { RequestBodies } from './request-bodies.js';

/** One caller's batch, until each of its items is final; owned by the BatchLedger. */
export interface BatchState {
  readonly batch: EncodedBatch;
  readonly records: RecordRefs;
  remaining: number;
  indexed: number;
  duplicates: number;
  deadLettered: number;
  readonly deadLetteredItems: number[];
  settled: boolean;
  resolve(outcome: Required<BatchWriteOutcome>): void;
  reject(error: unknown): void;
}

/**
 * Items [from, to) of one batch: the unit the queue holds and requests carry. Retried
 * items travel as one-item spans with their attempt count.
 */
export interface Span {
  readonly state: BatchState;
  readonly from: number;
  readonly to: number;
  readonly attempts: number;
}

export function spanItems(span: Span): number {
  return span.to - span.from;
}

export function spanByteLength(span: Span): number {
  const starts = span.state.batch.starts;
  return (starts[span.to] as number) - (starts[span.from] as number);
}

/** The span's bytes: a view on the batch body (the worker encoded it), never a copy. */
function spanBytes(span: Span): Uint8Array {
  const { body, starts } = span.state.batch;
  if (span.from === 0 && span.to === itemCount(span.state.batch)) return body;
  return body.subarray(starts[span.from], starts[span.to]);
}

/**
 * The request body: one span's bytes as they are, several copied once into a buffer from
 * `bodies` (give it back there once Elasticsearch answered).
 */
export function requestBody(spans: readonly Span[], bodies: RequestBodies): Buffer {
  if (spans.length === 1) {
    const bytes = spanBytes(spans[0] as Span);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  let size = 0;
  for (const span of spans) size += spanByteLength(span);
  const body = bodies.take(size);
  let at = 0;
  for (const span of spans) {
    const bytes = spanBytes(span);
    body.set(bytes, at);
    at += bytes.byteLength;
  }
  return body;
}

/** Cuts a list of spans after `count` items. */
export function splitSpans(spans: readonly Span[], count: number): [Span[], Span[]] {
  const first: Span[] = [];
  const second: Span[] = [];
  let left = count;
  for (const span of spans) {
    const n = spanItems(span);
    if (left >= n) {
      first.push(span);
      left -= n;
    } else if (left > 0) {
      first.push({ ...span, to: span.from + left });
      second.push({ ...span, from: span.from + left });
      left = 0;
    } else {
      second.push(span);
    }
  }
  return [first, second];
}

/**
 * The `_index` and `_id` of item i, read back from its action line. Only on the rare
 * paths (a refused or dead-lettered item), so the hot path never parses what it sends.
 */
export function actionLine(state: BatchState, i: number): { _index?: string; _id?: string } {
  const { body, starts } = state.batch;
  const start = starts[i] as number;
  const end = body.indexOf(0x0a, start);
  try {
    const line = Buffer.from(body.buffer, body.byteOffset + start, (end < 0 ? body.length : end) - start);
    const action = JSON.parse(line.toString('utf8')) as Record<string, { _index?: string; _id?: string }>;
    return Object.values(action)[0] ?? {};
  } catch {
    return {};
  }
}

/** The dead letter for item i: its broker record's original line, and why Elasticsearch refused it. */
export function deadLetterEntry(
  state: BatchState,
  i: number,
  status: number,
  error?: { type?: string; reason?: string },
): DeadLetterEntry {
  const action = actionLine(state, i);
  const record = state.records.at(state.batch.recordIndex[i] as number);
  return {
    id: action._id ?? record?.id ?? `item-${i}`,
    line: record?.line ?? '',
    origin: record?.origin ?? '',
    index: action._index ?? '',
    status,
    error: { type: error?.type ?? 'unknown', reason: error?.reason ?? `status ${status}` },
    at: Date.now(),
  };
}
