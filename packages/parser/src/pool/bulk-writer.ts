/**
 * Writes a bulk body as UTF-8 bytes into one growing buffer, reused from batch to batch.
 *
 * Building the body as strings and encoding it at the end cost more than parsing: the
 * strings of every item were flattened by the join, copied again by the encoder, and all
 * of them were garbage afterwards (measured in benchmarks/parse: join, TextEncoder and
 * the collector took half of a worker's time). Here an item goes into the buffer as soon
 * as it is known: a compiled document as one string by one native encode (`text`), JSON
 * text as it stands (`json`), a string escaped and encoded in one pass (`string`).
 *
 * `string` writes exactly the bytes of `TextEncoder.encode(JSON.stringify(text))`
 * (the property test in bulk-writer.test.ts holds them together): the same escapes, lone
 * surrogates written as `\udxxx`.
 */
export class BulkWriter {
  private bytes: Uint8Array<ArrayBuffer>;
  /** The same memory as `bytes`, for Buffer's native latin1 copy of clean text. */
  private view: Buffer;
  /** Where the next byte goes; the length of what was written since the last `take`. */
  offset = 0;
  /** Buffers of spent bodies (see `recycle`). */
  private readonly spare: ArrayBuffer[] = [];

  constructor(initialBytes = 1 << 16) {
    this.bytes = new Uint8Array(initialBytes);
    this.view = Buffer.from(this.bytes.buffer);
  }

  /** Room for `more` bytes after the offset. */
  reserve(more: number): void {
    const needed = this.offset + more;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.offset));
    this.bytes = grown;
    this.view = Buffer.from(grown.buffer);
  }

  byte(b: number): void {
    if (this.offset >= this.bytes.length) this.reserve(1);
    this.bytes[this.offset++] = b;
  }

  /** Bytes prepared once (keys and punctuation of a known shape, see `utf8`). */
  chunk(chunk: Uint8Array): void {
    const len = chunk.length;
    this.reserve(len);
    const b = this.bytes;
    let o = this.offset;
    // A loop beats `set` for the few dozen bytes a key and its punctuation take.
    if (len < 64) for (let i = 0; i < len; i++) b[o++] = chunk[i] as number;
    else {
      b.set(chunk, o);
      o += len;
    }
    this.offset = o;
  }

  /** Text that is already JSON (JSON.stringify's output, a number's digits): encoded, not escaped. */
  json(text: string): void {
    const len = text.length;
    this.reserve(len * 3);
    const b = this.bytes;
    let o = this.offset;
    if (len < 128) {
      let i = 0;
      for (; i < len; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        b[o++] = c;
      }
      if (i === len) {
        this.offset = o;
        return;
      }
      o = this.offset;
    }
    this.offset = o + (encoder.encodeInto(text, b.subarray(o)).written as number);
  }

  /**
   * Any text, in UTF-8 as TextEncoder writes it, by one native call: for JSON assembled
   * as a string (see grok/writer.ts), which JSON.stringify made well-formed.
   */
  text(text: string): void {
    // Every UTF-16 unit is at most three bytes of UTF-8.
    this.reserve(text.length * 3);
    this.offset += this.view.write(text, this.offset, 'utf8');
  }

  /** `text` as a JSON string literal: `JSON.stringify(text)`, in UTF-8. */
  string(text: string): void {
    const len = text.length;
    // Native code wins on long text; the loop below wins on the short fields of a log line.
    if (len > 256) {
      this.json(JSON.stringify(text));
      return;
    }
    // Longer text without a character to escape (a whole access line, a URL) is copied by
    // native code after a read-only scan: about a third less than the loop below.
    if (len >= 32 && isPlainAscii(text)) {
      this.reserve(len + 2);
      this.bytes[this.offset] = 0x22;
      const o = this.offset + 1 + this.view.write(text, this.offset + 1, 'latin1');
      this.bytes[o] = 0x22;
      this.offset = o + 1;
      return;
    }
    // Worst case: every unit a six-byte `\u00XX` escape, plus the quotes.
    this.reserve(len * 6 + 2);
    const b = this.bytes;
    let o = this.offset;
    b[o++] = 0x22;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c !== 0x22 && c !== 0x5c) b[o++] = c;
        else o = writeAsciiEscape(b, o, c);
      } else if (c < 0x800) {
        b[o++] = 0xc0 | (c >> 6);
        b[o++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        b[o++] = 0xe0 | (c >> 12);
        b[o++] = 0x80 | ((c >> 6) & 0x3f);
        b[o++] = 0x80 | (c & 0x3f);
      } else {
        const next = i + 1 < len ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const point = ((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
          b[o++] = 0xf0 | (point >> 18);
          b[o++] = 0x80 | ((point >> 12) & 0x3f);
          b[o++] = 0x80 | ((point >> 6) & 0x3f);
          b[o++] = 0x80 | (point & 0x3f);
          i++;
        } else {
          o = writeUnicodeEscape(b, o, c);
        }
      }
    }
    b[o++] = 0x22;
    this.offset = o;
  }

  /**
   * A number as JSON.stringify writes it: its shortest round-trip digits, `null` when not
   * finite (what an event holding Infinity serialises to).
   */
  number(value: number): void {
    this.json(Number.isFinite(value) ? String(value) : 'null');
  }

  /**
   * The bytes written since the last take, in a buffer no one else views (transferable):
   * a recycled one when one is big enough, else a fresh one with some room to spare, so
   * that it fits a later batch once it comes back. Past the bytes, the buffer holds zeros
   * or an older body. The writer starts over.
   */
  take(): Uint8Array {
    const length = this.offset;
    const out = new Uint8Array(this.spareBuffer(length), 0, length);
    out.set(this.bytes.subarray(0, length));
    this.offset = 0;
    // One huge batch must not pin its buffer in the worker for good.
    if (this.bytes.length > MAX_KEPT_BYTES) {
      this.bytes = new Uint8Array(1 << 16);
      this.view = Buffer.from(this.bytes.buffer);
    }
    return out;
  }

  /**
   * Takes back the buffer of a body `take` handed out, once nothing reads that body any
   * more (see ParserPool.accepted), for a later `take` to copy into. A fresh buffer costs
   * more than the copy: the kernel maps and zeroes each page on its first write, about a
   * microsecond per line for bodies of 1000 lines (measured with benchmarks/parse). At
   * most MAX_SPARE are kept, MAX_KEPT_BYTES in all (the rest is left to the collector); a
   * detached buffer (transferred elsewhere) is ignored.
   */
  recycle(buffer: ArrayBuffer): void {
    const size = buffer.byteLength;
    if (size === 0 || this.spare.includes(buffer)) return;
    let total = size;
    for (const spare of this.spare) total += spare.byteLength;
    if (this.spare.length < MAX_SPARE && total <= MAX_KEPT_BYTES) this.spare.push(buffer);
  }

  /** The smallest spare buffer that holds `length` bytes, taken from the spares; else a new one. */
  private spareBuffer(length: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.spare.length; i++) {
      const size = (this.spare[i] as ArrayBuffer).byteLength;
      if (size >= length && (best < 0 || size < (this.spare[best] as ArrayBuffer).byteLength)) best = i;
    }
    if (best >= 0) {
      const buffer = this.spare[best] as ArrayBuffer;
      this.spare[best] = this.spare[this.spare.length - 1] as ArrayBuffer;
      this.spare.pop();
      return buffer;
    }
    // An eighth more, in 64 KiB steps: batches of one stream vary in size a little.
    const size = length + (length >> 3);
    return new ArrayBuffer(Math.ceil(size / SPARE_STEP) * SPARE_STEP || SPARE_STEP);
  }
}

