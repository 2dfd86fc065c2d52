import type { InboundRecord, JsonObject, JsonValue, RawPayloads } from '@sluice/core';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { sharedBytes } from '../payloads.js';
import { RepeatedJson } from '../repeated-json.js';
import type { Poison } from '../wire.js';
import { decodeKafkaRecords, KAFKA_HEADER, toNumber } from './codec.js';

/**
 * Kafka messages as raw payloads (RawPayloads with codec `kafka`), for the parser's workers
 * to decode with decodeKafkaRecords as the consumer would. kafkajs has already split each
 * message into value, key and headers (Buffers); a payload carries the parts the decoder
 * reads, each as an int32 little-endian length (-1: absent) and its bytes, in PARTS order.
 * The offsets ride in `coordinates`. Only byte copies on the main thread, no text decoding.
 */
const PARTS = [
  'value',
  'key',
  KAFKA_HEADER.id,
  KAFKA_HEADER.source,
  KAFKA_HEADER.offset,
  KAFKA_HEADER.shippedAt,
  KAFKA_HEADER.fields,
  KAFKA_HEADER.frame,
  'content-type',
] as const;

/** A header's value as kafkajs gives it (the first of a repeated key) as bytes, or null. */
function headerBytes(value: IHeaders[string]): Uint8Array | null {
  const one = Array.isArray(value) ? value[0] : value;
  if (one === null || one === undefined) return null;
  return typeof one === 'string' ? Buffer.from(one) : one;
}

/**
 * Puts message m's parts, in PARTS order, at parts[k...]. Each header is read at its own
 * site with a constant name: one lookup site for every name would go megamorphic.
 */
function gatherParts(m: KafkaMessage, parts: (Uint8Array | null)[], k: number): void {
  parts[k] = m.value ?? null;
  parts[k + 1] = m.key ?? null;
  const h = m.headers;
  if (h === undefined) {
    for (let i = 2; i < PARTS.length; i++) parts[k + i] = null;
    return;
  }
  parts[k + 2] = headerBytes(h[KAFKA_HEADER.id]);
  parts[k + 3] = headerBytes(h[KAFKA_HEADER.source]);
  parts[k + 4] = headerBytes(h[KAFKA_HEADER.offset]);
  parts[k + 5] = headerBytes(h[KAFKA_HEADER.shippedAt]);
  parts[k + 6] = headerBytes(h[KAFKA_HEADER.fields]);
  parts[k + 7] = headerBytes(h[KAFKA_HEADER.frame]);
  parts[k + 8] = headerBytes(h['content-type']);
}

/** Lines a message carries: a frame says so in its header; anything else is one. */
export function kafkaMessageLines(message: KafkaMessage): number {
  const v = message.headers?.[KAFKA_HEADER.frame];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined) return 1;
  const n = Number(one.toString());
  return Number.isInteger(n) && n > 0 ? n : 1;
}

export function packKafkaMessages(
  messages: readonly KafkaMessage[],
  topic: string,
  partition: number,
): RawPayloads {
  // One pass gathers the parts (kafkajs gives Buffers; a string is encoded once here) and
  // sizes them, the second copies them: each message's headers are looked up once.
  const parts = new Array<Uint8Array | null>(messages.length * PARTS.length);
  let total = 0;
  for (let j = 0, k = 0; j < messages.length; j++, k += PARTS.length) {
    gatherParts(messages[j] as KafkaMessage, parts, k);
    total += 4 * PARTS.length;
    for (let i = k; i < k + PARTS.length; i++) total += (parts[i] as Uint8Array | null)?.length ?? 0;
  }
  const bytes = sharedBytes(total);
  const view = new DataView(bytes.buffer, 0, total);
  const ends = new Int32Array(messages.length);
  const coordinates = new Array<string>(messages.length);
  let at = 0;
  let k = 0;
  for (let j = 0; j < messages.length; j++) {
    for (let i = 0; i < PARTS.length; i++, k++) {
      const p = parts[k] as Uint8Array | null;
      if (p === null) {
        view.setInt32(at, -1, true);
        at += 4;
      } else {
        view.setInt32(at, p.length, true);
        bytes.set(p, at + 4);
        at += 4 + p.length;
      }
    }
    ends[j] = at;
    coordinates[j] = (messages[j] as KafkaMessage).offset;
  }
  return { codec: 'kafka', stream: topic, origin: topic, partition, bytes, ends, coordinates };
}

/** The parts' positions in PARTS order (-1: absent), reused from payload to payload. */
const starts = new Int32Array(PARTS.length);
const lengths = new Int32Array(PARTS.length);
const VALUE = 0;
const KEY = 1;
const ID = 2;
const SOURCE = 3;
const OFFSET = 4;
const SHIPPED_AT = 5;
const FIELDS = 6;
const FRAME = 7;

let lastBytes: Uint8Array | undefined;
let lastView: Buffer = Buffer.alloc(0);
const fieldsJson = new RepeatedJson();

