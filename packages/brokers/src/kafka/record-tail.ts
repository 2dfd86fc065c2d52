import type { OutboundRecord } from '@sluice/core';
import type { Message } from 'kafkajs';
import { digitCount, sameValue, writeDigits } from '../envelope-writer.js';
import { KAFKA_HEADER } from './codec.js';

/*
 * A Kafka record's key, value and headers in record form (each a zigzag varint length and
 * its bytes, the header count between value and headers), written straight from a Sluice
 * record: the bytes kafkajs writes for `encodeKafkaMessage(record)` (patches/kafkajs, record
 * batch writer), without the message's headers object, its five strings (two of them numbers
 * turned into text, one a JSON object), their measuring on both sides and kafkajs's walk over
 * them: most of what a line cost a Kafka shipper once the request itself was one buffer.
 * The key, the source header and the header names are the same for every line of a file, the
 * shipped-at time for every line of one read, and all but one of the fields (log.offset): their
 * bytes are kept while they stay the same. record-tail.test.ts holds the bytes to
 * encodeKafkaMessage's through kafkajs's own record encoder.
 */

/** RecordTailWriter.write's answer for a record it leaves to encodeKafkaMessage. */
export const NOT_WRITTEN = -2;
const NOT_TAKEN = Symbol('not taken');

/** Where a message's pre-written tail lies (kafkajs patch: `message.recordTail`). */
export interface RecordTail {
  readonly buffer: Buffer;
  readonly start: number;
  readonly end: number;
}

/**
 * A kafkajs message whose key, value and headers are already written: `key` stays for the
 * partitioner, `value` is null (kafkajs refuses an undefined one) and is not written again.
 */
export interface TailMessage extends Message {
  readonly key: string;
  readonly value: null;
  readonly recordTail: RecordTail;
}

/** Header names as a record holds them: length varint, then the bytes. */
const NAME = {
  id: nameBytes(KAFKA_HEADER.id),
  source: nameBytes(KAFKA_HEADER.source),
  shippedAt: nameBytes(KAFKA_HEADER.shippedAt),
  offset: nameBytes(KAFKA_HEADER.offset),
  fields: nameBytes(KAFKA_HEADER.fields),
};

function nameBytes(name: string): Buffer {
  return lengthPrefixed(Buffer.from(name, 'utf8'));
}

/** `bytes` after the zigzag varint of their length. */
function lengthPrefixed(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + bytes.length);
  const at = writeVarint(out, 0, bytes.length * 2);
  bytes.copy(out, at);
  return out.subarray(0, at + bytes.length);
}

/** One field of the fields header: its `{"name":` or `,"name":` and the last value written. */
interface FieldSlot {
  readonly name: string;
  /** The name's piece as bytes. */
  readonly piece: Buffer;
  /** The last value, and the bytes of its piece and JSON text together. */
  value: unknown;
  bytes: Buffer | undefined;
}

/**
 * Writes tails (see above). One per producer: it remembers the last source, read time and field
 * values, so records of one file in a row cost only their changing bytes.
 */
export class RecordTailWriter {
  private source: string | undefined;
  /** The source as key and as x-sluice-source value: the key's bytes, then the header name and them again. */
  private sourceBytes: Buffer = Buffer.alloc(0);
  private keyBytes: Buffer = Buffer.alloc(0);
  private shippedAt = Number.NaN;
  private shippedAtBytes: Buffer = Buffer.alloc(0);
  private slots: FieldSlot[] = [];
  /** Per record being written: each field's bytes (or a whole number for a changing one). */
  private readonly parts: (Buffer | number)[] = [];

  /**
   * Writes the tail of `record` into `out` from `at` and returns its end, or -1 when it might
   * not fit before the end of `out` (nothing is promised about the bytes then: the caller
   * grows its buffer and asks again), or NOT_WRITTEN for a record whose fields this writer
   * does not take (encodeKafkaMessage writes those).
   */
  write(record: OutboundRecord, out: Buffer, at: number): number {
    if (record.source !== this.source) this.useSource(record.source);
    if (record.shippedAt !== this.shippedAt) this.useShippedAt(record.shippedAt);
    const hasOffset = record.offset !== undefined;
    const offsetText = hasOffset ? wholeOrText(record.offset as number) : undefined;
    const fieldsText = record.fields ? this.fieldsParts(record.fields) : undefined;
    if (fieldsText === NOT_TAKEN) return NOT_WRITTEN;
    const line = record.line;
    const id = record.id;
    // Every length below is exact but the line's and the id's (UTF-8: at most 3 bytes a unit).
    let fieldsBytes = 0;
    if (fieldsText === true) for (const p of this.parts) fieldsBytes += partLength(p);
    else if (typeof fieldsText === 'string') fieldsBytes = fieldsText.length * 3;
    const bound =
      this.keyBytes.length +
      5 +
      line.length * 3 +
      1 +
      NAME.id.length +
      5 +
      id.length * 3 +
      this.sourceBytes.length +
      this.shippedAtBytes.length +
      (offsetText === undefined ? 0 : NAME.offset.length + 5 + 20) +
      (fieldsText === undefined ? 0 : NAME.fields.length + 5 + fieldsBytes + 1);
    if (at + bound > out.length) return -1;
    out.set(this.keyBytes, at);
    at += this.keyBytes.length;
    at = writeString(out, at, line);
    out[at++] = 2 * (3 + (offsetText === undefined ? 0 : 1) + (fieldsText === undefined ? 0 : 1));
    out.set(NAME.id, at);
    at = writeString(out, at + NAME.id.length, id);
    // x-sluice-source and x-sluice-shipped-at, names and values.
    out.set(this.sourceBytes, at);
    at += this.sourceBytes.length;
    out.set(this.shippedAtBytes, at);
    at += this.shippedAtBytes.length;
    if (offsetText !== undefined) {
      out.set(NAME.offset, at);
      at += NAME.offset.length;
      if (typeof offsetText === 'number') {
        const digits = digitCount(offsetText);
        out[at++] = digits * 2;
        at = writeDigits(out, at, offsetText, digits);
      } else at = writeString(out, at, offsetText);
    }
    if (fieldsText !== undefined) {
      out.set(NAME.fields, at);
      at += NAME.fields.length;
      if (fieldsText === true) {
        at = writeVarint(out, at, (fieldsBytes + 1) * 2);
        for (const p of this.parts) {
          if (typeof p === 'number') at = writeDigits(out, at, p, digitCount(p));
          else {
            out.set(p, at);
            at += p.length;
          }
        }
        out[at++] = 0x7d; // '}'
      } else at = writeString(out, at, fieldsText);
    }
    return at;
  }

