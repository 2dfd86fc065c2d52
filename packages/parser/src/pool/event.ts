import {
  addTag,
  cachedIsoTime,
  fieldPath,
  type InboundRecord,
  type JsonObject,
  type JsonValue,
  type LogEvent,
  setField,
  setOwn,
} from '@sluice/core';
import { type CompiledPipeline, markProcessorFailure } from '../pipeline/compile.js';
import { nestedFields } from './nested-fields.js';

/** The fields of an InboundRecord a pipeline needs; what crosses into a worker, per record. */
export type RecordInput = Pick<InboundRecord, 'id' | 'line' | 'shippedAt' | 'format' | 'fields'>;

/** Tag of an event whose parsing overran the time budget and was not parsed (see parser-pool.ts). */
export const TIMEOUT_TAG = '_groktimeout';

/**
 * The event a pipeline starts from: the record's fields (shipper metadata with dotted keys
 * such as `host.name`, or a whole Filebeat/Logstash event) with `message` set to the line.
 * Parsed fields are written over these, so a capture wins over shipper metadata.
 *
 * `owned`: the fields object may be mutated (it was just parsed from JSON in a worker);
 * otherwise it is cloned so the caller's record is left as it was.
 */
export function startEvent(record: RecordInput, owned: boolean): LogEvent {
  const event = recordFields(record, owned);
  event.message = record.line;
  return event;
}

/** The record's own fields as an event starts with them (startEvent without `message`). */
export function recordFields(record: RecordInput, owned: boolean): LogEvent {
  const fields = record.fields;
  if (fields === undefined || fields === null) return {};
  const structured = record.format === 'beats' || record.format === 'logstash';
  if (owned && !structured) {
    const nested = nestedFields(fields);
    if (nested !== undefined) return nested;
  }
  const event: LogEvent = {};
  for (const key of Object.keys(fields)) {
    let value = fields[key] as JsonValue;
    if (value === undefined) continue;
    if (!owned && value !== null && typeof value === 'object') value = structuredClone(value);
    // Sluice's own metadata uses dotted keys; foreign events are already nested.
    if (!structured && key.includes('.')) setField(event, dottedPath(key), value);
    else setOwn(event, key, value);
  }
  return event;
}

/**
 * A dotted metadata key (`host.name`, `log.file.path`) as setField splits it, remembered:
 * every record of a shipper carries the same few keys, and splitting them again for each
 * record cost about as much as the rest of starting its event. Bounded, since the keys
 * come from the records.
 */
function dottedPath(key: string): readonly string[] {
  let path = dottedPaths.get(key);
  if (path === undefined) {
    path = fieldPath(key);
    if (dottedPaths.size >= MAX_DOTTED_PATHS) dottedPaths.clear();
    dottedPaths.set(key, path);
  }
  return path;
}

const MAX_DOTTED_PATHS = 1024;
const dottedPaths = new Map<string, readonly string[]>();

/**
 * What every event carries whatever the pipeline did: `@timestamp` (from the date
 * processor, else the one the event arrived with, else when it was shipped, else now) and
 * `event.created` (when it was shipped).
 */
export function finishEvent(event: LogEvent, record: RecordInput, now: number): LogEvent {
  const shipped =
    typeof record.shippedAt === 'number' && Number.isFinite(record.shippedAt) ? record.shippedAt : undefined;
  if (event['@timestamp'] === undefined || event['@timestamp'] === null) {
    event['@timestamp'] = isoTime(shipped ?? now);
  }
  if (shipped !== undefined) {
    const created = isoTime(shipped);
    const current = event.event;
    if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
      (current as JsonObject).created = created;
    } else {
      event.event = { created };
    }
  }
  return event;
}

// Records of one batch mostly share their shipping time (to the millisecond), and
// formatting a date costs more than matching a short line: remember the last one.
/** `new Date(ms).toISOString()`, remembered for the last value (core's cachedIsoTime). */
export const isoTime = cachedIsoTime();

/** Runs one record through a pipeline; null when it was dropped. */
export function runRecord(
  pipeline: CompiledPipeline,
  record: RecordInput,
  owned: boolean,
  now: number,
): LogEvent | null {
  const event = pipeline(startEvent(record, owned));
  return event === null ? null : finishEvent(event, record, now);
}

/** The event for a record that was not parsed because parsing it overran the time budget. */
export function timedOutEvent(record: RecordInput, now: number): LogEvent {
  const event = startEvent(record, true);
  addTag(event, TIMEOUT_TAG);
  return finishEvent(event, record, now);
}

/**
 * The event for a record whose processing threw outside any processor (its index name,
 * its serialisation: a value nested past what JSON.stringify can walk). The record's
 * own fields are kept when they serialise; otherwise only the line is, so the record is
 * still indexed and searchable, tagged `_processorfailure` with `sluice.failure`.
 */
export function failedEventSource(record: RecordInput, stage: string, error: unknown, now: number): string {
  try {
    const event = startEvent(record, false);
    markProcessorFailure(event, stage, error);
    return JSON.stringify(finishEvent(event, record, now));
  } catch {
    const event: LogEvent = { message: record.line };
    markProcessorFailure(event, stage, error);
    return JSON.stringify(finishEvent(event, record, now));
  }
}

/**
 * The JSON text of a pipeline's event, or, when it cannot be serialised (nested past
 * what JSON.stringify can walk), of the record's `_processorfailure` event instead.
 */
export function eventSource(event: LogEvent, record: RecordInput, now: number): string {
  try {
    return JSON.stringify(event);
  } catch (error) {
    return failedEventSource(record, 'encoder', error, now);
  }
}