/**
 * Decodes payload i of a `kafka` RawPayloads: what decodeKafkaRecords gives for that message.
 * A message in Sluice's own form (an id header, no frame), what every line a Sluice shipper
 * sends to Kafka is, is read straight from its parts: no header object, no Buffer per part,
 * and the `x-sluice-fields` header, the same text on every line of a file, parsed once and
 * copied while it repeats. Anything else (a frame, a tombstone, fields that are not a JSON
 * object, another producer's message) goes through decodeKafkaRecords (see
 * decodeKafkaPayloadGenerally); raw.test.ts holds the two to the same records and poison.
 */
export function decodeKafkaPayload(raw: RawPayloads, i: number): InboundRecord[] | Poison {
  if (raw.bytes !== lastBytes) {
    lastBytes = raw.bytes;
    lastView = Buffer.from(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength);
  }
  const view = lastView;
  let at = i === 0 ? 0 : (raw.ends[i - 1] as number);
  for (let k = 0; k < PARTS.length; k++) {
    const n = view.readInt32LE(at);
    at += 4;
    starts[k] = at;
    lengths[k] = n;
    if (n > 0) at += n;
  }
  if ((lengths[VALUE] as number) < 0 || (lengths[FRAME] as number) >= 0 || (lengths[ID] as number) <= 0)
    return decodeKafkaPayloadGenerally(raw, i);
  let fields: JsonObject | undefined;
  if ((lengths[FIELDS] as number) >= 0) {
    let parsed: JsonValue;
    try {
      parsed = fieldsJson.parse(part(view, FIELDS) as string);
    } catch {
      return decodeKafkaPayloadGenerally(raw, i);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return decodeKafkaPayloadGenerally(raw, i);
    fields = parsed;
  }
  // As decodeKafkaMessage builds the record: the same keys in the same order.
  const record = {
    id: part(view, ID) as string,
    line: part(view, VALUE) as string,
  } as Mutable<InboundRecord>;
  const source = repeatedPart(view, (lengths[SOURCE] as number) >= 0 ? SOURCE : KEY);
  if (source !== undefined) record.source = source;
  const offset = numberPart(view, OFFSET);
  if (offset !== undefined) record.offset = offset;
  const shippedAt = numberPart(view, SHIPPED_AT);
  if (shippedAt !== undefined) record.shippedAt = shippedAt;
  record.format = 'sluice';
  if (fields !== undefined) record.fields = fields;
  record.origin = `${raw.stream}/${raw.partition ?? 0}@${raw.coordinates?.[i] ?? ''}`;
  return [record];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Part k of the payload read last, as UTF-8 text (what a header's toString() gives); undefined when absent. */
function part(view: Buffer, k: number): string | undefined {
  const n = lengths[k] as number;
  if (n < 0) return undefined;
  const start = starts[k] as number;
  return view.toString('utf8', start, start + n);
}

/*
 * Each part decoded to a string was a native call and a string, six per line; the source
 * repeats on every line of a file and the two numbers are digits. So the source's bytes are
 * compared with the last one's and its string reused, and plain digits are read from the
 * bytes; anything else takes `part` and toNumber as before.
 */
let lastSourceBytes = new Uint8Array(0);
let lastSource = '';

/** `part(view, k)`, the string reused while the bytes repeat (the source, the key). */
function repeatedPart(view: Buffer, k: number): string | undefined {
  const n = lengths[k] as number;
  if (n < 0) return undefined;
  const start = starts[k] as number;
  const last = lastSourceBytes;
  if (n === last.length) {
    let i = 0;
    while (i < n && view[start + i] === last[i]) i++;
    if (i === n) return lastSource;
  }
  lastSourceBytes = new Uint8Array(view.subarray(start, start + n)); // a copy: the view is reused
  lastSource = part(view, k) as string;
  return lastSource;
}

/** `toNumber(part(view, k))`, read straight from the bytes when they are 1 to 15 digits. */
function numberPart(view: Buffer, k: number): number | undefined {
  const n = lengths[k] as number;
  if (n > 0 && n <= 15) {
    const start = starts[k] as number;
    let value = 0;
    let i = 0;
    for (; i < n; i++) {
      const d = (view[start + i] as number) - 0x30;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
    }
    if (i === n) return value;
  }
  return toNumber(part(view, k));
}

/** decodeKafkaPayload the general way: the message rebuilt from its parts, through decodeKafkaRecords. */
export function decodeKafkaPayloadGenerally(raw: RawPayloads, i: number): InboundRecord[] | Poison {
  const view = Buffer.from(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength);
  let at = i === 0 ? 0 : (raw.ends[i - 1] as number);
  const parts = new Array<Buffer | null>(PARTS.length);
  for (let k = 0; k < PARTS.length; k++) {
    const n = view.readInt32LE(at);
    at += 4;
    if (n < 0) parts[k] = null;
    else {
      parts[k] = view.subarray(at, at + n);
      at += n;
    }
  }
  const headers: IHeaders = {};
  for (let k = 2; k < PARTS.length; k++) {
    const p = parts[k];
    if (p !== null && p !== undefined) headers[PARTS[k] as string] = p;
  }
  const message = {
    value: parts[0] ?? null,
    key: parts[1] ?? null,
    headers,
    offset: raw.coordinates?.[i] ?? '',
  } as KafkaMessage;
  return decodeKafkaRecords(raw.stream, raw.partition ?? 0, message);
}
