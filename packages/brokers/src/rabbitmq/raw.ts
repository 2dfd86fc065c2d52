import type { InboundRecord, PayloadPoison, RawPayloads } from '@sluice/core';
import type { ConsumeMessage } from 'amqplib';
import { sharedBytes } from '../payloads.js';
import { HEADER, isPoison } from '../wire.js';
import { decodeAmqp, decodeAmqpBatch, NDJSON } from './codec.js';

/**
 * AMQP messages as raw payloads (RawPayloads with codec `amqp`), for the parser's workers to
 * decode with decodeAmqp / decodeAmqpBatch exactly as the consumer would on its own thread.
 * amqplib has already parsed each message's properties into strings and numbers; a payload
 * carries the body and the properties and headers those decoders read, in PARTS order, each
 * as an int32 little-endian tag and its bytes:
 *   n >= 0  a string (or the body) of n UTF-8 bytes;
 *   -1      absent;
 *   -2      a number, 8 bytes float64 LE;
 *   -3      a bigint, n' = next int32 then its decimal digits (kept exact, the decoder sees a bigint again).
 * The main thread only copies bytes (and writes the few short header strings).
 */
const PARTS = [
  'body',
  'messageId',
  'contentType',
  HEADER.source,
  HEADER.offset,
  HEADER.shippedAt,
  HEADER.fields,
] as const;
const HEADER_PARTS = 3;
const ABSENT = -1;
const NUMBER = -2;
const BIGINT = -3;

type Part = Buffer | string | number | bigint | undefined;

function part(msg: ConsumeMessage, i: number): Part {
  if (i === 0) return msg.content;
  const props = msg.properties;
  if (i === 1) return typeof props.messageId === 'string' ? props.messageId : undefined;
  if (i === 2) return typeof props.contentType === 'string' ? props.contentType : undefined;
  const name = PARTS[i] as string;
  const value: unknown = props.headers?.[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return value;
  // Any other type (null, a byte array, a table): decodeAmqp reads only `String(value)` of
  // the fields header, and of the others only strings and numbers, so nothing else matters.
  return name === HEADER.fields ? String(value) : undefined;
}

function partSize(p: Part): number {
  if (p === undefined) return 4;
  if (typeof p === 'number') return 12;
  if (typeof p === 'bigint') return 8 + p.toString().length;
  if (typeof p === 'string') return 4 + Buffer.byteLength(p);
  return 4 + p.length;
}

export function packAmqpMessages(messages: readonly ConsumeMessage[], queue: string): RawPayloads {
  const parts = new Array<Part>(messages.length * PARTS.length);
  let total = 0;
  let k = 0;
  for (const msg of messages) {
    for (let i = 0; i < PARTS.length; i++, k++) {
      const p = part(msg, i);
      parts[k] = p;
      total += partSize(p);
    }
  }
  const bytes = sharedBytes(total);
  const out = Buffer.from(bytes.buffer, bytes.byteOffset, total);
  const ends = new Int32Array(messages.length);
  let at = 0;
  k = 0;
  for (let j = 0; j < messages.length; j++) {
    for (let i = 0; i < PARTS.length; i++, k++) {
      const p = parts[k];
      if (p === undefined) {
        at = out.writeInt32LE(ABSENT, at);
      } else if (typeof p === 'number') {
        at = out.writeInt32LE(NUMBER, at);
        at = out.writeDoubleLE(p, at);
      } else if (typeof p === 'bigint') {
        const digits = p.toString();
        at = out.writeInt32LE(BIGINT, at);
        at = out.writeInt32LE(digits.length, at);
        at += out.write(digits, at, 'latin1');
      } else if (typeof p === 'string') {
        const n = out.write(p, at + 4, 'utf8');
        out.writeInt32LE(n, at);
        at += 4 + n;
      } else {
        out.writeInt32LE(p.length, at);
        out.set(p, at + 4);
        at += 4 + p.length;
      }
    }
    ends[j] = at;
  }
  return { codec: 'amqp', stream: queue, origin: `amqp:${queue}`, bytes, ends };
}

/**
 * Decodes payload i of an `amqp` RawPayloads into `records` and `poison`: what the consumer
 * gets from decodeAmqp (one message, one record or poison) or, for an NDJSON message,
 * decodeAmqpBatch (each line a record or poison of its own, `line` set).
 */
export function decodeAmqpPayload(
  raw: RawPayloads,
  i: number,
  records: InboundRecord[],
  poison: PayloadPoison[],
): void {
  const view = Buffer.from(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength);
  let at = i === 0 ? 0 : (raw.ends[i - 1] as number);
  const values = new Array<Buffer | string | number | bigint | undefined>(PARTS.length);
  for (let k = 0; k < PARTS.length; k++) {
    const n = view.readInt32LE(at);
    at += 4;
    if (n === ABSENT) values[k] = undefined;
    else if (n === NUMBER) {
      values[k] = view.readDoubleLE(at);
      at += 8;
    } else if (n === BIGINT) {
      const length = view.readInt32LE(at);
      values[k] = BigInt(view.toString('latin1', at + 4, at + 4 + length));
      at += 4 + length;
    } else {
      values[k] = k === 0 ? view.subarray(at, at + n) : view.toString('utf8', at, at + n);
      at += n;
    }
  }
  const body = values[0] as Buffer;
  const messageId = values[1] as string | undefined;
  const contentType = values[2] as string | undefined;
  const context = { origin: raw.origin, stream: raw.stream };
  if (contentType === NDJSON) {
    for (const { line, decoded } of decodeAmqpBatch(body, context)) {
      if (isPoison(decoded)) poison.push({ payload: i, reason: decoded.reason, line });
      else records.push(decoded);
    }
    return;
  }
  const headers: Record<string, unknown> = {};
  for (let k = HEADER_PARTS; k < PARTS.length; k++) {
    const v = values[k];
    if (v !== undefined) headers[PARTS[k] as string] = v;
  }
  const decoded = decodeAmqp(body, { messageId, contentType, headers }, context);
  if (isPoison(decoded)) poison.push({ payload: i, reason: decoded.reason });
  else records.push(decoded);
}
