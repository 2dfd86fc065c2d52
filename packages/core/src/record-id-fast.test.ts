import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordId } from './record.js';
import { fastRecordId } from './record-id-fast.js';

/** The definition of a record id, as it always was: ids in Elasticsearch depend on it. */
const reference = (source: string, offset: number | string) =>
  hash('sha256', `${source}\0${offset}`, 'base64url').slice(0, 27);

describe('fastRecordId', () => {
  it('gives the ids crypto gives for file-like sources and offsets', () => {
    const sources = ['', 'a', 'bench:2049:1234567:0', 'web-1:66306:131074:3', 'x'.repeat(53)];
    for (const source of sources)
      for (const offset of [
        0,
        1,
        9,
        10,
        99,
        100,
        169,
        65_535,
        2 ** 31,
        2 ** 32 + 7,
        Number.MAX_SAFE_INTEGER,
      ]) {
        const fast = fastRecordId(source, offset);
        if (source.length + 2 + String(offset).length <= 56) expect(fast).toBe(reference(source, offset));
        expect(recordId(source, offset)).toBe(reference(source, offset));
      }
  });

  it('agrees with crypto on random ASCII sources and offsets, alternating sources', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
          maxLength: 60,
        }),
        fc.string({ maxLength: 8 }),
        fc.maxSafeNat(),
        (a, b, offset) => {
          // Two sources in turn: the cached bytes of the last source must never leak into another's id.
          expect(recordId(a, offset)).toBe(reference(a, offset));
          expect(recordId(b, offset)).toBe(reference(b, offset));
          expect(recordId(a, offset % 1000)).toBe(reference(a, offset % 1000));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('leaves what it does not handle to crypto, with the same ids', () => {
    const cases: [string, number | string][] = [
      ['h\u00e9te:1:2:0', 5], // not ASCII
      ['\u{1f600}:1', 5],
      ['\ud800', 1], // a lone surrogate
      ['x'.repeat(54), 1], // does not fit one block
      ['x'.repeat(50), 123_456], // fits only without the offset
      ['src', '12'], // string offsets
      ['src', -1],
      ['src', 1.5],
      ['src', Number.MAX_SAFE_INTEGER + 2],
      ['src', Number.NaN],
    ];
    for (const [source, offset] of cases) {
      expect(fastRecordId(source, offset)).toBeUndefined();
      expect(recordId(source, offset)).toBe(reference(source, offset));
    }
  });
});
