import type { JsonObject, JsonValue } from '@sluice/core';
import {
  cachedIsoTime,
  contentId,
  DEFAULT_MAX_DEPTH,
  exceedsDepth,
  fieldPath,
  type InboundRecord,
  type OutboundRecord,
  setField,
  setOwn,
  type WireFormat,
} from '@sluice/core';
import { EnvelopeReader } from './envelope-reader.js';
import { EventWriter } from './envelope-writer.js';

/**
 * The wire format shared by every backend (documented in the package README).
 *
 * One record per message everywhere. JSON payloads are shaped like Filebeat/Logstash
 * events (`@timestamp`, `message`, `log.file.path`, `log.offset`) so one decoder reads
 * ours and theirs; Sluice's own metadata rides in a `sluice` object (or, in the `beats`
 * form, in `@metadata._id`, which Filebeat and Logstash already use as the document id).
 */

export const SLUICE_ENVELOPE_KEY = 'sluice';

/** RabbitMQ/Kafka header names carrying what a Redis envelope carries in JSON. */
export const HEADER = {
  source: 'x-sluice-source',
  offset: 'x-sluice-offset',
  shippedAt: 'x-sluice-shipped-at',
  fields: 'x-sluice-fields',
} as const;

/** Sluice's JSON envelope: a Filebeat-shaped event plus `sluice.{id,shipped_at}`. */
export function encodeEnvelope(record: OutboundRecord): string {
  return envelopeWriter.write(record);
}

/**
 * The Filebeat-compatible form (`?format=beats`) for lists and queues that Logstash or
 * another Beats consumer also reads. The id travels in `@metadata._id`, which the
 * Elasticsearch outputs of Filebeat and Logstash (`document_id => "%{[@metadata][_id]}"`) use.
 */
export function encodeBeatsEvent(record: OutboundRecord): string {
  return beatsWriter.write(record);
}

/** The envelope as an object, the definition of both forms' bytes (the writers below copy it). */
function sluiceEvent(record: OutboundRecord, timestamp: string): JsonObject {
  const event = baseEvent(record, timestamp);
  event[SLUICE_ENVELOPE_KEY] = { id: record.id, shipped_at: record.shippedAt };
  return event;
}

function beatsEvent(record: OutboundRecord, timestamp: string): JsonObject {
  const event = baseEvent(record, timestamp);
  event['@metadata'] = { beat: 'sluice', type: '_doc', _id: record.id };
  event.agent = { type: 'sluice' };
  event.input = { type: 'log' };
  event.ecs = { version: '8.0.0' };
  return event;
}

function baseEvent(record: OutboundRecord, timestamp: string): JsonObject {
  const event: JsonObject = { '@timestamp': timestamp, message: record.line };
  // Extra fields first, so the line and its coordinates cannot be overwritten by them.
  if (record.fields) {
    for (const key of Object.keys(record.fields)) {
      const value = record.fields[key];
      setField(event, splitPath(key), (Array.isArray(value) ? [...value] : value) as JsonValue);
    }
  }
  event.message = record.line;
  const log: JsonObject = { file: { path: record.source } };
  if (record.offset !== undefined) log.offset = record.offset;
  event.log = log;
  return event;
}

// The writers (envelope-writer.ts) copy the bytes these builders define.
const envelopeWriter = new EventWriter(sluiceEvent);
const beatsWriter = new EventWriter(beatsEvent);

/**
 * Writes a record's JSON event as UTF-8 into `out` from `at`, the bytes of encodeEnvelope or
 * encodeBeatsEvent; returns where it ends, or -1 when it might not fit before `end`.
 */
export type EventBytesWriter = (record: OutboundRecord, out: Buffer, at: number, end: number) => number;

export const writeEnvelopeUtf8: EventBytesWriter = (record, out, at, end) =>
  envelopeWriter.writeUtf8(record, out, at, end);

export const writeBeatsEventUtf8: EventBytesWriter = (record, out, at, end) =>
  beatsWriter.writeUtf8(record, out, at, end);