  private useSource(source: string): void {
    this.source = source;
    const bytes = lengthPrefixed(Buffer.from(source, 'utf8'));
    this.keyBytes = bytes;
    this.sourceBytes = Buffer.concat([NAME.source, bytes]);
  }

  private useShippedAt(shippedAt: number): void {
    this.shippedAt = shippedAt;
    this.shippedAtBytes = Buffer.concat([NAME.shippedAt, lengthPrefixed(Buffer.from(String(shippedAt)))]);
  }

  /**
   * The fields header (`JSON.stringify(fields)`, as encodeKafkaMessage's fieldsHeader writes it):
   * true with its pieces in `parts` (all but the closing brace), undefined for no fields (no
   * header), or the whole text where a value is one the pieces do not take (an object, undefined).
   */
  private fieldsParts(
    fields: Readonly<Record<string, unknown>>,
  ): true | string | undefined | typeof NOT_TAKEN {
    const parts = this.parts;
    parts.length = 0;
    const slots = this.slots;
    let i = 0;
    for (const name in fields) {
      // JSON.stringify and Object.keys (fieldsHeader) take own names only.
      if (!Object.hasOwn(fields, name)) continue;
      let slot = slots[i];
      if (slot === undefined || slot.name !== name) {
        // Another shape: the names from here on are new.
        slots.length = i;
        slot = {
          name,
          piece: Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(name)}:`, 'utf8'),
          value: undefined,
          bytes: undefined,
        };
        slots.push(slot);
      }
      const value = fields[name];
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
        // A whole number that changes from line to line (log.offset): its piece, then its digits.
        parts.push(slot.piece, value);
      } else {
        if (slot.bytes === undefined || !sameValue(slot.value, value)) {
          if (value === undefined || (typeof value === 'object' && (value === null || !Array.isArray(value))))
            return JSON.stringify(fields);
          const text: string | undefined = JSON.stringify(value);
          // A function or a symbol: no FieldValue is one; encodeKafkaMessage writes such records.
          if (text === undefined) return NOT_TAKEN;
          slot.value = Array.isArray(value) ? [...value] : value;
          slot.bytes = Buffer.concat([slot.piece, Buffer.from(text, 'utf8')]);
        }
        parts.push(slot.bytes);
      }
      i++;
    }
    if (i === 0) return undefined;
    if (slots.length > i) slots.length = i;
    return true;
  }
}

/** A number's text for a header: the number itself when it is written as digits (a non-negative safe integer). */
function wholeOrText(n: number): number | string {
  return Number.isSafeInteger(n) && n >= 0 ? n : String(n);
}

function partLength(p: Buffer | number): number {
  return typeof p === 'number' ? digitCount(p) : p.length;
}

/**
 * A string as a record holds it: zigzag varint of its UTF-8 length, then the bytes. Short
 * ASCII strings (ids) are copied a character at a time; a longer one is encoded by Buffer
 * after room for the length its characters would have as ASCII, and moved when its UTF-8
 * needs a longer varint. The caller made sure there is room (3 bytes a unit, 5 for the length).
 */
function writeString(out: Buffer, at: number, text: string): number {
  const n = text.length;
  if (n < 64) {
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) {
        ascii = false;
        break;
      }
      out[at + 1 + i] = c;
    }
    if (ascii) {
      out[at] = n * 2; // below 128: a one-byte varint
      return at + 1 + n;
    }
  }
  const guess = varintSize(n * 2);
  const bytes = out.write(text, at + guess, 'utf8');
  const size = varintSize(bytes * 2);
  if (size !== guess) out.copyWithin(at + size, at + guess, at + guess + bytes);
  writeVarint(out, at, bytes * 2);
  return at + size + bytes;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** An unsigned varint (the caller passes a length's zigzag, 2n); returns the end. */
function writeVarint(out: Buffer, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}
