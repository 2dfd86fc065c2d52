import { type InboundRecord, type OutboundRecord, sameKeys } from '@sluice/core';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { decodeFrame, encodeFrame, FRAME_CONTENT_TYPE } from '../frame.js';
import { type Decoded, decodePayload, encodeBeatsEvent, HEADER, isPoison, type Poison } from '../wire.js';

/**
 * Kafka's wire format (README, "Kafka"): one record per Kafka message. The value is the
 * raw line, untouched, so any Kafka tool shows the log; the key is the source (one file
 * lands in one partition and keeps its order); headers carry the id and coordinates.
 * Kafka batches and compresses messages per partition itself, so one line per message
 * costs little on the wire.
 */
export const KAFKA_HEADER = {
  id: 'x-sluice-id',
  ...HEADER,
  /** Set on dead-lettered copies: why the payload was rejected, and where it was. */
  deadLetterReason: 'x-sluice-dead-letter-reason',
  deadLetterOrigin: 'x-sluice-dead-letter-origin',
  /** Set on a frame (`?linesPerMessage=N`): how many lines its value carries. */
  frame: 'x-sluice-frame',
} as const;

/**
 * Several records of one source in one Kafka message (`?linesPerMessage=N`, see frame.ts):
 * the key is still the source, so a file keeps its partition and its order; the value is
 * the frame; headers say so, and how many lines it carries.
 */
export function encodeKafkaFrame(records: readonly OutboundRecord[]): Message {
  const first = records[0] as OutboundRecord;
  return {
    key: first.source,
    value: encodeFrame(records),
    headers: { [KAFKA_HEADER.frame]: String(records.length), 'content-type': FRAME_CONTENT_TYPE },
  };
}

export function encodeKafkaMessage(record: OutboundRecord, format: 'sluice' | 'beats' = 'sluice'): Message {
  if (format === 'beats') {
    // What Filebeat's Kafka output writes: a JSON event, no headers. The id rides in @metadata._id.
    return {
      key: record.source,
      value: encodeBeatsEvent(record),
      headers: { 'content-type': 'application/json' },
    };
  }
  const headers: IHeaders = {
    [KAFKA_HEADER.id]: record.id,
    [KAFKA_HEADER.source]: record.source,
    [KAFKA_HEADER.shippedAt]: String(record.shippedAt),
  };
  if (record.offset !== undefined) headers[KAFKA_HEADER.offset] = String(record.offset);
  if (record.fields) {
    const fields = fieldsHeader(record.fields);
    if (fields !== undefined) headers[KAFKA_HEADER.fields] = fields;
  }
  return { key: record.source, value: record.line, headers };
}

/**
 * `JSON.stringify(fields)`, or undefined for no fields. The names and their order are the
 * same for every line of a file, so the quoted `"name":` pieces are kept from the last
 * record and only the values are stringified per line (the header is built once per line);
 * a value the same as the last line's (host, agent, path, read time) keeps its text too.
 */