const MAX_KEPT_BYTES = 16 * 1024 * 1024;
/** Spare body buffers a writer keeps: enough for the batches of one worker in flight. */
const MAX_SPARE = 8;
const SPARE_STEP = 64 * 1024;

const encoder = new TextEncoder();

/** UTF-8 bytes of constant text, for `BulkWriter.chunk`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Printable ASCII with nothing JSON escapes: its JSON string is the text between quotes, byte for byte. */
function isPlainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

const HEX = '0123456789abcdef';

function writeAsciiEscape(b: Uint8Array, o: number, c: number): number {
  b[o++] = 0x5c;
  switch (c) {
    case 0x22:
      b[o++] = 0x22;
      return o;
    case 0x5c:
      b[o++] = 0x5c;
      return o;
    case 0x08:
      b[o++] = 0x62; // b
      return o;
    case 0x09:
      b[o++] = 0x74; // t
      return o;
    case 0x0a:
      b[o++] = 0x6e; // n
      return o;
    case 0x0c:
      b[o++] = 0x66; // f
      return o;
    case 0x0d:
      b[o++] = 0x72; // r
      return o;
    default:
      return writeHex4(b, o, c);
  }
}

/** `\uXXXX` in lower-case hex, as JSON.stringify escapes a lone surrogate. */
function writeUnicodeEscape(b: Uint8Array, o: number, c: number): number {
  b[o++] = 0x5c;
  return writeHex4(b, o, c);
}

function writeHex4(b: Uint8Array, o: number, c: number): number {
  b[o++] = 0x75; // u
  b[o++] = HEX.charCodeAt((c >> 12) & 15);
  b[o++] = HEX.charCodeAt((c >> 8) & 15);
  b[o++] = HEX.charCodeAt((c >> 4) & 15);
  b[o++] = HEX.charCodeAt(c & 15);
  return o;
}
