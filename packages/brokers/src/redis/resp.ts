import { Command } from 'ioredis';

/*
 * RESP written by the producer itself. Through ioredis's command methods, every element of
 * an RPUSH cost a Command argument walk, a header string per argument, a Buffer.concat of
 * the arguments and another of the pipeline: more CPU than writing the envelopes. Here one
 * RPUSH of up to `pushChunk` elements is one Buffer, its elements UTF-8-encoded straight
 * into it, and ioredis only writes that Buffer and matches the reply (connection handling,
 * reconnects and the offline queue stay its job). The bytes are the RESP any client sends.
 */

const CRLF = 0x0a0d; // "\r\n" as a little-endian uint16

/**
 * `*<argc>\r\n$<len>\r\n<arg>\r\n...` for RPUSH `key` followed by `elements`, as one Buffer.
 * Elements are JSON text (or any string); each is encoded as UTF-8 exactly once.
 */
export function encodePush(command: string, key: string, elements: readonly string[]): Buffer {
  const head = commandHead(command, key, elements.length);
  let chars = 0;
  for (const e of elements) chars += e.length;
  // ASCII is the common case (one byte per character); anything wider grows the buffer.
  let out: Buffer = Buffer.allocUnsafe(head.length + chars + elements.length * 16 + 64);
  head.copy(out, 0);
  let at = head.length;
  for (const text of elements) {
    // Room for the worst case (3 bytes per UTF-16 unit), header and CRLF.
    const most = text.length * 3 + 16;
    if (at + most > out.length) out = grow(out, at, at + most + (out.length >> 1));
    at = writeBulk(out, at, text);
  }
  return at === out.length ? out : out.subarray(0, at);
}

/** `*<argc>\r\n$<len>\r\n<command>\r\n$<len>\r\n<key>\r\n` for a command, a key and `count` more arguments. */
function commandHead(command: string, key: string, count: number): Buffer {
  const keyBytes = Buffer.byteLength(key);
  return Buffer.from(`*${count + 2}\r\n$${command.length}\r\n${command}\r\n$${keyBytes}\r\n${key}\r\n`);
}

/**
 * Writes `$<bytes>\r\n<text>\r\n` at `at` and returns the end. The text is written first, after
 * a header as long as its character count would need; when its UTF-8 length has more digits
 * (rare: only non-ASCII text crossing a power of ten), it is moved up to make room.
 */
function writeBulk(out: Buffer, at: number, text: string): number {
  const guessed = 3 + digits(text.length);
  let start = at + guessed;
  const n = out.write(text, start, 'utf8');
  const header = 3 + digits(n);
  if (header !== guessed) {
    out.copyWithin(at + header, start, start + n);
    start = at + header;
  }
  out[at] = 0x24; // '$'
  writeDigits(out, start - 2, n);
  out.writeUInt16LE(CRLF, start - 2);
  out.writeUInt16LE(CRLF, start + n);
  return start + n + 2;
}

function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** Writes the decimal digits of `n` so that the last one sits just before `end`. */
function writeDigits(out: Buffer, end: number, n: number): void {
  let i = end;
  do {
    out[--i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
}

function grow(buf: Buffer, used: number, size: number): Buffer {
  const bigger = Buffer.allocUnsafe(size);
  buf.copy(bigger, 0, 0, used);
  return bigger;
}

/**
 * A command whose RESP is already written: ioredis queues, writes and resolves it like any
 * other (one reply), and re-sends the same bytes if it replays it after a reconnect.
 */
export class EncodedCommand extends Command {
  constructor(
    name: string,
    private readonly wire: Buffer,
  ) {
    super(name, []);
  }

  override toWritable(_socket: object): Buffer {
    return this.wire;
  }
}
