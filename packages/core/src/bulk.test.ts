import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import {
  BulkActionLines,
  type EncodedBatch,
  encodeBody,
  itemBytes,
  itemCount,
  itemText,
  quoteJson,
} from './bulk.js';

function batchOf(items: readonly string[]): EncodedBatch {
  const starts = new Int32Array(items.length + 1);
  let offset = 0;
  items.forEach((text, i) => {
    starts[i] = offset;
    offset += text.length;
  });
  starts[items.length] = offset;
  const body = encodeBody(items.join(''), starts);
  return { body, starts, recordIndex: Int32Array.from(items, (_, i) => i), dropped: 0, failures: {} };
}

describe('encodeBody', () => {
  it('keeps offsets of ASCII text, which are already byte offsets', () => {
    const batch = batchOf(['{"a":1}\n{"b":2}\n', '{"c":3}\n{"d":4}\n']);
    expect(Array.from(batch.starts)).toEqual([0, 16, 32]);
    expect(itemText(batch, 1)).toBe('{"c":3}\n{"d":4}\n');
  });

  it('turns offsets into byte offsets when items hold non-ASCII text', () => {
    const items = ['{"m":"héllo"}\n', '{"m":"日本語 🚀"}\n', '{"m":"plain"}\n'];
    const batch = batchOf(items);
    expect(itemCount(batch)).toBe(3);
    expect(batch.starts[3]).toBe(batch.body.length);
    expect(batch.body.length).toBe(Buffer.byteLength(items.join('')));
    items.forEach((text, i) => {
      expect(itemText(batch, i)).toBe(text);
      expect(Buffer.from(itemBytes(batch, i)).equals(Buffer.from(text))).toBe(true);
    });
  });

  it('returns bytes that own their whole buffer, so transferring it detaches nothing else', () => {
    for (const text of ['', 'x\n', 'é\n'.repeat(5000)]) {
      const body = encodeBody(text, Int32Array.of(0, text.length));
      expect(body.byteOffset).toBe(0);
      expect(body.buffer.byteLength).toBe(body.byteLength);
    }
  });
});

describe('quoteJson', () => {
  test('is JSON.stringify of a string, escapes and lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.string({ unit: 'binary', minLength: 250, maxLength: 300 }),
        ),
        (text) => {
          expect(quoteJson(text)).toBe(JSON.stringify(text));
        },
      ),
      { numRuns: 2000 },
    );
    expect(quoteJson('a"b\\c\n\u0001\ud800')).toBe(JSON.stringify('a"b\\c\n\u0001\ud800'));
  });
});

describe('BulkActionLines', () => {
  test('writes create action lines that parse back to their index and id, across index changes', () => {
    const actions = new BulkActionLines();
    const pairs: Array<[string, string]> = [
      ['logs-a', '1'],
      ['logs-a', 'x"y'],
      ['logs-"b"', '2'],
      ['logs-a', '3'],
    ];
    for (const [index, id] of pairs) {
      const line = actions.line(index, id);
      expect(line.endsWith('}\n')).toBe(true);
      expect(JSON.parse(line)).toEqual({ create: { _index: index, _id: id } });
    }
  });
});