/** The envelope the plain way, for tests that hold the writers to it. */
export function encodeEnvelopeObject(record: OutboundRecord, form: 'sluice' | 'beats' = 'sluice'): string {
  const timestamp = isoTime(record.shippedAt);
  return JSON.stringify(form === 'sluice' ? sluiceEvent(record, timestamp) : beatsEvent(record, timestamp));
}

// This runs once per shipped line, with the same few field names and, for the lines of one
// read, the same timestamp: split each name once (a bounded cache) and format the last time once.
const splitPaths = new Map<string, readonly string[]>();
function splitPath(key: string): readonly string[] {
  let parts = splitPaths.get(key);
  if (parts === undefined) {
    parts = fieldPath(key);
    if (splitPaths.size < 1_024) splitPaths.set(key, parts);
  }
  return parts;
}

const isoTime = cachedIsoTime();

/** A payload that cannot be turned into a record: routed to the dead-letter destination. */
export interface Poison {
  readonly poison: true;
  readonly reason: string;
}

export type Decoded = InboundRecord | Poison;

export function isPoison(decoded: Decoded): decoded is Poison {
  return (decoded as Poison).poison === true;
}

export interface DecodeContext {
  /** Broker coordinates (`topic/partition@offset`, list name, queue) for the record's `origin`. */
  readonly origin: string;
  /**
   * A deterministic id for payloads that carry none: Kafka passes `topic/partition@offset`
   * (unique and stable); lists and queues have no stable coordinates, so they pass nothing
   * and the id is derived from the content and the stream name.
   */
  readonly fallbackId?: string;
  /** Salt for content-derived ids (the stream name). */
  readonly stream: string;
  /** The sender declared JSON (AMQP content type, Kafka header): a non-JSON body is poison. */
  readonly declaredJson?: boolean;
}

const MAX_POISON_REASON = 200;

/**
 * Decodes one payload: a Sluice envelope, a Filebeat or Logstash JSON event, another JSON
 * object (kept as a raw line for the parser), or a plain line. A payload that starts like
 * JSON (`{`) or is declared JSON but does not parse, or an envelope without its `message`,
 * is poison.
 */
export function decodePayload(payload: string, context: DecodeContext): Decoded {
  // Sluice's own envelopes, in the layout its writer gives them, without JSON.parse of the whole.
  if (payload.charCodeAt(0) === 0x7b) {
    const record = envelopeReader.read(payload, context.origin);
    if (record !== undefined) return record;
  }
  return decodePayloadGenerally(payload, context);
}

/**
 * decodePayload without the envelope reader's shortcut: JSON.parse of the whole payload,
 * then decodeJsonEvent. The definition of what the shortcut returns (envelope-reader.test.ts).
 */
