import type { Redis } from 'ioredis';
import { Command } from './ioredis.js';

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
 * Writes one item's UTF-8 into `out` from `at`; returns where it ends, or -1 when it might not
 * fit before `end` (then the buffer is grown and the item written again).
 */
export type Utf8Writer<T> = (item: T, out: Buffer, at: number, end: number) => number;

/** A string as it is: the elements of frames, or of tests. */
export const writeString: Utf8Writer<string> = (text, out, at, end) => {
  if (at + text.length * 3 > end) return -1;
  return at + out.write(text, at, 'utf8');
};

/**
 * `*<argc>\r\n$<len>\r\n<arg>\r\n...` for `command key item...`, as one Buffer, each item
 * written by `write` (a JSON event straight from its record, or a string) exactly once.
 * `bytesPerItem` sizes the first buffer; a larger item grows it. `reuse`, when large enough,
 * is written into instead of a new buffer (the result is then a view of it).
 */
export function encodePush<T>(
  command: string,
  key: string,
  items: readonly T[],
  write: Utf8Writer<T>,
  bytesPerItem: number,
  reuse?: Buffer,
): Buffer {
  return encodeCommand([command, key], items, write, bytesPerItem, reuse);
}

/** `encodePush` for any leading arguments (`EVAL script 1 key arg`): `args`, then the items. */
export function encodeCommand<T>(
  args: readonly (string | number)[],
  items: readonly T[],
  write: Utf8Writer<T>,
  bytesPerItem: number,
  reuse?: Buffer,
): Buffer {
  const head = commandHead(args, items.length);
  const size = head.length + items.length * (bytesPerItem + 16) + 64;
  const out: Buffer = reuse !== undefined && reuse.length >= size ? reuse : Buffer.allocUnsafe(size);
  head.copy(out, 0);
  const f: Filling = { out, at: head.length, guess: 0 };
  for (const item of items) appendBulk(f, item, write);
  return f.at === f.out.length ? f.out : f.out.subarray(0, f.at);
}

/**
 * The RESP header of a command whose last argument is still to come: `*<argc>\r\n` and every
 * argument but the last as a bulk string (`args` as ioredis would write them).
 */
export function commandPrefix(args: readonly (string | number)[]): Buffer {
  const parts = args.map((a) => Buffer.from(String(a), 'utf8'));
  let text = `*${parts.length + 1}\r\n`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`${text}$${p.length}\r\n`), p);
    text = '\r\n';
  }
  chunks.push(Buffer.from(text));
  return Buffer.concat(chunks);
}

/**
 * One command per item in one Buffer: `prefix` (commandPrefix) then the item as the last
 * bulk string, written by `write`. Returns the Buffer; `ends` receives where each command
 * ends, so a view of each can be sent as its own command (a reply each).
 */
export function encodeEach<T>(
  prefix: Buffer,
  items: readonly T[],
  write: Utf8Writer<T>,
  bytesPerItem: number,
  ends: number[],
): Buffer {
  const f: Filling = {
    out: Buffer.allocUnsafe(items.length * (prefix.length + bytesPerItem + 16) + 64),
    at: 0,
    guess: 0,
  };
  for (const item of items) {
    if (f.at + prefix.length + 32 > f.out.length) f.out = grow(f.out, f.at, f.out.length * 2 + prefix.length);
    prefix.copy(f.out, f.at);
    f.at += prefix.length;
    appendBulk(f, item, write);
    ends.push(f.at);
  }
  return f.out;
}

/** Buffers kept for reuse are at least this large (smaller ones come from Node's shared pool). */
const MIN_REUSED = 64 * 1024;
/** And at most this large: one huge line must not pin its buffer for the producer's lifetime. */
const MAX_REUSED = 8 * 1024 * 1024;

/**
 * Command buffers to write into again once their command has settled. A buffer this size
 * per RPUSH, new each time, was external memory that made V8 collect garbage far more often
 * (a third of a publish's CPU in broker-only runs). A buffer goes back only after ioredis is
 * done with it: resolved or rejected, it is never written or re-sent again.
 */
export class CommandBuffers {
  private readonly spare: Buffer[] = [];

  constructor(private readonly keep = 4) {}

  take(): Buffer | undefined {
    return this.spare.pop();
  }

  /** Gives back the whole buffer behind a command that settled. */
  give(wire: Buffer): void {
    const whole = wire.buffer;
    if (wire.byteOffset !== 0 || whole.byteLength < MIN_REUSED || whole.byteLength > MAX_REUSED) return;
    if (this.spare.length < this.keep) this.spare.push(Buffer.from(whole, 0, whole.byteLength));
  }
}

/** `*<argc>\r\n` and `$<len>\r\n<arg>\r\n` for each of `args`, for a command with `count` more arguments. */
function commandHead(args: readonly (string | number)[], count: number): Buffer {
  let text = `*${count + args.length}\r\n`;
  for (const arg of args) text += `$${Buffer.byteLength(String(arg))}\r\n${arg}\r\n`;
  return Buffer.from(text);
}

/** A command buffer being written: the buffer (replaced when it grows), where writing goes on, the last element's length. */
interface Filling {
  out: Buffer;
  at: number;
  guess: number;
}

/**
 * Appends `item` as a bulk string, growing the buffer until it fits. Lines of one batch are
 * alike: the last element's length guesses the next one's header (writeBulk).
 */
function appendBulk<T>(f: Filling, item: T, write: Utf8Writer<T>): void {
  let end = writeBulk(f.out, f.at, item, write, f.guess);
  while (end < 0) {
    f.out = grow(f.out, f.at, f.out.length * 2);
    end = writeBulk(f.out, f.at, item, write, f.guess);
  }
  f.guess = end - f.at;
  f.at = end;
}

/**
 * Writes `$<bytes>\r\n<item>\r\n` at `at` and returns the end, or -1 when it did not fit. The
 * item is written first, after a header as long as the previous element needed; when its
 * length has another number of digits (rare: lines of one file are alike), it is moved.
 */
function writeBulk<T>(out: Buffer, at: number, item: T, write: Utf8Writer<T>, previous: number): number {
  const guessed = 3 + digits(previous);
  // Room for CRLF and for a header up to 10 digits longer than guessed.
  const end = write(item, out, at + guessed, out.length - 16);
  if (end < 0) return -1;
  let start = at + guessed;
  const n = end - start;
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

/**
 * One command per `chunk` items, each written by `encode` (into a spare buffer of `buffers`
 * when one fits), all sent before any reply is awaited; resolves when every reply settled,
 * with the buffers given back. The list and stream producers publish this way.
 */
export async function sendInChunks<T>(
  client: Redis,
  name: string,
  items: readonly T[],
  chunk: number,
  buffers: CommandBuffers,
  encode: (chunk: readonly T[], reuse: Buffer | undefined) => Buffer,
): Promise<PromiseSettledResult<unknown>[]> {
  const replies: Promise<unknown>[] = [];
  const wires: Buffer[] = [];
  for (let i = 0; i < items.length; i += chunk) {
    const part = i === 0 && items.length <= chunk ? items : items.slice(i, i + chunk);
    const wire = encode(part, buffers.take());
    const command = new EncodedCommand(name, wire);
    client.sendCommand(command);
    replies.push(command.promise);
    wires.push(wire);
  }
  const settled = await Promise.allSettled(replies);
  for (const wire of wires) buffers.give(wire);
  return settled;
}
