import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { type Line, LineSplitter } from './lines.js';

function split(chunks: (string | Buffer)[], max?: number): { lines: Line[]; tail: Line | undefined } {
  const s = new LineSplitter(0, max === undefined ? {} : { maxLineBytes: max });
  const lines: Line[] = [];
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c, lines);
  return { lines, tail: s.flush() };
}

describe('LineSplitter', () => {
  it('gives byte offsets of line starts and where reading resumes', () => {
    const { lines, tail } = split(['ab\nc', 'd\n\nxyz']);
    expect(lines.map((l) => [l.text, l.offset, l.end])).toEqual([
      ['ab', 0, 3],
      ['cd', 3, 6],
      ['', 6, 7],
    ]);
    expect(tail).toMatchObject({ text: 'xyz', offset: 7, end: 10 });
  });

  it('strips CRLF but keeps a lone CR inside a line', () => {
    const { lines } = split(['a\r\nb\rc\r', '\n']);
    expect(lines.map((l) => l.text)).toEqual(['a', 'b\rc']);
    expect(lines[1]?.end).toBe(8);
  });

  it('counts offsets in bytes, and rejoins a character split across reads', () => {
    const euro = Buffer.from('€\n'); // 3 bytes + newline
    const { lines } = split([euro.subarray(0, 1), euro.subarray(1), 'x\n']);
    expect(lines.map((l) => [l.text, l.offset, l.invalidUtf8])).toEqual([
      ['€', 0, false],
      ['x', 4, false],
    ]);
  });

  it('truncates long lines, flags them, and keeps offsets exact', () => {
    const long = 'a'.repeat(100);
    const { lines } = split([long.slice(0, 30), `${long.slice(30)}\nshort\n`], 40);
    expect(lines[0]).toMatchObject({
      text: 'a'.repeat(40),
      truncated: true,
      bytes: 100,
      offset: 0,
      end: 101,
    });
    expect(lines[1]).toMatchObject({ text: 'short', truncated: false, offset: 101 });
  });

  it('truncating inside a multi-byte character does not flag the line as invalid UTF-8', () => {
    const { lines } = split([`${'é'.repeat(10)}\n`], 5); // é is 2 bytes; cut at 5 splits the third
    expect(lines[0]).toMatchObject({ text: 'éé', truncated: true, invalidUtf8: false });
  });

  it('keeps invalid UTF-8 as replacement characters and flags it', () => {
    const { lines } = split([Buffer.from([0x61, 0xff, 0x62, 0x0a])]);
    expect(lines[0]).toMatchObject({ text: 'a\uFFFDb', invalidUtf8: true, bytes: 3 });
  });

  it('starts at a given offset (resume from the registry)', () => {
    const s = new LineSplitter(1000);
    expect(s.push(Buffer.from('x\ny\n')).map((l) => l.offset)).toEqual([1000, 1002]);
    expect(s.position).toBe(1004);
  });
});

/**
 * The lines of a whole byte stream, cut the plain way: one line at a time, each decoded on its
 * own. The splitter, fed the same bytes in any chunks, must give exactly these.
 */
function referenceLines(bytes: Buffer, max: number): { lines: Line[]; tail: Line | undefined } {
  const lines: Line[] = [];
  let start = 0;
  const make = (raw: Buffer, terminator: number): Line => {
    const truncated = raw.length > max;
    let body = truncated ? raw.subarray(0, max) : raw;
    if (!truncated && body.length > 0 && body[body.length - 1] === 13)
      body = body.subarray(0, body.length - 1);
    if (truncated) {
      // Drop a character the cut split (as the splitter does).
      for (let back = 1; back <= Math.min(3, body.length); back++) {
        const b = body[body.length - back] as number;
        if ((b & 0xc0) !== 0x80) {
          const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
          if (need > back) body = body.subarray(0, body.length - back);
          break;
        }
      }
    }
    const line: Line = {
      text: body.toString('utf8'),
      offset: start,
      end: start + raw.length + terminator,
      bytes: raw.length,
      truncated,
      invalidUtf8: !isUtf8(body),
      lines: 1,
      limited: false,
    };
    start = line.end;
    return line;
  };
  let nl = bytes.indexOf(10);
  while (nl !== -1) {
    lines.push(make(bytes.subarray(start, nl), 1));
    nl = bytes.indexOf(10, start);
  }
  return { lines, tail: start < bytes.length ? make(bytes.subarray(start), 0) : undefined };
}

/** `bytes` cut at `cuts` (positions, any order), fed to a splitter. */
function splitAt(bytes: Buffer, cuts: number[], max: number) {
  const points = [...new Set([0, ...cuts.map((c) => c % (bytes.length + 1)), bytes.length])].sort(
    (a, b) => a - b,
  );
  const chunks: Buffer[] = [];
  for (let i = 1; i < points.length; i++) chunks.push(bytes.subarray(points[i - 1], points[i]));
  return split(chunks, max);
}

describe('LineSplitter against one-line-at-a-time decoding', () => {
  const hostile = [
    'plain ascii\n',
    'crlf\r\n',
    'lone\rcr\n',
    '\n',
    '\r\n',
    'é ü ключ 中文 😀\n',
    '\u2028\u2029\ufeff\n',
    `${'a'.repeat(5000)}\n`,
    `${'é'.repeat(3000)}\r\n`,
    'no newline at the end',
  ].map((s) => Buffer.from(s));
  const invalid = [
    Buffer.from([0x61, 0xff, 0x62, 0x0a]),
    Buffer.from([0xed, 0xa0, 0x80, 0x0a]), // an encoded lone surrogate: invalid UTF-8
    Buffer.from([0xe2, 0x82, 0x0a]), // a character cut by the newline
    Buffer.from([0xc3, 0x0d, 0x0a]),
  ];

  it('gives the same lines, offsets and flags however the stream is cut', () => {
    const stream = Buffer.concat([...hostile, ...invalid, ...hostile]);
    for (const max of [4, 7, 100, 4096, 1 << 20]) {
      const want = referenceLines(stream, max);
      for (const size of [1, 2, 3, 5, 64, 1000, 65_536]) {
        const cuts: number[] = [];
        for (let c = size; c < stream.length; c += size) cuts.push(c);
        expect(splitAt(stream, cuts, max), `max ${max}, chunks of ${size}`).toEqual(want);
      }
    }
  });

  it('matches on random bytes and cuts', () => {
    // A seeded generator (xorshift): the same streams on every run, failures reproducible.
    let seed = 12345;
    const next = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const pieces = ['\n', '\r\n', '\r', 'é', '😀', '"', 'abc', '\u2028', 'x'.repeat(20)].map((p) =>
      Buffer.from(p),
    );
    for (let run = 0; run < 2000; run++) {
      const parts: Buffer[] = [];
      for (let i = next(40); i > 0; i--) {
        if (next(3) === 0) parts.push(Buffer.from(Array.from({ length: next(6) + 1 }, () => next(256))));
        else parts.push(pieces[next(pieces.length)] as Buffer);
      }
      const stream = Buffer.concat(parts);
      const cuts = Array.from({ length: next(6) }, () => next(stream.length + 1));
      const max = [3, 16, 1 << 20][next(3)] as number;
      expect(splitAt(stream, cuts, max), `run ${run}`).toEqual(referenceLines(stream, max));
    }
  });
});