export function decodePayloadGenerally(payload: string, context: DecodeContext): Decoded {
  const first = firstNonSpace(payload);
  if (first !== '{' && !context.declaredJson) return rawRecord(payload, context);
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch (error) {
    return poison(`payload looks like JSON but does not parse: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return poison(
      `payload is declared JSON but is not an object (${Array.isArray(parsed) ? 'array' : typeof parsed})`,
    );
  }
  return decodeJsonEvent(parsed as JsonObject, payload, context);
}

const envelopeReader = new EnvelopeReader();

/** Decodes an already-parsed JSON object (Kafka's decoder shares this). */
export function decodeJsonEvent(event: JsonObject, payload: string, context: DecodeContext): Decoded {
  // A producer's event nested thousands of levels deep would overflow every recursive walk
  // after this one (cloning to a worker, serialising); Elasticsearch refuses more than 20
  // levels anyway, so such an event goes to the dead letters with its payload, whole.
  if (exceedsDepth(event, DEFAULT_MAX_DEPTH))
    return poison(`JSON event nested deeper than ${DEFAULT_MAX_DEPTH} levels`);
  const sluice = event[SLUICE_ENVELOPE_KEY];
  const metadata = event['@metadata'];
  const format = classify(event);
  if (format === 'sluice') {
    const meta = sluice as JsonObject;
    if (typeof meta.id !== 'string' || meta.id === '')
      return poison('Sluice envelope without a string sluice.id');
    if (typeof event.message !== 'string') return poison('Sluice envelope without a string message');
    // Every record a Sluice shipper sent passes here, in a parser worker: the record is built
    // field by field (an object rest and spreads cost more than the JSON.parse before them),
    // with the same keys, in the same order, present under the same conditions.
    const record = { id: meta.id, line: event.message } as Mutable<InboundRecord>; // format, origin below
    addLogCoordinates(record, event.log);
    if (typeof meta.shipped_at === 'number') record.shippedAt = meta.shipped_at;
    record.format = 'sluice';
    const fields = envelopeFields(event);
    if (fields !== undefined) record.fields = fields;
    record.origin = context.origin;
    return record;
  }
  if (format === 'beats' || format === 'logstash') {
    if (typeof event.message !== 'string') return poison(`${format} event without a string message`);
    const { message, '@metadata': _m, ...fields } = event;
    const coordinates = logCoordinates(event.log);
    const legacyPath = typeof event.path === 'string' ? event.path : undefined;
    const metaId =
      isObject(metadata) && typeof metadata._id === 'string' && metadata._id !== ''
        ? metadata._id
        : undefined;
    return {
      id: metaId ?? context.fallbackId ?? contentId(payload, context.stream),
      line: message,
      ...(coordinates.source === undefined && legacyPath !== undefined ? { source: legacyPath } : {}),
      ...coordinates,
      format,
      fields,
      origin: context.origin,
    };
  }
  // Some other JSON object (an application's JSON log line pushed as is): the parser's
  // json processor can take it apart; here it is a line like any other.
  return rawRecord(payload, context);
}

/** Which producer wrote this event. */
export function classify(event: JsonObject): WireFormat {
  const sluice = event[SLUICE_ENVELOPE_KEY];
  if (isObject(sluice) && 'id' in sluice) return 'sluice';
  const metadata = event['@metadata'];
  const agent = event.agent;
  if (
    (isObject(metadata) && typeof metadata.beat === 'string') ||
    (isObject(agent) && agent.type === 'filebeat')
  )
    return 'beats';
  if ('@version' in event) return 'logstash';
  if (
    isObject(event.log) &&
    isObject(event.log.file) &&
    typeof event.log.file.path === 'string' &&
    typeof event.message === 'string'
  ) {
    return 'beats';
  }
  return 'raw';
}

function rawRecord(payload: string, context: DecodeContext): InboundRecord {
  return {
    id: context.fallbackId ?? contentId(payload, context.stream),
    line: payload,
    format: 'raw',
    origin: context.origin,
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The envelope's fields an event starts from: all but `message`, `sluice` and `@timestamp`
 * (`log` stays: log.file.path and log.offset belong in the indexed event); undefined when
 * there are none. Own keys in their order, a `__proto__` key kept as a field.
 */
function envelopeFields(event: JsonObject): JsonObject | undefined {
  let fields: JsonObject | undefined;
  for (const key in event) {
    if (
      key === 'message' ||
      key === SLUICE_ENVELOPE_KEY ||
      key === '@timestamp' ||
      !Object.hasOwn(event, key)
    )
      continue;
    fields ??= {};
    setOwn(fields, key, event[key] as JsonValue);
  }
  return fields;
}

function addLogCoordinates(record: Mutable<InboundRecord>, log: JsonValue | undefined): void {
  if (!isObject(log)) return;
  if (isObject(log.file) && typeof log.file.path === 'string') record.source = log.file.path;
  if (typeof log.offset === 'number') record.offset = log.offset;
}

function logCoordinates(log: JsonValue | undefined): { source?: string; offset?: number } {
  if (!isObject(log)) return {};
  const out: { source?: string; offset?: number } = {};
  if (isObject(log.file) && typeof log.file.path === 'string') out.source = log.file.path;
  if (typeof log.offset === 'number') out.offset = log.offset;
  return out;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return text[i] as string;
  }
  return '';
}

/** A poison result with its reason cut to a loggable length (shared by the backends' codecs). */
export function poison(reason: string): Poison {
  return {
    poison: true,
    reason: reason.length > MAX_POISON_REASON ? `${reason.slice(0, MAX_POISON_REASON)}...` : reason,
  };
}
