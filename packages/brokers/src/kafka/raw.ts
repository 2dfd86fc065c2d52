import type { InboundRecord, RawPayloads } from '@sluice/core';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { sharedBytes } from '../payloads.js';
import type { Poison } from '../wire.js';
import { decodeKafkaRecords, KAFKA_HEADER } from './codec.js';

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

function part(message: KafkaMessage, i: number): Buffer | string | null | undefined {
  if (i === 0) return message.value;
  if (i === 1) return message.key;
  const v = message.headers?.[PARTS[i] as string];
  return Array.isArray(v) ? v[0] : v;
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
  let k = 0;
  for (const m of messages) {
    for (let i = 0; i < PARTS.length; i++, k++) {
      const p = part(m, i);
      const bytes = p === null || p === undefined ? null : typeof p === 'string' ? Buffer.from(p) : p;
      parts[k] = bytes;
      total += 4 + (bytes === null ? 0 : bytes.length);
    }
  }
  const bytes = sharedBytes(total);
  const view = new DataView(bytes.buffer, 0, total);
  const ends = new Int32Array(messages.length);
  const coordinates = new Array<string>(messages.length);
  let at = 0;
  k = 0;
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

/** Decodes payload i of a `kafka` RawPayloads: what decodeKafkaRecords gives for that message. */
export function decodeKafkaPayload(raw: RawPayloads, i: number): InboundRecord[] | Poison {
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
