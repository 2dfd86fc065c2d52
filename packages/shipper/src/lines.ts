import { isUtf8 } from 'node:buffer';

/** Tags a shipper puts on lines it had to change. Both keep the line; neither drops it. */
export { TAG_TRUNCATED } from '@sluice/core';
export const TAG_INVALID_UTF8 = 'sluice.invalid_utf8';

/** One line cut from a byte stream, with where it sits in that stream. */
export interface Line {
  /** The text without its terminator (`\n` or `\r\n`); invalid UTF-8 decoded as U+FFFD. */
  readonly text: string;
  /** Byte offset of the line's first byte in its stream. */
  readonly offset: number;
  /** Byte offset just past the line's terminator: where reading resumes after this line. */
  readonly end: number;
  /** Bytes the line had on disk (before truncation), terminator excluded. */
  readonly bytes: number;
  readonly truncated: boolean;
  readonly invalidUtf8: boolean;
  /** Lines joined into this one (1 unless multi-line joining made it). */
  readonly lines: number;
  /** Multi-line joining stopped at maxLines/maxBytes; the run continues in the next event. */
  readonly limited: boolean;
}

export interface LineSplitterOptions {
  /** Longest line kept whole, in bytes; longer lines are cut to this and flagged. Default 1 MiB. */
  readonly maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/**
 * Cuts a byte stream into lines. Works on bytes, not strings, so offsets are exact byte
 * offsets (the registry and the record ids depend on that) and a multi-byte character
 * split across two reads is reassembled before decoding.
 *
 * Memory: at most `maxLineBytes` of a partial line is held; the rest of an over-long line
 * is skipped (counted, not stored) until its newline arrives.
 */
export class LineSplitter {
  private readonly maxLineBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the current line seen so far, stored or skipped. */
  private lineBytes = 0;
  private lineStart: number;

  constructor(startOffset = 0, options: LineSplitterOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.lineStart = startOffset;
  }

  /** Offset of the first byte not yet returned as part of a complete line. */
  get position(): number {
    return this.lineStart;
  }

  /** Bytes of an unfinished line held (or skipped) so far. */
  get partialBytes(): number {
    return this.lineBytes;
  }

  /**
   * Feeds the next bytes and returns the lines they complete. `chunk` may be reused by the
   * caller after this returns: bytes kept for a partial line are copied.
   */
  push(chunk: Buffer, out: Line[] = []): Line[] {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      if (nl === -1) {
        this.keep(chunk, pos, chunk.length);
        break;
      }
      let line: Buffer;
      if (this.lineBytes === 0) {
        // Fast path: the whole line is inside this chunk; no copy.
        const len = nl - pos;
        this.lineBytes = len;
        line =
          len > this.maxLineBytes ? chunk.subarray(pos, pos + this.maxLineBytes) : chunk.subarray(pos, nl);
      } else {
        this.keep(chunk, pos, nl);
        line = Buffer.concat(this.pending, this.pendingBytes);
      }
      out.push(this.finish(line, 1));
      pos = nl + 1;
    }
    return out;
  }

  /**
   * Returns the unfinished last line, if any, as a line (a file that does not end with a
   * newline, a stream that closed, a file that was truncated under us).
   */
  flush(): Line | undefined {
    if (this.lineBytes === 0) return undefined;
    return this.finish(Buffer.concat(this.pending, this.pendingBytes), 0);
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    const len = to - from;
    const room = this.maxLineBytes - this.pendingBytes;
    if (room > 0 && len > 0) {
      const take = Math.min(room, len);
      this.pending.push(Buffer.from(chunk.subarray(from, from + take)));
      this.pendingBytes += take;
    }
    this.lineBytes += len;
  }

  private finish(raw: Buffer, terminatorBytes: number): Line {
    const bytes = this.lineBytes;
    const truncated = bytes > this.maxLineBytes;
    let body = raw;
    // CRLF: the \r belongs to the terminator, unless the line was cut before reaching it.
    if (!truncated && body.length > 0 && body[body.length - 1] === 13)
      body = body.subarray(0, body.length - 1);
    // The cut may have split one multi-byte character: that damage is ours, not the source's.
    if (truncated) body = trimPartialCharacter(body);
    const invalidUtf8 = !isUtf8(body);
    const line: Line = {
      text: body.toString('utf8'),
      offset: this.lineStart,
      end: this.lineStart + bytes + terminatorBytes,
      bytes,
      truncated,
      invalidUtf8,
      lines: 1,
      limited: false,
    };
    this.lineStart = line.end;
    this.pending = [];
    this.pendingBytes = 0;
    this.lineBytes = 0;
    return line;
  }
}

/** Drops an incomplete UTF-8 sequence at the end of a buffer (at most 3 bytes). */
function trimPartialCharacter(buf: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const byte = buf[buf.length - back] as number;
    if ((byte & 0xc0) !== 0x80) {
      // Lead byte: how long should its sequence be?
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      return need > back ? buf.subarray(0, buf.length - back) : buf;
    }
  }
  return buf;
}