function fieldsHeader(fields: NonNullable<OutboundRecord['fields']>): string | undefined {
  const keys = Object.keys(fields);
  if (keys.length === 0) return undefined;
  let names = lastNames;
  if (names === undefined || !sameKeys(names.keys, keys)) {
    names = {
      keys,
      quoted: keys.map((k, i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`),
      values: [],
      texts: [],
    };
    lastNames = names;
  }
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const value: unknown = fields[keys[i] as string];
    // `undefined` is left out by JSON.stringify and an object could hold anything: plain path.
    if (value === undefined || (typeof value === 'object' && !Array.isArray(value)))
      return JSON.stringify(fields);
    let text: string;
    // Arrays are compared by reference, and could change in place: always stringified.
    if (names.values[i] === value && typeof value !== 'object') text = names.texts[i] as string;
    else {
      text = JSON.stringify(value);
      names.values[i] = value;
      names.texts[i] = text;
    }
    out += (names.quoted[i] as string) + text;
  }
  return `${out}}`;
}

let lastNames:
  | {
      readonly keys: readonly string[];
      readonly quoted: readonly string[];
      /** The last line's value and its JSON text, per field. */
      readonly values: unknown[];
      readonly texts: string[];
    }
  | undefined;

/** Bytes a message adds to a produce request, roughly: for batching by size. */
export function messageSize(message: Message): number {
  let n = 70; // record overhead: lengths, attributes, timestamp and offset deltas
  n += typeof message.value === 'string' ? Buffer.byteLength(message.value) : (message.value?.length ?? 0);
  n += typeof message.key === 'string' ? Buffer.byteLength(message.key) : (message.key?.length ?? 0);
  const headers = message.headers;
  // for-in, not Object.entries: this runs once per line and the pairs array was garbage.
  for (const k in headers) {
    const v = headers[k];
    n += k.length + (typeof v === 'string' ? Buffer.byteLength(v) : Buffer.isBuffer(v) ? v.length : 0);
  }
  return n;
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}

/**
 * Decodes one Kafka message: Sluice's own form (id header present), or whatever else is
 * in the topic: a Filebeat/Logstash JSON event or a plain line, through the shared
 * decoder. Records without an id of their own get `topic/partition@offset`, which is
 * unique and the same on every redelivery. Poison: a message without a value, a
 * `x-sluice-fields` header that is not a JSON object, or a payload that claims to be JSON
 * (starts with `{`, or `content-type: application/json`) but does not parse.
 */
export function decodeKafkaMessage(topic: string, partition: number, message: KafkaMessage): Decoded {
  const origin = `${topic}/${partition}@${message.offset}`;
  if (message.value === null) return { poison: true, reason: 'message has no value (tombstone)' };
  const text = message.value.toString('utf8');
  const id = header(message.headers, KAFKA_HEADER.id);
  if (id !== undefined && id !== '') {
    let fields: Record<string, unknown> | undefined;
    const rawFields = header(message.headers, KAFKA_HEADER.fields);
    if (rawFields !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawFields);
      } catch {
        return { poison: true, reason: `${KAFKA_HEADER.fields} header is not valid JSON` };
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return { poison: true, reason: `${KAFKA_HEADER.fields} header is not a JSON object` };
      }
      fields = parsed as Record<string, unknown>;
    }
    const source = header(message.headers, KAFKA_HEADER.source) ?? message.key?.toString('utf8');
    const offset = toNumber(header(message.headers, KAFKA_HEADER.offset));
    const shippedAt = toNumber(header(message.headers, KAFKA_HEADER.shippedAt));
    return {
      id,
      line: text,
      ...(source !== undefined ? { source } : {}),
      ...(offset !== undefined ? { offset } : {}),
      ...(shippedAt !== undefined ? { shippedAt } : {}),
      format: 'sluice',
      ...(fields ? { fields } : {}),
      origin,
    };
  }
  const contentType = header(message.headers, 'content-type');
  return decodePayload(text, {
    origin,
    fallbackId: origin,
    stream: topic,
    declaredJson: contentType !== undefined && /json/i.test(contentType),
  });
}

/**
 * The records of one Kafka message: a frame's lines (header `x-sluice-frame`), each with
 * the id it was shipped with and `topic/partition@offset#index` as its origin, or the one
 * record `decodeKafkaMessage` makes of anything else. Poison is the whole message.
 */
export function decodeKafkaRecords(
  topic: string,
  partition: number,
  message: KafkaMessage,
): InboundRecord[] | Poison {
  if (message.value !== null && header(message.headers, KAFKA_HEADER.frame) !== undefined) {
    return decodeFrame(message.value.toString('utf8'), `${topic}/${partition}@${message.offset}`);
  }
  const decoded = decodeKafkaMessage(topic, partition, message);
  return isPoison(decoded) ? decoded : [decoded];
}

/** A header's number (offset, shipped-at time); undefined when absent, empty or not finite. */
export function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
