import { isAscii, isUtf8 } from 'node:buffer';

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
    if (this.lineBytes !== 0) {
      // The end of a line begun in an earlier chunk.
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        this.keep(chunk, 0, chunk.length);
        return out;
      }
      this.keep(chunk, 0, nl);
      out.push(this.finish(Buffer.concat(this.pending, this.pendingBytes), 1));
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= pos) {
      this.wholeLines(chunk, pos, last, out);
      pos = last + 1;
    }
    if (pos < chunk.length) this.keep(chunk, pos, chunk.length);
    return out;
  }

  /**
   * The lines of `chunk[from, last)`, each ended by a newline (`chunk[last]` is the last one).
   * Valid UTF-8 (nearly always) is decoded in one call, and each line is a slice of that text:
   * a Buffer view, a validity check and a decode per line were most of what reading cost. A
   * newline byte is a whole character in UTF-8, so the slices are the lines' own decodings.
   */
  private wholeLines(chunk: Buffer, from: number, last: number, out: Line[]): void {
    const region = chunk.subarray(from, last);
    if (!isUtf8(region)) {
      this.linesOneByOne(chunk, from, last + 1, out);
      return;
    }
    // ASCII: a character per byte, so text positions are byte positions.
    const ascii = isAscii(region);
    const text = region.toString(ascii ? 'latin1' : 'utf8');
    let at = from; // byte position of the current line
    let c = 0; // its position in `text`
    for (;;) {
      const textEnd = text.indexOf('\n', c);
      const nl = textEnd === -1 ? last : ascii ? from + textEnd : chunk.indexOf(10, at);
      const len = nl - at;
      if (len > this.maxLineBytes) {
        this.linesOneByOne(chunk, at, nl + 1, out);
      } else {
        // CRLF: the \r belongs to the terminator.
        const cut = len > 0 && chunk[nl - 1] === 13 ? 1 : 0;
        const stop = textEnd === -1 ? text.length : textEnd;
        const line: Line = {
          text: text.slice(c, stop - cut),
          offset: this.lineStart,
          end: this.lineStart + len + 1,
          bytes: len,
          truncated: false,
          invalidUtf8: false,
          lines: 1,
          limited: false,
        };
        this.lineStart = line.end;
        out.push(line);
      }
      if (textEnd === -1) return;
      at = nl + 1;
      c = textEnd + 1;
    }
  }

  /** The lines of `chunk[from, to)`, which ends with a newline, each decoded on its own. */
  private linesOneByOne(chunk: Buffer, from: number, to: number, out: Line[]): void {
    let pos = from;
    while (pos < to) {
      const nl = chunk.indexOf(10, pos);
      const len = nl - pos;
      this.lineBytes = len;
      out.push(
        this.finish(
          len > this.maxLineBytes ? chunk.subarray(pos, pos + this.maxLineBytes) : chunk.subarray(pos, nl),
          1,
        ),
      );
      pos = nl + 1;
    }
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
