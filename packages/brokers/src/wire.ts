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
  type WireFormat,
} from '@sluice/core';

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

/*
 * Writing the envelope is most of what a shipper spends per line on Redis (building the nested
 * object, then JSON.stringify walking it: 15% of its CPU). The object's shape depends only on
 * the names and order of the record's fields and on whether it has an offset, and those are
 * the same for every line of a file. So the writer builds the event once per shape with marker
 * strings in place of the values, stringifies that, and cuts the text at the markers: the
 * literal pieces between values. A line then costs one JSON.stringify of its text plus string
 * concatenation, and the bytes are those JSON.stringify of the object would give (wire tests
 * compare the two on awkward field sets).
 */

/** Value slots besides the fields (which are slots 0..n-1, in key order). */
const SLOT = { timestamp: -1, message: -2, source: -3, offset: -4, id: -5, shippedAt: -6 } as const;
/** Private-use characters: JSON.stringify leaves them as they are, so a marker is found verbatim. */
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const MARKER = new RegExp(`"${MARK_OPEN}(-?\\d+)${MARK_CLOSE}"`, 'g');
const mark = (slot: number) => `${MARK_OPEN}${slot}${MARK_CLOSE}`;

interface Template {
  readonly keys: readonly string[];
  readonly hasOffset: boolean;
  /** Literal text; `pieces[i]` comes before `slots[i]`, the last piece after the last slot. */
  readonly pieces: readonly string[];
  readonly slots: readonly number[];
}

/** Most shapes remembered per writer: a shipper has a handful (one per input kind and field set). */
const MAX_TEMPLATES = 64;

class EventWriter {
  private readonly templates: Template[] = [];
  private last: Template | undefined;
  private readonly isoTime = cachedIsoTime();
  private lastShippedAt = Number.NaN;
  private lastTimestamp = '';

  constructor(private readonly build: (record: OutboundRecord, timestamp: string) => JsonObject) {}

  write(record: OutboundRecord): string {
    const fields = record.fields;
    const keys = fields === undefined ? NO_KEYS : Object.keys(fields);
    const hasOffset = record.offset !== undefined;
    const template = this.template(keys, hasOffset);
    if (template === undefined || (fields !== undefined && !plainValues(fields, keys)))
      return JSON.stringify(this.build(record, this.isoTime(record.shippedAt)));
    const { pieces, slots } = template;
    let out = pieces[0] as string;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number;
      let value: string;
      if (slot >= 0) value = this.field(slot, (fields as Record<string, unknown>)[keys[slot] as string]);
      else if (slot === SLOT.message) value = JSON.stringify(record.line);
      else if (slot === SLOT.timestamp) value = this.timestamp(record.shippedAt);
      else if (slot === SLOT.source) value = JSON.stringify(record.source);
      else if (slot === SLOT.offset) value = JSON.stringify(record.offset);
      else if (slot === SLOT.id) value = JSON.stringify(record.id);
      else value = JSON.stringify(record.shippedAt);
      out += value + (pieces[i + 1] as string);
    }
    return out;
  }

  /** Field values repeat from line to line (host, agent, path): each slot keeps its last text. */
  private readonly lastValues: unknown[] = [];
  private readonly lastTexts: string[] = [];

  private field(slot: number, value: unknown): string {
    if (this.lastValues[slot] === value && typeof value !== 'object') return this.lastTexts[slot] as string;
    const text = JSON.stringify(value);
    this.lastValues[slot] = value;
    this.lastTexts[slot] = text;
    return text;
  }

  /** The quoted ISO time: the lines of one read share it, so it is formatted once. */
  private timestamp(ms: number): string {
    if (ms !== this.lastShippedAt) {
      this.lastTimestamp = JSON.stringify(this.isoTime(ms));
      this.lastShippedAt = ms;
    }
    return this.lastTimestamp;
  }

  private template(keys: readonly string[], hasOffset: boolean): Template | undefined {
    const last = this.last;
    if (last !== undefined && last.hasOffset === hasOffset && sameKeys(last.keys, keys)) return last;
    let found = this.templates.find((t) => t.hasOffset === hasOffset && sameKeys(t.keys, keys));
    if (found === undefined) {
      // A name with a marker character in it could be mistaken for a marker: such records
      // (and shapes past the cap) take the plain path.
      if (this.templates.length >= MAX_TEMPLATES || keys.some((k) => /[\uE000\uE001]/.test(k)))
        return undefined;
      found = compile(this.build, [...keys], hasOffset);
      this.templates.push(found);
    }
    if (found !== last) {
      // Slots are numbered per template: another template's remembered values do not apply.
      this.lastValues.length = 0;
      this.lastTexts.length = 0;
    }
    this.last = found;
    return found;
  }
}

const NO_KEYS: readonly string[] = [];

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * True when every value stringifies on its own as it does inside the object: strings,
 * numbers, booleans, arrays. `undefined` (which the object form leaves out) and objects
 * (which setField would walk into) take the plain path.
 */
function plainValues(fields: Readonly<Record<string, unknown>>, keys: readonly string[]): boolean {
  for (const key of keys) {
    const v = fields[key];
    const t = typeof v;
    if (t !== 'string' && t !== 'number' && t !== 'boolean' && !Array.isArray(v)) return false;
  }
  return true;
}

function compile(
  build: (record: OutboundRecord, timestamp: string) => JsonObject,
  keys: readonly string[],
  hasOffset: boolean,
): Template {
  const fields: Record<string, string> = {};
  keys.forEach((key, i) => {
    // setField creates own fields even for `__proto__`; so must the model record.
    Object.defineProperty(fields, key, {
      value: mark(i),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  const model = {
    id: mark(SLOT.id),
    line: mark(SLOT.message),
    source: mark(SLOT.source),
    ...(hasOffset ? { offset: mark(SLOT.offset) as unknown as number } : {}),
    shippedAt: mark(SLOT.shippedAt) as unknown as number,
    fields,
  } satisfies OutboundRecord;
  const text = JSON.stringify(build(model, mark(SLOT.timestamp)));
  const pieces: string[] = [];
  const slots: number[] = [];
  let from = 0;
  for (const m of text.matchAll(MARKER)) {
    pieces.push(text.slice(from, m.index));
    slots.push(Number(m[1]));
    from = (m.index as number) + m[0].length;
  }
  pieces.push(text.slice(from));
  return { keys, hasOffset, pieces, slots };
}

const envelopeWriter = new EventWriter(sluiceEvent);
const beatsWriter = new EventWriter(beatsEvent);

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
    // `log` stays among the fields: log.file.path and log.offset belong in the indexed event.
    const { message, sluice: _s, '@timestamp': _t, ...fields } = event;
    const coordinates = logCoordinates(event.log);
    return {
      id: meta.id,
      line: message,
      ...coordinates,
      ...(typeof meta.shipped_at === 'number' ? { shippedAt: meta.shipped_at } : {}),
      format: 'sluice',
      ...(Object.keys(fields).length > 0 ? { fields } : {}),
      origin: context.origin,
    };
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
