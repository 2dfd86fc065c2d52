import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeJsonString } from './json-bytes.js';

/** writeJsonString's bytes for `text` at offset 5 of a buffer of `size` (null: did not fit). */
function viaBytes(text: string, size = text.length * 18 + 32): Buffer | null {
  const out = Buffer.alloc(size + 5, 0x7e);
  const end = writeJsonString(text, out, 5, out.length);
  return end < 0 ? null : out.subarray(5, end);
}

function expectJson(text: string): void {
  expect(viaBytes(text), JSON.stringify(text)).toEqual(Buffer.from(JSON.stringify(text), 'utf8'));
}

describe('writeJsonString', () => {
  it('writes the UTF-8 of JSON.stringify on awkward text', () => {
    const awkward = [
      '',
      'plain',
      '"',
      '\\',
      '"GET /a?b=\\"c\\" HTTP/1.1" 200',
      '\r\n',
      'crlf at the end\r',
      '\u0000\u0001\u0007\b\t\n\u000b\f\r\u000e\u001f\u0020\u007f',
      'é ü ß ключ 中文 \u2028 \u2029 \ufeff \ufffd',
      '😀 pair, \ud800 lone high, \udc00 lone low, \udbff\udfff max pair',
      '\ud83d',
      'x\udc00',
      `${'"'.repeat(1000)}${'\u0001'.repeat(1000)}`,
      'ü'.repeat(100_000),
      `${'a'.repeat(300_000)}"\n`,
      // Both sides of the scratch buffer's limit (lines up to 64 KiB / 3 characters go through it).
      `"${'x'.repeat(21_843)}\u0001`,
      `"${'x'.repeat(21_844)}\u0001`,
      `"${'x'.repeat(21_845)}\u0001`,
    ];
    for (const text of awkward) expectJson(text);
    // Every byte value as a character, alone and among others.
    for (let c = 0; c < 256; c++) {
      expectJson(String.fromCharCode(c));
      expectJson(`a${String.fromCharCode(c)}b"${String.fromCharCode(c)}`);
    }
  });

  it('matches JSON.stringify on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({
            unit: fc.constantFrom('"', '\\', '\n', '\r', '\u0000', '\u001f', 'a', 'é', '😀', '\ud800'),
            maxLength: 50,
          }),
        ),
        (text) => expectJson(text),
      ),
      { numRuns: 2000 },
    );
  });

  it('says when the buffer is too small, and fits once it is not', () => {
    const text = 'a "quoted" \u0001 line';
    const json = Buffer.from(JSON.stringify(text));
    for (let size = 0; size < json.length + 64; size++) {
      const got = viaBytes(text, size);
      if (got !== null) expect(got).toEqual(json);
    }
    expect(viaBytes(text, json.length * 3 + 64)).toEqual(json);
  });
});
