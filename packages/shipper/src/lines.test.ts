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
